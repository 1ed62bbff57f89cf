using Lifecycle.Clv;
using Lifecycle.Tests.Numerics;

namespace Lifecycle.Tests.Clv;

/// <summary>sBG against Fader &amp; Hardie (2007, 2010) (REFERENCES.md).</summary>
public sealed class ShiftedBetaGeometricTests
{
    private static readonly double[] Regular = [1000, 631, 468, 382, 326, 289, 262, 241];
    private static readonly double[] HighEnd = [1000, 869, 743, 653, 593, 551, 517, 491];

    [Fact]
    public void Fit_RegularCohort_MatchesPublishedToThreeDecimals()
    {
        var fit = ShiftedBetaGeometricModel.Fit(SurvivalData.FromCohort(Regular));
        Assert.True(fit.Converged, fit.ExitReason.ToString());
        Assert.Equal(0.704, Math.Round(fit.Model.Alpha, 3));
        Assert.Equal(1.182, Math.Round(fit.Model.Beta, 3));
        Assert.All(fit.StandardErrors, se => Assert.True(se > 0 && double.IsFinite(se)));
    }

    [Fact]
    public void Fit_HighEndCohort_MatchesPublishedWithProjectionAndDerl()
    {
        var fit = ShiftedBetaGeometricModel.Fit(SurvivalData.FromCohort(HighEnd));
        var m = fit.Model;
        Assert.Equal(0.668, Math.Round(m.Alpha, 3));
        Assert.Equal(3.806, Math.Round(m.Beta, 3));
        var projected = m.ProjectActive(1, 12);
        double[] published = [0.460, 0.436, 0.414, 0.395, 0.378];
        for (var i = 0; i < published.Length; i++)
        {
            Assert.Equal(published[i], Math.Round(projected[8 + i], 3));
        }

        Assert.Equal(7.53, Math.Round(m.DiscountedExpectedResidualLifetime(0.10, 7), 2));
    }

    [Fact]
    public void Fit_IndividualsExpandedFromCohort_EqualsCohortFit()
    {
        var periods = new List<int>();
        var churned = new List<bool>();
        var weights = new List<double>();
        for (var t = 1; t < HighEnd.Length; t++)
        {
            periods.Add(t);
            churned.Add(true);
            weights.Add(HighEnd[t - 1] - HighEnd[t]);
        }

        periods.Add(7);
        churned.Add(false);
        weights.Add(HighEnd[^1]);
        var individual = ShiftedBetaGeometricModel.Fit(SurvivalData.FromIndividuals([.. periods], [.. churned], [.. weights]));
        var cohort = ShiftedBetaGeometricModel.Fit(SurvivalData.FromCohort(HighEnd));
        Tolerance.Close(cohort.Model.Alpha, individual.Model.Alpha, 1e-9);
        Tolerance.Close(cohort.Model.Beta, individual.Model.Beta, 1e-9);
        Tolerance.Close(cohort.LogLikelihood, individual.LogLikelihood, 1e-12);
    }

    [Fact]
    public void Fit_TwoCohortsOfDifferentAge_PoolsTheirLikelihoods()
    {
        double[] young = [500, 420, 370];
        var both = SurvivalData.FromCohorts([HighEnd, young]);
        var fit = ShiftedBetaGeometricModel.Fit(both);
        var sum = fit.Model.LogLikelihood(SurvivalData.FromCohort(HighEnd)) + fit.Model.LogLikelihood(SurvivalData.FromCohort(young));
        Tolerance.Close(sum, fit.LogLikelihood, 1e-12);
        Assert.Equal(1500, both.Customers);
    }

    [Fact]
    public void SurvivalRetentionAndChurn_AreConsistent()
    {
        var m = new ShiftedBetaGeometricModel(0.668, 3.806);
        Tolerance.Close(0.668 / (0.668 + 3.806), m.ChurnProbability(1), 1e-14);
        for (var t = 1; t <= 20; t++)
        {
            Tolerance.Close(m.Survival(t - 1) - m.Survival(t), m.ChurnProbability(t), 1e-12);
            Tolerance.Close(m.Survival(t) / m.Survival(t - 1), m.Retention(t), 1e-12);
            Assert.True(t == 1 || m.Retention(t) > m.Retention(t - 1));
        }
    }

    [Fact]
    public void DiscountedExpectedLifetime_EqualsDiscountedSumOfSurvival()
    {
        var m = new ShiftedBetaGeometricModel(0.668, 3.806);
        double sum = 0;
        for (var t = 0; t < 20000; t++)
        {
            sum += m.Survival(t) / Math.Pow(1.1, t);
        }

        Tolerance.Close(sum, m.DiscountedExpectedLifetime(0.1), 1e-10);

        // DERL after n periods: the survival-weighted discounted sum from the next renewal on.
        double derl = 0;
        for (var t = 0; t < 20000; t++)
        {
            derl += m.Survival(7 + 1 + t) / m.Survival(7) / Math.Pow(1.1, t);
        }

        Tolerance.Close(derl, m.DiscountedExpectedResidualLifetime(0.1, 7), 1e-10);
    }

    [Fact]
    public void FromCohort_CountRises_ThrowsNamingPeriod()
    {
        var ex = Assert.Throws<ArgumentException>(() => SurvivalData.FromCohort([100, 80, 90]));
        Assert.Contains("period 2: active = 90 exceeds the 80 active at period 1", ex.Message, StringComparison.Ordinal);
    }
}
