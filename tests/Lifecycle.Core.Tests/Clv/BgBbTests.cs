using Lifecycle.Clv;
using Lifecycle.Tests.Numerics;

namespace Lifecycle.Tests.Clv;

/// <summary>BG/BB against the published donations fit (Fader, Hardie &amp; Shang 2010; REFERENCES.md).</summary>
public sealed class BgBbTests
{
    private static readonly Lazy<DiscreteSummaries> Donations = new(() =>
    {
        var d = ClvTestData.Donations;
        return DiscreteSummaries.Create(d.X, d.Tx, d.N, d.W);
    });

    private static readonly Lazy<FitResult<BgBbModel>> DonationsFit = new(() => BgBbModel.Fit(Donations.Value));

    private static readonly BgBbModel Published = new(1.204, 0.750, 0.657, 2.783);

    [Fact]
    public void Fit_Donations_ParametersMatchPublishedToThreeDecimals()
    {
        var fit = DonationsFit.Value;
        Assert.True(fit.Converged, fit.ExitReason.ToString());
        Assert.Equal(11104, fit.CustomersUsed);
        Assert.Equal(1.204, Math.Round(fit.Parameter("alpha"), 3));
        Assert.Equal(0.750, Math.Round(fit.Parameter("beta"), 3));
        Assert.Equal(0.657, Math.Round(fit.Parameter("gamma"), 3));
        Assert.Equal(2.783, Math.Round(fit.Parameter("delta"), 3));
        Tolerance.Close(-33225.6, fit.LogLikelihood, 0, 0.05);
        Assert.NotNull(fit.Covariance);
        Assert.All(fit.StandardErrors, se => Assert.True(se > 0 && double.IsFinite(se)));
    }

    [Theory]
    [InlineData(0, 0, 0.11)]
    [InlineData(2, 4, 0.59)]
    [InlineData(6, 6, 0.93)]
    public void ProbabilityAlive_PublishedCustomers_MatchTwoDecimals(double x, double tx, double expected)
    {
        Assert.Equal(1, Published.ProbabilityAliveAt(0, 6, 6, 6), 14);
        // FHS's "alive at the end" is alive at the next opportunity, n + 1 (their eq. 11); alive at n itself is 1 for x = t_x = n.
        Assert.Equal(expected, Math.Round(Published.ProbabilityAlive(x, tx, 6), 2));
        Assert.Equal(Published.ProbabilityAlive(x, tx, 6), Published.ProbabilityAliveAt(1, x, tx, 6));
        Assert.True(Published.ProbabilityAliveAt(0, x, tx, 6) >= Published.ProbabilityAliveAt(1, x, tx, 6));
    }

    [Fact]
    public void LogLikelihood_RowTermsSumToOneOverAllHistories()
    {
        // Σ over all (x, t_x) histories of n opportunities of P(x, t_x | n) is 1: enumerate the 2^n purchase strings by their (x, t_x).
        const int n = 7;
        double total = 0;
        for (var x = 0; x <= n; x++)
        {
            for (var tx = x == 0 ? 0 : x; tx <= (x == 0 ? 0 : n); tx++)
            {
                // Strings with x ones, the last at t_x: C(t_x − 1, x − 1) (1 for x = 0).
                var count = x == 0 ? 1 : Choose(tx - 1, x - 1);
                total += count * Math.Exp(Published.LogLikelihood(x, tx, n));
            }
        }

        Tolerance.Close(1, total, 1e-13);
    }

    [Fact]
    public void ProbabilityOfTransactions_SumsToOneAndMeanIsExpectedTransactions()
    {
        double total = 0, mean = 0;
        for (var x = 0; x <= 6; x++)
        {
            var p = Published.ProbabilityOfTransactions(x, 6);
            total += p;
            mean += x * p;
        }

        Tolerance.Close(1, total, 1e-13);
        Tolerance.Close(Published.ExpectedTransactions(6), mean, 1e-13);
    }

