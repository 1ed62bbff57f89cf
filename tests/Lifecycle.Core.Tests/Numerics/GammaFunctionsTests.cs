using FsCheck.Xunit;
using Lifecycle.Numerics;
using Lifecycle.Tests.Arbitraries;

namespace Lifecycle.Tests.Numerics;

/// <summary>lnΓ, ψ, ψ', lnB against 40-digit mpmath values (mp.dps = 40) and by identities.</summary>
/// <remarks>Digits reached on these tables: lnΓ 14+ significant (absolute 1e-15 where |lnΓ| &lt; 1), ψ and ψ' 14+, lnB 14+.</remarks>
public sealed class GammaFunctionsTests
{
    [Theory]
    [InlineData(0.001, 6.9071788853838534)]
    [InlineData(0.1, 2.252712651734206)]
    [InlineData(0.5, 0.57236494292470008)]
    [InlineData(1, 0)]
    [InlineData(1.5, -0.12078223763524522)]
    [InlineData(2, 0)]
    [InlineData(2.5, 0.28468287047291918)]
    [InlineData(3.7, 1.4280723266653879)]
    [InlineData(9.99, 12.779315214350193)]
    [InlineData(10, 12.801827480081469)]
    [InlineData(10.5, 13.940625219403763)]
    [InlineData(25.25, 55.585686044869426)]
    [InlineData(100, 359.1342053695754)]
    [InlineData(1234.5, 7550.5509010778951)]
    [InlineData(1e6, 12815504.569147611)]
    [InlineData(1e10, 220258509288.81058)]
    [InlineData(-0.5, 1.2655121234846454)]
    [InlineData(-1.5, 0.86004701537648098)]
    [InlineData(-2.75, 0.0044878975359557731)]
    [InlineData(-10.3, -14.457515440024205)]
    public void LogGamma_ReferenceTable_Matches14Digits(double x, double expected) =>
        Tolerance.Close(expected, GammaFunctions.LogGamma(x), 1e-14, 1e-15);

