using Lifecycle.Metrics;

namespace Lifecycle.Tests.Metrics;

public sealed class SimpleClvTests
{
    [Fact]
    public void Historic_SumsMarginBeforeTheEnd()
    {
        var end = new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var clv = SimpleClv.Historic<string>(ChurnAnalysisTests.ShopLog(), 0.4m, end);

        Assert.Equal(92m, clv["X"]);   // 0.4 × (100 + 50 + 80)
        Assert.Equal(80m, clv["W"]);   // the 999 purchase in May is after the end
        Assert.Equal(5, clv.Count);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SimpleClv.Historic<string>(ChurnAnalysisTests.ShopLog(), 1.5m, end));
        Assert.Contains("margin = 1.5 must be a fraction", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Formula_AovTimesFrequencyTimesMarginTimesLifespan()
    {
        // AOV 62.5, 1.6 purchases a year, 30 % margin, 4-year lifespan: 62.5 × 1.6 × 0.3 × 4 = 120.
        Assert.Equal(120m, SimpleClv.Formula(62.5m, 1.6m, 0.3m, 4m));
        Assert.Equal(4m, SimpleClv.ExpectedLifespan(0.75m)); // 1/(1 − 0.75)
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SimpleClv.ExpectedLifespan(1m));
        Assert.Contains("lifespan is infinite", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RetentionBased_StartOfPeriod_MatchesClosedFormAndSeries()
    {
        // m = 100, r = 0.8, d = 0.1: 100 × 1.1 / 0.3 = 366.67; the series Σ_{t≥0} 100 (0.8/1.1)^t agrees.
        var clv = SimpleClv.RetentionBased(100m, 0.8m, 0.1m);
        Assert.Equal(366.666666666666666666666667m, decimal.Round(clv, 24));
        double series = 0;
        for (var t = 0; t < 400; t++)
        {
            series += 100 * Math.Pow(0.8 / 1.1, t);
        }

        Assert.Equal(series, (double)clv, 9);
    }

    [Fact]
    public void RetentionBased_EndOfPeriod_IsOneMarginLess()
    {
        // m r/(1+d−r) = 100 × 0.8 / 0.3 = 266.67 = StartOfPeriod − m.
        var end = SimpleClv.RetentionBased(100m, 0.8m, 0.1m, CashFlowTiming.EndOfPeriod);
        Assert.Equal(SimpleClv.RetentionBased(100m, 0.8m, 0.1m) - 100m, end, 20);
        Assert.Equal(80m / 0.3m, end, 20);
    }

    [Fact]
    public void RetentionBased_FullRetentionWithoutDiscount_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SimpleClv.RetentionBased(100m, 1m, 0m));
        Assert.Contains("must be positive when retention is 1", e.Message, StringComparison.Ordinal);
        Assert.Equal(1100m, SimpleClv.RetentionBased(100m, 1m, 0.1m)); // 100 × 1.1 / 0.1
        Assert.Throws<ArgumentOutOfRangeException>(() => SimpleClv.RetentionBased(100m, 1.1m, 0.1m));
        Assert.Throws<ArgumentOutOfRangeException>(() => SimpleClv.RetentionBased(100m, 0.5m, -0.1m));
    }
}
