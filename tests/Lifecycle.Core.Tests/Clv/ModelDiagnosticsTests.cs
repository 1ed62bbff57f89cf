using Lifecycle.Clv;
using Lifecycle.Tests.Numerics;

namespace Lifecycle.Tests.Clv;

/// <summary>Model diagnostics on CDNOW (calibration 39 weeks, holdout 39 weeks) and on hand-computed cases.</summary>
public sealed class ModelDiagnosticsTests
{
    private static readonly Lazy<ParetoNbdModel> Pareto = new(() => ParetoNbdModel.Fit(CdnowHoldout.Summaries.Compress()).Model);

    [Fact]
    public void Summaries_FromRawTransactions_MatchThePublishedSummaryFile()
    {
        var s = CdnowHoldout.Summaries;
        Assert.Equal(2357, s.Count);
        Assert.True(s.HasHoldout);
        Tolerance.Close(39, s.HoldoutDuration, 0.01);
        Tolerance.Close(-9594.98, Pareto.Value.LogLikelihood(ClvTestData.Cdnow), 0, 0.05);
    }

    [Fact]
    public void CalibrationVsHoldout_Cdnow_GroupsAllCustomersAndAveragesPredictions()
    {
        var s = CdnowHoldout.Summaries;
        var rows = ModelDiagnostics.CalibrationVsHoldout(Pareto.Value, s.Frequency, s.Recency, s.T, s.HoldoutFrequency, s.HoldoutDuration, 7);
        Assert.Equal(8, rows.Count);
        Assert.Equal(2357, rows.Sum(r => r.Customers));
        Assert.True(rows[^1].IsOpenEnded && rows[^1].Frequency == 7);

        // Group 0: the mean of the model's predictions for x = 0 customers, and the actual mean.
        var zero = Enumerable.Range(0, s.Count).Where(i => s.Frequency[i] == 0).ToArray();
        var predicted = zero.Average(i => Pareto.Value.ConditionalExpectedTransactions(s.HoldoutDuration, 0, 0, s.T[i]));
        Tolerance.Close(predicted, rows[0].PredictedMean, 1e-12);
        Tolerance.Close(zero.Average(i => s.HoldoutFrequency[i]), rows[0].ActualMean, 1e-12);

        // The model tracks the holdout well on CDNOW: each group's prediction within 0.6 transactions of the actual mean.
        Assert.All(rows, r => Assert.True(Math.Abs(r.ActualMean - r.PredictedMean) < 0.6, r.ToString()));
    }

    [Fact]
    public void TransactionHistogram_Cdnow_ExpectedSumsToCustomersAndChiSquareIsPearson()
    {
        var s = ClvTestData.Cdnow;
        var x = ClvTestData.CdnowX;
        var t = ClvTestData.CdnowT;
        var h = ModelDiagnostics.TransactionHistogram(x, t, [], Pareto.Value.ProbabilityOfTransactions, 7, 4);
        Assert.Equal(1411, h.Bars[0].Observed);
        Tolerance.Close(2357, h.Bars.Sum(b => b.Expected), 1e-10);
        Tolerance.Close(h.Bars.Sum(b => (b.Observed - b.Expected) * (b.Observed - b.Expected) / b.Expected), h.ChiSquare, 1e-14);
        Assert.Equal(3, h.DegreesOfFreedom);
        Assert.InRange(h.PValue, 0, 1);
        Assert.True(s.Count > 0);
    }

    [Fact]
    public void TransactionHistogram_TwoDegreesOfFreedom_PValueIsExpOfHalfChiSquare()
    {
        // Q(1, χ²/2) = e^{−χ²/2} for 2 degrees of freedom.
        var h = ModelDiagnostics.TransactionHistogram([0, 0, 1, 2, 5], [1, 1, 1, 1, 1], [], (n, t) => n switch { 0 => 0.5, 1 => 0.3, 2 => 0.1, _ => 0 }, 3, 1);
        Assert.Equal(2, h.DegreesOfFreedom);
        Tolerance.Close(Math.Exp(-h.ChiSquare / 2), h.PValue, 1e-13);
        Tolerance.Close(0.5, h.Bars[^1].Expected, 1e-14);
    }

    [Fact]
    public void TransactionHistogram_DonationsWeightedRows_FitsWell()
    {
        // At the published estimates every bar of the repeat-donation histogram is within 6% of observed (the largest gap,
        // 1,349 expected vs 1,430 observed, is in one bar); the weighted rows count all 11,104 donors.
        var d = ClvTestData.Donations;
        var model = new BgBbModel(1.204, 0.750, 0.657, 2.783);
        var h = ModelDiagnostics.TransactionHistogram(d.X, d.N, d.W, model.ProbabilityOfTransactions, 6, 4);
        Tolerance.Close(11104, h.Bars.Sum(b => b.Observed), 1e-15);
        Tolerance.Close(11104, h.Bars.Sum(b => b.Expected), 1e-12);
        Assert.Equal(3464, h.Bars[0].Observed);
        Assert.All(h.Bars, b => Tolerance.Close(b.Observed, b.Expected, 0.06));
        Assert.Equal(2, h.DegreesOfFreedom);
    }

