using Lifecycle.Metrics;

namespace Lifecycle.Tests.Metrics;

public sealed class KaplanMeierTests
{
    /// <summary>
    /// Freireich et al. (1963), 6-MP arm of the acute leukaemia remission trial (weeks of remission; + = censored):
    /// 6, 6, 6, 6+, 7, 9+, 10, 10+, 11+, 13, 16, 17+, 19+, 20+, 22, 23, 25+, 32+, 32+, 34+, 35+.
    /// The Kaplan–Meier table is printed in Kleinbaum &amp; Klein, "Survival Analysis: A Self-Learning Text" (3rd ed., 2012),
    /// chapter 2 (S = 0.8571, 0.8067, 0.7529, 0.6902, 0.6275, 0.5378, 0.4482 at 6, 7, 10, 13, 16, 22, 23), and with
    /// Greenwood standard errors and log intervals by R's survfit on this data (std.err 0.0764, 0.0869, 0.0963, 0.1068,
    /// 0.1141, 0.1282, 0.1346; 95 % bounds 0.720–1.000, 0.653–0.996, 0.586–0.968, 0.510–0.935, 0.439–0.896, 0.337–0.858,
    /// 0.249–0.807).
    /// </summary>
    internal static SurvivalObservation[] SixMp()
    {
        (double T, bool Event)[] data =
        [
            (6, true), (6, true), (6, true), (6, false), (7, true), (9, false), (10, true), (10, false), (11, false), (13, true),
            (16, true), (17, false), (19, false), (20, false), (22, true), (23, true), (25, false), (32, false), (32, false),
            (34, false), (35, false),
        ];
        return [.. data.Select(d => new SurvivalObservation(d.T, d.Event))];
    }

    /// <summary>Freireich placebo arm: 1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23 weeks, no censoring.</summary>
    internal static SurvivalObservation[] Placebo() =>
        [.. new double[] { 1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23 }.Select(t => new SurvivalObservation(t, true))];

    [Fact]
    public void Fit_Freireich6Mp_MatchesKleinbaumKleinAndSurvfit()
    {
        var curve = KaplanMeier.Fit(SixMp());

        Assert.Equal([6, 7, 10, 13, 16, 22, 23], curve.Times.ToArray());
        Assert.Equal([21, 17, 15, 12, 11, 7, 6], curve.AtRisk.ToArray());
        Assert.Equal([3, 1, 1, 1, 1, 1, 1], curve.Events.ToArray());

        // Published to 4 decimals: tolerance half a unit in the last place.
        double[] s = [0.8571, 0.8067, 0.7529, 0.6902, 0.6275, 0.5378, 0.4482];
        double[] se = [0.0764, 0.0869, 0.0963, 0.1068, 0.1141, 0.1282, 0.1346];
        double[] lower = [0.720, 0.653, 0.586, 0.510, 0.439, 0.337, 0.249];
        double[] upper = [1.000, 0.996, 0.968, 0.935, 0.896, 0.858, 0.807];
        for (var j = 0; j < s.Length; j++)
        {
            Assert.InRange(curve.Survival[j], s[j] - 0.00005, s[j] + 0.00005);
            Assert.InRange(curve.StandardError[j], se[j] - 0.00005, se[j] + 0.00005);
            Assert.InRange(curve.Lower[j], lower[j] - 0.0005, lower[j] + 0.0005);
            Assert.InRange(curve.Upper[j], upper[j] - 0.0005, upper[j] + 0.0005);
        }

        Assert.Equal(23, curve.MedianLifetime);
        Assert.Equal(21, curve.Subjects);
        Assert.Equal(9, curve.EventCount);
        Assert.Equal(35, curve.LastObservedTime);
    }

    [Fact]
    public void Fit_FreireichPlacebo_IsEmpiricalSurvivalWithMedian8()
    {
        var curve = KaplanMeier.Fit(Placebo());

        // No censoring: S(t) = (number still in remission) / 21, Kleinbaum & Klein chapter 2.
        Assert.Equal([1, 2, 3, 4, 5, 8, 11, 12, 15, 17, 22, 23], curve.Times.ToArray());
        int[] remaining = [19, 17, 16, 14, 12, 8, 6, 4, 3, 2, 1, 0];
        for (var j = 0; j < remaining.Length; j++)
        {
            Assert.Equal(remaining[j] / 21.0, curve.Survival[j], 12);
        }

        Assert.Equal(8, curve.MedianLifetime);

        // S reaches 0 at 23: Greenwood's sum is infinite there and the interval undefined, not a number.
        Assert.True(double.IsNaN(curve.StandardError[^1]));
        Assert.True(double.IsNaN(curve.Lower[^1]));
    }

