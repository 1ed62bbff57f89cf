using Lifecycle.Clv;
using Lifecycle.Numerics;
using Lifecycle.Tests.Numerics;

namespace Lifecycle.Tests.Clv;

/// <summary>Gamma-Gamma against CDNOW (FHL 2005, Hardie note 025) and its edge policies.</summary>
public sealed class GammaGammaTests
{
    private static readonly Lazy<FitResult<GammaGammaModel>> CdnowFit = new(() => GammaGammaModel.Fit(Cdnow.Summaries));

    [Fact]
    public void Fit_Cdnow_ReproducesPublishedParametersWithin0Point01()
    {
        var fit = CdnowFit.Value;
        Assert.True(fit.Converged, fit.ExitReason.ToString());
        Tolerance.Close(6.25, fit.Model.P, 0, 0.01);
        Tolerance.Close(3.74, fit.Model.Q, 0, 0.01);
        Tolerance.Close(15.44, fit.Model.V, 0, 0.01);
        Tolerance.Close(15.447, fit.Model.V, 0, 0.001);
        Assert.Equal(946, fit.CustomersUsed);
        Assert.Equal(1411, fit.CustomersExcluded);
        Assert.Equal(946, fit.RowsUsed);
        Assert.Empty(fit.Warnings);
    }

    [Fact]
    public void Fit_Cdnow_LogLikelihoodIsMinus4055Point92() =>
        Tolerance.Close(-4055.92, CdnowFit.Value.LogLikelihood, 0, 0.01);

    // REFERENCES.md truncates to cents; the full values (lifetimes' documentation) are 24.658619, 18.911489, 35.170981, 71.462843, 27.282408.
    [Fact]
    public void ConditionalExpectedSpend_CdnowFirstTenRows_MatchPublishedToTheCent()
    {
        double[] published = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
        var model = CdnowFit.Value.Model;
        var s = Cdnow.Summaries;
        var batch = new double[10];
        model.ConditionalExpectedSpend(s.Frequency[..10], s.MonetaryValue[..10], batch);
        for (var i = 0; i < 10; i++)
        {
            var e = model.ConditionalExpectedSpend(s.Frequency[i], s.MonetaryValue[i]);
            Assert.Equal(e, batch[i]);
            Assert.InRange(e - published[i], 0, 0.01);
        }

        Tolerance.Close(35.170981, model.PopulationMeanSpend!.Value, 0, 1e-4);
    }

    [Fact]
    public void ConditionalExpectedSpend_IsWeightedMeanOfPopulationAndCustomerMeans()
    {
        var m = new GammaGammaModel(6, 4, 15);
        var population = 6.0 * 15 / 3;
        var weight = 6.0 * 5 / ((6.0 * 5) + 4 - 1);
        Tolerance.Close(((1 - weight) * population) + (weight * 40), m.ConditionalExpectedSpend(5, 40), 1e-15);
        Assert.Equal(population, m.ConditionalExpectedSpend(0, 0), 1e-12);
    }

    [Fact]
    public void Fit_HeavyTailedSpend_SaysPopulationMeanDoesNotExist()
    {
        // ν ~ Gamma(q = 0.6, v = 20): a population without a finite mean spend.
        var random = new Random(5);
        var n = 4000;
        var x = new double[n];
        var m = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = 1 + random.Next(8);
            var nu = RandomVariates.Gamma(random, 0.6, 20);
            var total = 0.0;
            for (var k = 0; k < x[i]; k++)
            {
                total += RandomVariates.Gamma(random, 3, nu);
            }

            m[i] = total / x[i];
        }

        var free = GammaGammaModel.Fit(x, m, [], null, false);
        Assert.True(free.Model.Q <= 1, free.Model.ToString());
        Assert.False(free.Model.HasPopulationMean);
        Assert.Null(free.Model.PopulationMeanSpend);
        Assert.Contains(free.Warnings, w => w.Contains("does not exist", StringComparison.Ordinal));
        var ex = Assert.Throws<InvalidOperationException>(() => free.Model.ConditionalExpectedSpend(0, 0));
        Assert.Contains("population mean spend does not exist", ex.Message, StringComparison.Ordinal);
        Assert.True(free.Model.ConditionalExpectedSpend(3, 50) > 0);

        var constrained = GammaGammaModel.Fit(x, m, [], null, true);
        Assert.True(constrained.Model.Q > 1);
        Assert.True(constrained.Model.HasPopulationMean);
        Assert.True(constrained.Model.ConditionalExpectedSpend(0, 0) > 0);
        Assert.True(constrained.LogLikelihood <= free.LogLikelihood + 1e-9);
    }

    [Fact]
    public void ConditionalExpectedSpend_NonexistentConditionalMean_ThrowsNotNegative()
    {
        var m = new GammaGammaModel(0.1, 0.5, 10);
        var ex = Assert.Throws<InvalidOperationException>(() => m.ConditionalExpectedSpend(2, 10));
        Assert.Contains("p·x + q − 1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 0, "row 1: monetary value = 0 must be finite and > 0 for a customer with x = 2")]
    [InlineData(2, -5, "row 1: monetary value = -5 must be finite and > 0")]
    [InlineData(double.NaN, 5, "row 1: frequency = NaN must be finite and >= 0")]
    public void Fit_BadRow_ThrowsNamingRow(double x, double m, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => GammaGammaModel.Fit([1, x], [10, m], [], null, false));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_NoRepeatCustomers_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => GammaGammaModel.Fit([0, 0], [0, 0], [], null, false));
        Assert.Contains("no customer with repeat purchases", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_ScaledCurrency_ScalesVOnly()
    {
        var s = Cdnow.Summaries;
        var m100 = s.MonetaryValue.ToArray().Select(v => v * 100).ToArray();
        var a = GammaGammaModel.Fit(s.Frequency, s.MonetaryValue, [], null, false);
        var b = GammaGammaModel.Fit(s.Frequency, m100, [], null, false);
        Tolerance.Close(a.Model.P, b.Model.P, 1e-6);
        Tolerance.Close(a.Model.Q, b.Model.Q, 1e-6);
        Tolerance.Close(100 * a.Model.V, b.Model.V, 1e-6);
    }

    [Fact]
    public void Likelihood_GradientMatchesFiniteDifferences()
    {
        var s = Cdnow.Summaries;
        var xs = new List<double>();
        var ms = new List<double>();
        for (var i = 0; i < s.Count; i++)
        {
            if (s.Frequency[i] > 0)
            {
                xs.Add(s.Frequency[i]);
                ms.Add(s.MonetaryValue[i]);
            }
        }

        var lik = new GammaGammaLikelihood([.. xs], [.. ms], [.. xs.Select(_ => 1.0)]);
        double[] p = [5, 3, 12];
        var g = new double[3];
        lik.MeanNegativeLogLikelihood(p, g);
        for (var i = 0; i < 3; i++)
        {
            var h = 1e-6 * p[i];
            var up = (double[])p.Clone();
            var down = (double[])p.Clone();
            up[i] += h;
            down[i] -= h;
            var numeric = (lik.MeanNegativeLogLikelihood(up, new double[3]) - lik.MeanNegativeLogLikelihood(down, new double[3])) / (2 * h);
            Tolerance.Close(numeric, g[i], 1e-6, 1e-9);
        }
    }
}
