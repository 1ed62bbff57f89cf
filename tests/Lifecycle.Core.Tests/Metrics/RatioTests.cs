using Lifecycle.Metrics;

namespace Lifecycle.Tests.Metrics;

public sealed class RatioTests
{
    [Fact]
    public void Value_ZeroDenominator_IsUndefinedNotZero()
    {
        var r = new Ratio(3, 0);
        Assert.False(r.IsDefined);
        Assert.Null(r.ValueOrNull);
        Assert.False(r.TryGetValue(out _));
        Assert.Equal("undefined", r.ToString());
        var e = Assert.Throws<InvalidOperationException>(() => r.Value);
        Assert.Contains("undefined (zero denominator)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Value_Defined_DividesExactly()
    {
        var r = new Ratio(1, 4);
        Assert.Equal(0.25, r.Value);
        Assert.Equal(0.25m, r.DecimalValue);
        Assert.True(r.TryGetValue(out var v));
        Assert.Equal(0.25, v);
        Assert.Equal("0.25", r.ToString());
    }
}
