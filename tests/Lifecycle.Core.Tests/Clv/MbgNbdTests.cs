using Lifecycle.Clv;
using Lifecycle.Tests.Numerics;

namespace Lifecycle.Tests.Clv;

/// <summary>MBG/NBD against the published CDNOW fit (Batislam et al. 2007; REFERENCES.md) and closed-form checks.</summary>
public sealed class MbgNbdTests
{
    private static readonly Lazy<FitResult<MbgNbdModel>> CdnowFit = new(() => MbgNbdModel.Fit(ClvTestData.Cdnow));

    [Fact]
    public void Fit_Cdnow_ParametersMatchPublishedToThreeDecimals()
    {
        var fit = CdnowFit.Value;
        Assert.True(fit.Converged, fit.ExitReason.ToString());
        Assert.Equal(0.525, Math.Round(fit.Parameter("r"), 3));
        Assert.Equal(6.183, Math.Round(fit.Parameter("alpha"), 3));
        Assert.Equal(0.891, Math.Round(fit.Parameter("a"), 3));
        Assert.Equal(1.614, Math.Round(fit.Parameter("b"), 3));
        Tolerance.Close(-9582.13, fit.LogLikelihood, 0, 0.01);
        Tolerance.Close(fit.LogLikelihood, fit.Model.LogLikelihood(ClvTestData.Cdnow), 1e-12);
    }

    [Fact]
    public void Fit_Cdnow_StandardErrorsFromHessianArePositive()
    {
        var fit = CdnowFit.Value;
        Assert.NotNull(fit.Covariance);
        Assert.All(fit.StandardErrors, se => Assert.True(se > 0 && double.IsFinite(se)));
    }

    [Fact]
    public void ProbabilityAlive_NoRepeatPurchases_IsBelowOneAsTheModelAllowsDropoutAtTimeZero()
    {
        var m = CdnowFit.Value.Model;
        var p = m.ProbabilityAlive(0, 0, 38.86);
        Assert.InRange(p, 0.01, 0.99);

        // Closed form: 1 / (1 + a/b · ((α+T)/α)^r).
        var expected = 1 / (1 + (m.A / m.B * Math.Pow((m.Alpha + 38.86) / m.Alpha, m.R)));
        Tolerance.Close(expected, p, 1e-13);
    }

    [Fact]
    public void ConditionalExpectedTransactions_NewCustomer_EqualsUnconditionalExpectation()
    {
        // A customer seen at T = 0 with x = 0 is a new customer: E[Y(t) | 0, 0, 0] = E[X(t)].
        var m = CdnowFit.Value.Model;
        foreach (var t in new[] { 1.0, 10, 39, 78 })
        {
            Tolerance.Close(m.ExpectedTransactions(t), m.ConditionalExpectedTransactions(t, 0, 0, 0), 1e-11);
        }
    }

    [Fact]
    public void ExpectedTransactions_SmallT_HasSlopeOfSurvivorsPurchaseRate()
    {
        // Only the b/(a+b) who survive the dropout at time 0 buy, at mean rate r/α.
        var m = CdnowFit.Value.Model;
        var h = 1e-6;
        Tolerance.Close(m.B / (m.A + m.B) * m.R / m.Alpha, m.ExpectedTransactions(h) / h, 1e-5);
    }

    [Fact]
    public void ExpectedTransactions_AEqualsOne_IsContinuous()
    {
        var at = new MbgNbdModel(0.5, 6, 1, 1.6, TimeUnit.Weeks).ExpectedTransactions(39);
        var near = new MbgNbdModel(0.5, 6, 1 + 1e-4, 1.6, TimeUnit.Weeks).ExpectedTransactions(39);
        Assert.True(double.IsFinite(at));
        Tolerance.Close(near, at, 1e-4);
    }

    [Fact]
    public void LogLikelihood_LargeFrequency_IsFiniteAndPAliveIsZeroForLongSilence()
    {
        var m = new MbgNbdModel(0.5, 6, 0.9, 1.6, TimeUnit.Weeks);
        Assert.True(double.IsFinite(m.LogLikelihood(5000, 10, 1000)));
        Assert.Equal(0, m.ProbabilityAlive(1000, 10, 1000), 12);
        Assert.True(double.IsFinite(m.ConditionalExpectedTransactions(52, 5000, 999, 1000)));
    }
}
