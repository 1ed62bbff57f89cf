using Lifecycle.Engagement;
using Lifecycle.Numerics;

namespace Lifecycle.Tests.Engagement;

public sealed class LiftTests
{
    [Theory]
    [InlineData(1, 12.706204736174703939)]
    [InlineData(2, 4.3026527297494637234)]
    [InlineData(5, 2.570581835636315469)]
    [InlineData(7.5, 2.333039626864974575)]
    [InlineData(10, 2.2281388519862747157)]
    [InlineData(30, 2.0422724563012382836)]
    [InlineData(100, 1.9839715185235522621)]
    [InlineData(1000, 1.9623390808264084612)]
    public void StudentTQuantile_MatchesMpmath(double nu, double expected)
    {
        // Reference: mpmath findroot on betainc(nu/2, 1/2, 0, nu/(nu+t^2), regularized)/2 = 0.025, 30 digits.
        // Tolerance 1e-10 relative: the bisection stops at 1e-12 and the continued fraction is good to ~1e-14.
        Assert.Equal(expected, StudentT.Quantile(0.975, nu), expected * 1e-10);
    }

    [Fact]
    public void Newcombe_PublishedExample_MatchesMethod10()
    {
        // Newcombe (1998), Statistics in Medicine 17:873-890, Table II example (a): 56/70 − 48/80,
        // hybrid score interval (method 10) 0.0524 to 0.3339, published to 4 decimals.
        var d = LiftAnalysis.Newcombe(56, 70, 48, 80);
        Assert.Equal(0.2, d.Difference, 12);
        Assert.Equal(0.0524, d.Lower, 0.00005);
        Assert.Equal(0.3339, d.Upper, 0.00005);
    }

    [Fact]
    public void Wilson_PublishedExample_Matches()
    {
        // Newcombe (1998), Table I: 81/263, Wilson score interval 0.2553 to 0.3662 (4 decimals).
        var (l, u) = LiftAnalysis.Wilson(81, 263);
        Assert.Equal(0.2553, l, 0.00005);
        Assert.Equal(0.3662, u, 0.00005);
    }

    [Fact]
    public void Measure_SimulatedCampaignsOfKnownEffect_CoverTheTruthAtTheStatedRate()
    {
        // 200 seeded campaigns, 1,500 treated and 500 control customers each. Truth: conversion 0.10 → 0.13
        // (+0.03), retention 0.30 → 0.34 (+0.04), revenue per customer: converted customers spend Gamma(2, 1/25)
        // (mean 50), so the revenue difference is 0.03 × 50 = 1.5.
        // Coverage of a 95 % interval over 200 runs is Binomial(200, 0.95)/200: SE 1.54 %, so we accept
        // [0.95 − 3 SE, 1] = [0.904, 1] (a wrong interval at 90 % coverage fails with probability ~0.6).
        const int runs = 200;
        int conversion = 0, retention = 0, revenue = 0, conversionSignificant = 0;
        for (var run = 0; run < runs; run++)
        {
            var random = new Random(1000 + run);
            var observations = new List<LiftObservation>();
            foreach (var (arm, count, pc, pr) in new[] { (DecisionArm.Treatment, 1500, 0.13, 0.34), (DecisionArm.Control, 300, 0.10, 0.30), (DecisionArm.Holdout, 200, 0.10, 0.30) })
            {
                for (var i = 0; i < count; i++)
                {
                    var converted = random.NextDouble() < pc;
                    var retained = random.NextDouble() < pr;
                    var spend = converted ? RandomVariates.Gamma(random, 2, 1 / 25.0) : 0;
                    observations.Add(new LiftObservation("r", arm, converted, retained, spend));
                }
            }

            var lift = Assert.Single(LiftAnalysis.Measure(observations));
            Assert.Equal(1500, lift.Treated);
            Assert.Equal(500, lift.Untreated);
            Assert.Empty(lift.Warnings);
            var c = lift.Conversion!.Value;
            conversion += c.Lower <= 0.03 && 0.03 <= c.Upper ? 1 : 0;
            conversionSignificant += c.Lower > 0 ? 1 : 0;
            var r = lift.Retention!.Value;
            retention += r.Lower <= 0.04 && 0.04 <= r.Upper ? 1 : 0;
            var m = lift.RevenuePerCustomer!.Value;
            revenue += m.Lower <= 1.5 && 1.5 <= m.Upper ? 1 : 0;
            Assert.Equal(m.Difference * 1500, lift.IncrementalRevenue!.Value.Estimate, 1e-9);
        }

        Assert.InRange(conversion / (double)runs, 0.904, 1);
        Assert.InRange(retention / (double)runs, 0.904, 1);
        Assert.InRange(revenue / (double)runs, 0.904, 1);

        // The intervals are not trivially wide: the +3 point effect is detected in 82 of 200 runs (power about 0.4 at these sizes).
        Assert.InRange(conversionSignificant, 80, 200);
    }

    [Fact]
    public void Measure_SmallOrEmptyGroups_WarnAndGiveNoNumbersRatherThanNaN()
    {
        var small = LiftAnalysis.Measure([
            new LiftObservation("a", DecisionArm.Treatment, true, true, 10),
            new LiftObservation("a", DecisionArm.Treatment, false, true, 0),
            new LiftObservation("a", DecisionArm.Control, false, false, 0),
            new LiftObservation("a", DecisionArm.Control, true, false, 5),
            new LiftObservation("b", DecisionArm.Treatment, true, true, 10),
        ]);
        Assert.Equal(["a", "b"], small.Select(s => s.Rule));
        Assert.Contains(small[0].Warnings, w => w.Contains("fewer than 30", StringComparison.Ordinal));
        Assert.NotNull(small[0].Conversion);
        Assert.True(double.IsFinite(small[0].RevenuePerCustomer!.Value.Lower));
        Assert.Null(small[1].Conversion);
        Assert.Null(small[1].RevenuePerCustomer);
        Assert.Contains(small[1].Warnings, w => w.Contains("no control", StringComparison.Ordinal));
    }

    [Fact]
    public void Welch_ConstantSamples_GiveAPointInterval()
    {
        var d = LiftAnalysis.Welch([2.0, 2.0, 2.0], [1.0, 1.0]);
        Assert.Equal(1, d.Difference);
        Assert.Equal(1, d.Lower);
        Assert.Equal(1, d.Upper);
    }
}
