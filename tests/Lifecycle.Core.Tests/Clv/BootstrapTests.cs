using Lifecycle.Clv;
using Lifecycle.Tests.Numerics;

namespace Lifecycle.Tests.Clv;

/// <summary>Bootstrap intervals: determinism, parallel independence, progress, and agreement with the Hessian standard errors.</summary>
public sealed class BootstrapTests
{
    private static readonly double[] TargetX = [0, 2, 26];
    private static readonly double[] TargetTx = [0, 30.43, 30.86];
    private static readonly double[] TargetT = [38.86, 38.86, 31];

    [Fact]
    public void TransactionPredictions_SameSeed_IdenticalOnOneOrAllCores()
    {
        var one = Run(new BootstrapOptions { Replicates = 12, Seed = 7, MaxDegreeOfParallelism = 1 });
        var all = Run(new BootstrapOptions { Replicates = 12, Seed = 7 });
        for (var q = 0; q < 2; q++)
        {
            for (var i = 0; i < TargetX.Length; i++)
            {
                Assert.Equal(one[q, i], all[q, i]);
            }
        }

        var other = Run(new BootstrapOptions { Replicates = 12, Seed = 8 });
        Assert.NotEqual(one[1, 1].Lower, other[1, 1].Lower);
    }

    [Fact]
    public void TransactionPredictions_IntervalsBracketEstimatesAndReportProgress()
    {
        var progress = new Collector();
        var result = Run(new BootstrapOptions { Replicates = 40, Seed = 1, Progress = progress });
        Assert.Equal(40, progress.Reports.Count);
        Assert.Equal(40, progress.Reports.Max(r => r.Completed));
        Assert.All(progress.Reports, r => Assert.Equal(40, r.Total));
        Assert.Equal(0, result.FailedReplicates);
        Assert.Equal(["p_alive", "expected_purchases"], result.Quantities);
        for (var i = 0; i < TargetX.Length; i++)
        {
            var alive = result["p_alive", i];
            var purchases = result["expected_purchases", i];
            Assert.InRange(alive.Lower, 0, alive.Upper);
            Assert.InRange(alive.Upper, 0, 1);
            Assert.True(purchases.Lower <= purchases.Upper && purchases.Lower >= 0);

            // The full-data estimate lies inside (or at the edge of) its 95% percentile interval for these customers.
            Assert.InRange(purchases.Estimate, purchases.Lower * 0.9, purchases.Upper * 1.1);
        }
    }

    [Fact]
    public void Run_ParameterStandardErrors_AgreeWithHessianWithin35Percent()
    {
        // With 60 replicates the bootstrap SD has about 9% sampling error, so 35% is a 4-sigma band.
        var data = ClvTestData.Cdnow;
        var fit = MbgNbdModel.Fit(data);
        var result = Bootstrap.Run(data, MbgNbdModel.Fit, (m, d) => d[0] = m.R, ["r"], 1, new BootstrapOptions { Replicates = 60, Seed = 3 });
        for (var k = 0; k < 4; k++)
        {
            Tolerance.Close(fit.StandardErrors[k], result.Parameters[k].StandardError, 0.35);
        }

        Assert.Equal(fit.Parameters[0], result[0, 0].Estimate, 1e-9);
    }

    [Fact]
    public void Run_BgBbDonations_GivesIntervalForPAlive()
    {
        var d = ClvTestData.Donations;
        var data = DiscreteSummaries.Create(d.X, d.Tx, d.N, d.W);
        var result = Bootstrap.Run(data, BgBbModel.Fit, (m, dest) => dest[0] = m.ProbabilityAlive(2, 4, 6), ["p_alive"], 1, new BootstrapOptions { Replicates = 20, Seed = 5 });
        var interval = result[0, 0];
        Tolerance.Close(0.59, interval.Estimate, 0, 0.005);
        Assert.True(interval.Lower < interval.Estimate && interval.Estimate < interval.Upper);
        Assert.True(interval.Upper - interval.Lower < 0.1);
    }

    [Fact]
    public void LifetimeValue_Cdnow_IntervalAroundPointClv()
    {
        var data = ClvTestData.Cdnow;
        var spend = new GammaGammaModel(6.25, 3.74, 15.44);
        var discounting = new DiscreteDiscounting(12, 4.345, 0.01);
        double[] m = [0, 22.35, 35.0];
        var result = Bootstrap.LifetimeValue(data, MbgNbdModel.Fit, spend, TargetX, TargetTx, TargetT, m, discounting, new BootstrapOptions { Replicates = 16, Seed = 2 });
        var model = MbgNbdModel.Fit(data).Model;
        for (var i = 0; i < TargetX.Length; i++)
        {
            var clv = result["clv", i];
            var direct = CustomerLifetimeValue.Discrete(model, spend, new CustomerSummary(TargetX[i], TargetTx[i], TargetT[i], m[i]), discounting);
            Tolerance.Close(direct, clv.Estimate, 1e-6);
            Assert.True(clv.Lower <= clv.Upper && clv.Lower > 0 && clv.StandardError > 0);
        }
    }

    [Fact]
    public void Options_OneReplicate_ThrowsWithFix()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new BootstrapOptions { Replicates = 1 });
        Assert.Contains("Replicates = 1 must be at least 2", ex.Message, StringComparison.Ordinal);
    }

    private static BootstrapResult Run(BootstrapOptions options) =>
        Bootstrap.TransactionPredictions(ClvTestData.Cdnow, MbgNbdModel.Fit, TargetX, TargetTx, TargetT, 52, options);

    private sealed class Collector : IProgress<BootstrapProgress>
    {
        private readonly Lock _lock = new();

        public List<BootstrapProgress> Reports { get; } = [];

        public void Report(BootstrapProgress value)
        {
            lock (_lock)
            {
                Reports.Add(value);
            }
        }
    }
}
