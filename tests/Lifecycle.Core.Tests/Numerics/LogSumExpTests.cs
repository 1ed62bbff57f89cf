using Lifecycle.Numerics;

namespace Lifecycle.Tests.Numerics;

public sealed class LogSumExpTests
{
    [Fact]
    public void Sum_HugeTerms_DoNotOverflow() =>
        Tolerance.Close(1000 + Math.Log(3), LogSumExp.Sum([1000, 1000, 1000]), 1e-15);

    [Fact]
    public void SignedSum_Difference_KeepsSign()
    {
        // e^800 − 2e^800 = −e^800
        var l = LogSumExp.SignedSum([800, 800 + Math.Log(2)], [1, -1], out var sign);
        Assert.Equal(-1, sign);
        Tolerance.Close(800, l, 1e-15);
    }

    [Fact]
    public void SignedSum_ExactCancellation_IsZeroWithSignZero()
    {
        var l = LogSumExp.SignedSum([5, 5], [1, -1], out var sign);
        Assert.Equal(0, sign);
        Assert.Equal(double.NegativeInfinity, l);
    }

    [Fact]
    public void Add_TwoSigned_MatchesDirectArithmetic()
    {
        var l = LogSumExp.Add(Math.Log(3), 1, Math.Log(5), -1, out var sign);
        Assert.Equal(-1, sign);
        Tolerance.Close(Math.Log(2), l, 1e-15);
        Tolerance.Close(Math.Log(8), LogSumExp.Add(Math.Log(3), Math.Log(5)), 1e-15);
    }

    [Fact]
    public void Add_NegativeInfinity_IsIdentity() => Assert.Equal(2.5, LogSumExp.Add(double.NegativeInfinity, 2.5));

    [Theory]
    [InlineData(1e-20)]
    [InlineData(1e-10)]
    [InlineData(0.5)]
    [InlineData(-0.3)]
    public void Log1P_SmallArguments_AreAccurate(double x)
    {
        var expected = x == 1e-20 ? 1e-20 : x == 1e-10 ? 9.9999999995000000000333e-11 : Math.Log(1 + x);
        Tolerance.Close(expected, Elementary.Log1P(x), 2e-16);
    }
}