    [Theory]
    [InlineData(-0.5, -1)]
    [InlineData(-1.5, 1)]
    [InlineData(-2.75, -1)]
    [InlineData(0.5, 1)]
    public void LogGamma_NegativeArguments_ReportSignOfGamma(double x, int expectedSign)
    {
        _ = GammaFunctions.LogGamma(x, out var sign);
        Assert.Equal(expectedSign, sign);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-7)]
    public void LogGamma_Poles_AreInfiniteWithSignZero(double x)
    {
        Assert.Equal(double.PositiveInfinity, GammaFunctions.LogGamma(x, out var sign));
        Assert.Equal(0, sign);
    }

    [Theory]
    [InlineData(0.001, -1000.5755719318103)]
    [InlineData(0.1, -10.423754940411078)]
    [InlineData(0.5, -1.9635100260214235)]
    [InlineData(1, -0.57721566490153287)]
    [InlineData(2, 0.42278433509846713)]
    [InlineData(3.7, 1.1671535393615113)]
    [InlineData(9.99, 2.2507003728312012)]
    [InlineData(10, 2.2517525890667209)]
    [InlineData(25.25, 3.2088934898690553)]
    [InlineData(100, 4.6001618527380872)]
    [InlineData(1e6, 13.815510057964191)]
    [InlineData(-0.5, 0.03648997397857652)]
    [InlineData(-2.75, -1.9590552649779971)]
    public void Digamma_ReferenceTable_Matches14Digits(double x, double expected) =>
        Tolerance.Close(expected, Polygamma.Digamma(x), 1e-14, 1e-15);

    [Fact]
    public void Digamma_AtItsRoot_IsZeroToAbsolute1e15() =>
        Tolerance.Close(0, Polygamma.Digamma(1.4616321449683623), 0, 1e-15);

    [Theory]
    [InlineData(0.001, 1000001.6425331959)]
    [InlineData(0.1, 101.43329915079276)]
    [InlineData(0.5, 4.934802200544679)]
    [InlineData(1, 1.6449340668482264)]
    [InlineData(2, 0.64493406684822641)]
    [InlineData(3.7, 0.31003785767003833)]
    [InlineData(9.99, 0.10527695014824179)]
    [InlineData(10, 0.10516633568168575)]
    [InlineData(25.25, 0.040398546953104013)]
    [InlineData(100, 0.010050166663333571)]
    [InlineData(1e6, 1.0000005000001667e-06)]
    [InlineData(-0.5, 8.934802200544679)]
    [InlineData(-2.75, 19.433868949488463)]
    public void Trigamma_ReferenceTable_Matches14Digits(double x, double expected) =>
        Tolerance.Close(expected, Polygamma.Trigamma(x), 1e-14);

    [Theory]
    [InlineData(0.5, 0.5, 1.1447298858494002)]
    [InlineData(1, 1, 0)]
    [InlineData(0.7929199, 2.4258881, -0.51137212921251574)]
    [InlineData(2, 3, -2.4849066497880004)]
    [InlineData(0.5, 1e6, -6.3353902110574367)]
    [InlineData(1e3, 1e3, -1388.4826016359023)]
    [InlineData(12.5, 0.01, 4.5746237584229679)]
    [InlineData(3.5, 47.25, -12.383801999319298)]
    public void LogBeta_ReferenceTable_Matches14Digits(double a, double b, double expected) =>
        Tolerance.Close(expected, GammaFunctions.LogBeta(a, b), 1e-14, 1e-15);

    [Property(Arbitrary = [typeof(ClvArbitraries)])]
    public void LogGamma_Recurrence_Holds(PositiveArgument x)
    {
        // lnΓ(x+1) = lnΓ(x) + ln x
        var lhs = GammaFunctions.LogGamma(x.Value + 1);
        var rhs = GammaFunctions.LogGamma(x.Value) + Math.Log(x.Value);
        Tolerance.Close(lhs, rhs, 1e-13, 1e-13);
    }

    [Property(Arbitrary = [typeof(ClvArbitraries)])]
    public void LogGamma_Reflection_Holds(RealArgument arg)
    {
        // Γ(x)Γ(1−x) = π / sin(πx)  ⇒  ln|Γ(x)| + ln|Γ(1−x)| = ln(π / |sin πx|)
        var x = arg.Value;
        if (x == Math.Floor(x))
        {
            return;
        }

        var lhs = GammaFunctions.LogGamma(x) + GammaFunctions.LogGamma(1 - x);
        var rhs = Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x)));
        Tolerance.Close(rhs, lhs, 1e-11, 1e-11);
    }

    [Property(Arbitrary = [typeof(ClvArbitraries)])]
    public void Digamma_Recurrence_Holds(RealArgument arg)
    {
        var x = arg.Value;
        if (x == Math.Floor(x) && x <= 0)
        {
            return;
        }

        // ψ(x+1) = ψ(x) + 1/x
        Tolerance.Close(Polygamma.Digamma(x + 1), Polygamma.Digamma(x) + (1 / x), 1e-12, 1e-12);
    }

    [Property(Arbitrary = [typeof(ClvArbitraries)])]
    public void Trigamma_Recurrence_Holds(PositiveArgument x)
    {
        // ψ'(x+1) = ψ'(x) − 1/x²; for small x both right-hand terms are ~1/x², so the tolerance scales with them.
        var psi = Polygamma.Trigamma(x.Value);
        Tolerance.Close(Polygamma.Trigamma(x.Value + 1), psi - (1 / (x.Value * x.Value)), 0, 1e-13 * Math.Max(1, psi));
    }

    [Property(Arbitrary = [typeof(ClvArbitraries)])]
    public void Digamma_IsDerivativeOfLogGamma(ModelParameter x)
    {
        var h = 1e-5 * x.Value;
        var numeric = (GammaFunctions.LogGamma(x.Value + h) - GammaFunctions.LogGamma(x.Value - h)) / (2 * h);
        Tolerance.Close(Polygamma.Digamma(x.Value), numeric, 1e-7, 1e-7);
    }

    [Property(Arbitrary = [typeof(ClvArbitraries)])]
    public void LogBeta_IsSymmetricAndMatchesLogGamma(ModelParameter a, ModelParameter b)
    {
        var direct = GammaFunctions.LogGamma(a.Value) + GammaFunctions.LogGamma(b.Value) - GammaFunctions.LogGamma(a.Value + b.Value);
        Tolerance.Close(direct, GammaFunctions.LogBeta(a.Value, b.Value), 1e-13, 1e-13);
        Assert.Equal(GammaFunctions.LogBeta(a.Value, b.Value), GammaFunctions.LogBeta(b.Value, a.Value));
    }

    [Property(Arbitrary = [typeof(ClvArbitraries)])]
    public void LogGammaRatio_MatchesDifferenceOfLogGammas(ModelParameter x, PositiveArgument n)
    {
        var direct = GammaFunctions.LogGamma(x.Value + n.Value) - GammaFunctions.LogGamma(x.Value);
        Tolerance.Close(direct, GammaFunctions.LogGammaRatio(x.Value, n.Value), 1e-12, 1e-12);
    }
}