    [Fact]
    public void ExpectedTransactions_MatchesClosedFormOfFaderHardieShang()
    {
        // E[X(n)] = α/(α+β) · δ/(γ−1) · [1 − Γ(γ+δ)Γ(1+δ+n) / (Γ(γ+δ+n)Γ(1+δ))].
        double a = 1.204, b = 0.750, g = 0.657, d = 2.783;
        foreach (var n in new[] { 1.0, 6, 10, 100 })
        {
            Func<double, double> lg = Lifecycle.Numerics.GammaFunctions.LogGamma;
            var expected = a / (a + b) * d / (g - 1) * (1 - Math.Exp(lg(g + d) + lg(1 + d + n) - lg(g + d + n) - lg(1 + d)));
            Tolerance.Close(expected, Published.ExpectedTransactions(n), 1e-12);
        }
    }

    [Fact]
    public void ConditionalExpectedTransactions_DirectAndTelescopedSumsAgree()
    {
        // 4,096 is the switch from the term-by-term sum to the closed form: both sides of it must agree with the published formula.
        foreach (var g in new[] { 0.657, 1.0, 1.5 })
        {
            var model = new BgBbModel(1.204, 0.75, g, 2.783);
            foreach (var m in new[] { 4096.0, 4097.0, 100_000.0 })
            {
                double x = 3, tx = 5, n = 6;
                Func<double, double> lg = Lifecycle.Numerics.GammaFunctions.LogGamma;
                var lb = Lifecycle.Numerics.GammaFunctions.LogBeta;
                var logL = model.LogLikelihood(x, tx, n);
                double sum;
                if (g == 1)
                {
                    sum = Lifecycle.Numerics.Polygamma.Digamma(2.783 + n + m + 1) - Lifecycle.Numerics.Polygamma.Digamma(2.783 + n + 1);
                    sum /= Math.Exp(lb(1, 2.783));
                }
                else
                {
                    var dd = 2.783;
                    sum = dd / (g - 1) * Math.Exp(lg(g + dd) - lg(1 + dd)) * (Math.Exp(lg(1 + dd + n) - lg(g + dd + n)) - Math.Exp(lg(1 + dd + n + m) - lg(g + dd + n + m)));
                }

                var expected = Math.Exp(lb(1.204 + x + 1, 0.75 + n - x) - lb(1.204, 0.75) - logL) * sum;
                Tolerance.Close(expected, model.ConditionalExpectedTransactions(m, x, tx, n), 1e-9);
            }
        }
    }

    [Fact]
    public void LargeNumberOfOpportunities_StaysFiniteAndOrdered()
    {
        foreach (var n in new[] { 1000.0, 100_000.0, 1_000_000.0 })
        {
            var ll = Published.LogLikelihood(n / 2, n - 1, n);
            var alive = Published.ProbabilityAliveAt(0, n / 2, n - 1, n);
            var aliveLater = Published.ProbabilityAliveAt(1000, n / 2, n - 1, n);
            var expected = Published.ConditionalExpectedTransactions(10, n / 2, n - 1, n);
            Assert.True(double.IsFinite(ll) && ll < 0);
            Assert.InRange(alive, 0, 1);
            Assert.InRange(aliveLater, 0, alive);
            Assert.InRange(expected, 0, 10);
            Assert.True(double.IsFinite(Published.ExpectedTransactions(n)));
        }
    }

    [Fact]
    public void Create_RecencyBeyondPeriods_ThrowsNamingRowAndRule()
    {
        var ex = Assert.Throws<ArgumentException>(() => DiscreteSummaries.Create([1, 2], [1, 7], [6, 6], []));
        Assert.Contains("row 1: recency = 7 must not exceed periods = 6", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConditionalExpectedTransactions_FractionalHorizon_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Published.ConditionalExpectedTransactions(1.5, 1, 2, 6));
        Assert.Contains("whole number of opportunities", ex.Message, StringComparison.Ordinal);
    }

    private static double Choose(int n, int k)
    {
        double r = 1;
        for (var i = 1; i <= k; i++)
        {
            r = r * (n - k + i) / i;
        }

        return r;
    }
}