    [Fact]
    public void Fit_LateEntry_UsesRiskSetOfEnteredSubjects()
    {
        // Hand computation, risk set at t = {entry < t <= exit}:
        // t=2: subjects 1,2,3 (4 enters at 2, 5 at 3) → n=3, S=2/3; t=3: 2,3,4 → S=4/9; t=4: 2,4,5 → S=8/27; t=6: 5 → S=0.
        SurvivalObservation[] data =
        [
            new(0, 2, true), new(0, 5, false), new(1, 3, true), new(2, 4, true), new(3, 6, true),
        ];
        var curve = KaplanMeier.Fit(data);

        Assert.Equal([2, 3, 4, 6], curve.Times.ToArray());
        Assert.Equal([3, 3, 3, 1], curve.AtRisk.ToArray());
        Assert.Equal(2.0 / 3, curve.Survival[0], 15);
        Assert.Equal(4.0 / 9, curve.Survival[1], 15);
        Assert.Equal(8.0 / 27, curve.Survival[2], 15);
        Assert.Equal(0, curve.Survival[3]);

        // Greenwood: σ² = Σ d/(n(n−d)) = 3 × 1/6 at t = 4.
        Assert.Equal(8.0 / 27 * Math.Sqrt(0.5), curve.StandardError[2], 15);

        // Ignoring the entries would put all five at risk at t = 2.
        var naive = KaplanMeier.Fit(data.Select(o => new SurvivalObservation(o.Exit, o.ObservedEvent)).ToArray());
        Assert.Equal(5, naive.AtRisk[0]);
    }

    [Fact]
    public void Fit_IntervalKinds_FollowTheirFormulas()
    {
        var data = SixMp();
        var logLog = KaplanMeier.Fit(data, 0.95, ConfidenceIntervalKind.LogLog);
        var plain = KaplanMeier.Fit(data, 0.90, ConfidenceIntervalKind.Plain);

        // t = 6: S = 18/21, σ² = 3/(21·18).
        var s = 18.0 / 21;
        var sigma = Math.Sqrt(3.0 / (21 * 18));
        const double z95 = 1.959963984540054;
        const double z90 = 1.6448536269514722;
        Assert.Equal(Math.Exp(Math.Log(s) * Math.Exp(z95 * sigma / Math.Abs(Math.Log(s)))), logLog.Lower[0], 12);
        Assert.Equal(Math.Exp(Math.Log(s) * Math.Exp(-z95 * sigma / Math.Abs(Math.Log(s)))), logLog.Upper[0], 12);
        Assert.Equal(s - (z90 * s * sigma), plain.Lower[0], 12);
        Assert.Equal(Math.Min(1, s + (z90 * s * sigma)), plain.Upper[0], 12);
    }

    [Fact]
    public void SurvivalAt_StepFunction_AndUndefinedBeyondFollowUp()
    {
        var curve = KaplanMeier.Fit(SixMp());

        Assert.Equal(1.0, curve.SurvivalAt(5.9));
        Assert.Equal(curve.Survival[0], curve.SurvivalAt(6));
        Assert.Equal(curve.Survival[1], curve.SurvivalAt(9.5));
        Assert.Equal(curve.Survival[6], curve.SurvivalAt(35));
        Assert.Null(curve.SurvivalAt(35.1));
    }

    [Fact]
    public void HazardPerPeriod_IsConditionalLossPerPeriod()
    {
        var curve = KaplanMeier.Fit(SixMp());

        // 10-week periods: S(10) = 0.7529, S(20) = 0.6275, S(30) = 0.4482, S(40) not estimable (follow-up ends at 35).
        var h = curve.HazardPerPeriod(10, 4);
        Assert.Equal(1 - curve.Survival[2], h[0].Value, 12);
        Assert.Equal(1 - (curve.Survival[4] / curve.Survival[2]), h[1].Value, 12);
        Assert.Equal(1 - (curve.Survival[6] / curve.Survival[4]), h[2].Value, 12);
        Assert.False(h[3].IsDefined);
    }

    [Fact]
    public void MedianLifetime_NotReached_IsNull()
    {
        var curve = KaplanMeier.Fit([new SurvivalObservation(1, true), new SurvivalObservation(5, false), new SurvivalObservation(6, false)]);
        Assert.Null(curve.MedianLifetime);
    }

    [Fact]
    public void Fit_BadInput_ThrowsWithRule()
    {
        var e = Assert.Throws<ArgumentException>(() => KaplanMeier.Fit([]));
        Assert.Contains("needs at least one subject", e.Message, StringComparison.Ordinal);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => KaplanMeier.Fit(SixMp(), 1.0));
        Assert.Contains("strictly between 0 and 1", r.Message, StringComparison.Ordinal);
        r = Assert.Throws<ArgumentOutOfRangeException>(() => KaplanMeier.Fit(SixMp(), double.NaN));
        Assert.Contains("finite", r.Message, StringComparison.Ordinal);
        r = Assert.Throws<ArgumentOutOfRangeException>(() => new SurvivalObservation(3, 2, false));
        Assert.Contains("must be after entry = 3", r.Message, StringComparison.Ordinal);
        r = Assert.Throws<ArgumentOutOfRangeException>(() => new SurvivalObservation(double.NaN, true));
        Assert.Contains("finite", r.Message, StringComparison.Ordinal);
        r = Assert.Throws<ArgumentOutOfRangeException>(() => new SurvivalObservation(2, 2, true));
        Assert.Contains("must be after entry", r.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.95, 1.6448536269514722)]
    [InlineData(0.5, 0.0)]
    [InlineData(0.001, -3.090232306167813)]
    [InlineData(1e-10, -6.361340902404056)]
    public void NormalQuantile_MatchesTables(double p, double z)
    {
        Assert.Equal(z, NormalQuantile.Quantile(p), 12);
    }
}