    [Fact]
    public void Tracking_LinearExpectation_GivesClosedFormCumulative()
    {
        // E[X(t)] = 0.1 t; births at 0 and 1.5; periods of 1: expected cumulative at k = 0.1 k + 0.1 (k − 1.5)⁺.
        var rows = ModelDiagnostics.Tracking(t => 0.1 * t, [0, 1.5], [0, 1, 0, 2], 1);
        for (var k = 1; k <= 4; k++)
        {
            Tolerance.Close((0.1 * k) + (0.1 * Math.Max(0, k - 1.5)), rows[k - 1].ExpectedCumulative, 1e-14);
        }

        Assert.Equal(3, rows[^1].ActualCumulative);
        Tolerance.Close(rows[^1].ExpectedCumulative, rows.Sum(r => r.ExpectedIncremental), 1e-14);
    }

    [Fact]
    public void Tracking_Cdnow_ExpectedCumulativeWithinTenPercentOverHoldout()
    {
        var (weekly, births) = CdnowHoldout.Weekly();
        var rows = ModelDiagnostics.Tracking(Pareto.Value.ExpectedTransactions, births, weekly, 1);
        Assert.Equal(78, rows.Count);
        var end = rows[^1];
        Assert.True(Math.Abs(end.ExpectedCumulative - end.ActualCumulative) < 0.1 * end.ActualCumulative, end.ToString());
    }

    [Fact]
    public void Errors_HandComputedExample()
    {
        var e = ModelDiagnostics.Errors([0, 2, 4], [1, 2, 1], []);
        Tolerance.Close(4.0 / 3, e.MeanAbsoluteError, 1e-15);
        Tolerance.Close(Math.Sqrt(10.0 / 3), e.RootMeanSquaredError, 1e-15);
        Tolerance.Close((-2.0) / 3, e.Bias, 1e-15);
        var l1 = Math.Log(2);
        var l3 = Math.Log(2) - Math.Log(5);
        Tolerance.Close(((l1 * l1) + (l3 * l3)) / 3, e.MeanSquaredLogError, 1e-14);
        var weighted = ModelDiagnostics.Errors([0, 2, 4], [1, 2, 1], [2, 0, 1]);
        Tolerance.Close((2 + 3) / 3.0, weighted.MeanAbsoluteError, 1e-15);
    }

    [Fact]
    public void Errors_NegativeActual_ThrowsNamingRow()
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelDiagnostics.Errors([0, -1], [1, 1], []));
        Assert.Contains("row 1: actual = -1 must be finite and >= 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Criteria_AreFromLogLikelihoodParametersAndCustomers()
    {
        var fit = MbgNbdModel.Fit(ClvTestData.Cdnow);
        var c = ModelDiagnostics.Criteria(fit);
        Tolerance.Close(8 - (2 * fit.LogLikelihood), c.Aic, 1e-15);
        Tolerance.Close((4 * Math.Log(2357)) - (2 * fit.LogLikelihood), c.Bic, 1e-15);
    }

    [Fact]
    public void RankOnHoldout_Cdnow_OrdersByErrorAndPutsADistortedModelLast()
    {
        var s = CdnowHoldout.Summaries;
        var compressed = s.Compress();
        var p = Pareto.Value;
        var models = new Dictionary<string, ITransactionModel>
        {
            ["pareto-nbd"] = p,
            ["mbgnbd"] = MbgNbdModel.Fit(compressed).Model,
            ["bgnbd"] = BgNbdModel.Fit(compressed).Model,
            ["distorted"] = new ParetoNbdModel(p.R * 3, p.Alpha, p.S, p.Beta, TimeUnit.Weeks),
        };
        var ranking = ModelDiagnostics.RankOnHoldout(models, s.Frequency, s.Recency, s.T, s.HoldoutFrequency, s.HoldoutDuration, RankingMetric.RootMeanSquaredError);
        Assert.Equal(4, ranking.Count);
        Assert.Equal("distorted", ranking[^1].Name);
        for (var i = 1; i < ranking.Count; i++)
        {
            Assert.True(ranking[i].Errors.RootMeanSquaredError >= ranking[i - 1].Errors.RootMeanSquaredError);
            Assert.Equal(i + 1, ranking[i].Rank);
        }

        Assert.Equal(s.HoldoutFrequency.ToArray().Sum(), ranking[0].TotalActual);
    }
}
