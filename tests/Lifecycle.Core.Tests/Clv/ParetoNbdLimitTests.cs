using Lifecycle.Clv;
using Lifecycle.Tests.Numerics;

namespace Lifecycle.Tests.Clv;

/// <summary>Pareto/NBD at the edges of its parameter space against the closed forms of its limit models.</summary>
public sealed class ParetoNbdLimitTests
{
    [Theory]
    [InlineData(1e16)]
    [InlineData(1e300)]
    public void NoDropout_SOverBetaToZero_IsTheNbd(double beta)
    {
        // μ ~ Gamma(1, β) with β → ∞: nobody drops out, P(alive) = 1 and E[Y(t)] = (r+x) t/(α+T), E[X(t)] = r t/α (NBD).
        // Tolerance 1e-9: the dropout terms are O((T − t_x)/β · ((α+T)/(α+t_x))^{r+x}) ≈ 1e-11 at β = 1e16.
        const double r = 0.8, alpha = 60, x = 7, tx = 300, t = 900, h = 365;
        var m = new ParetoNbdModel(r, alpha, 1, beta, TimeUnit.Days);
        Tolerance.Close(1, m.ProbabilityAlive(x, tx, t), 1e-9);
        Tolerance.Close((r + x) * h / (alpha + t), m.ConditionalExpectedTransactions(h, x, tx, t), 1e-9);
        Tolerance.Close(r * h / alpha, m.ExpectedTransactions(h), 1e-9);
        var nbd = Lifecycle.Numerics.GammaFunctions.LogGammaRatio(r, x) + (r * Math.Log(alpha / (alpha + t))) - (x * Math.Log(alpha + t));
        Tolerance.Close(nbd, m.LogLikelihood(x, tx, t), 1e-9);
    }

    [Theory]
    [InlineData(1e12)]
    [InlineData(1e300)]
    public void ConstantDropout_SAndBetaToInfinity_MatchesExponentialLifetimes(double scale)
    {
        // s, β → ∞ with s/β = μ: every customer drops out at rate μ. Then E[X(t)] = (r/α)(1 − e^{−μt})/μ,
        // P(alive at T+t) = P(alive) e^{−μt}, E[Y(t)] = P(alive) (r+x)/(α+T) (1 − e^{−μt})/μ, and for x = 0
        // P(alive) = e^{−μT}(α+T)^{−r} / [e^{−μT}(α+T)^{−r} + ∫₀^T μ e^{−μτ} (α+τ)^{−r} dτ] (Simpson, independent).
        // Tolerance 1e-7: the gamma of μ has relative spread 1/√s, so the limit is reached to O((μt)²/s) ≈ 1e-9 at s = 4e9;
        // Simpson with 2e5 panels is exact to ~1e-15 here.
        const double r = 0.8, alpha = 60, mu = 0.004, h = 365, t = 500;
        var m = new ParetoNbdModel(r, alpha, mu * scale, scale, TimeUnit.Days);
        var retained = (1 - Math.Exp(-mu * h)) / mu;
        Tolerance.Close(r / alpha * retained, m.ExpectedTransactions(h), 1e-7);
        var first = Math.Exp((-mu * t) - (r * Math.Log(alpha + t)));
        var integral = Simpson(tau => mu * Math.Exp((-mu * tau) - (r * Math.Log(alpha + tau))), 0, t);
        var alive = first / (first + integral);
        Tolerance.Close(alive, m.ProbabilityAlive(0, 0, t), 1e-7);
        Tolerance.Close(alive * Math.Exp(-mu * h), m.ProbabilityAliveAt(h, 0, 0, t), 1e-7);
        Tolerance.Close(alive * r / (alpha + t) * retained, m.ConditionalExpectedTransactions(h, 0, 0, t), 1e-7);
    }

    [Theory]
    [InlineData(1e14)]
    [InlineData(1e300)]
    public void KnownPurchaseRate_RAndAlphaToInfinity_MatchesPoissonPurchases(double scale)
    {
        // r, α → ∞ with r/α = λ: every customer buys at rate λ while alive (no rate heterogeneity). Then
        // E[X(t)] = λ β/(s−1) (1 − (β/(β+t))^{s−1}), E[Y(t)|…] = P(alive) λ (β+T)/(s−1) (1 − ((β+T)/(β+T+t))^{s−1}), and
        // P(alive) = e^{−λT}(β+T)^{−s} / [e^{−λT}(β+T)^{−s} + ∫_{t_x}^T s e^{−λτ} (β+τ)^{−(s+1)} dτ] (Simpson, independent).
        // Tolerance 1e-7: r ln(1+τ/α) = λτ − λτ²/(2α) + …, so the limit is reached to O((x+r)λT²/α) ≈ 1e-9 at α = 1e14; no NaN at 1e300.
        const double lambda = 0.05, s = 0.5, beta = 400, x = 7, tx = 300, t = 900, h = 365;
        var m = new ParetoNbdModel(lambda * scale, scale, s, beta, TimeUnit.Days);
        Tolerance.Close(lambda * beta / (s - 1) * (1 - Math.Pow(beta / (beta + h), s - 1)), m.ExpectedTransactions(h), 1e-7);
        var first = Math.Exp((-lambda * t) - (s * Math.Log(beta + t)));
        var integral = Simpson(tau => s * Math.Exp((-lambda * tau) - ((s + 1) * Math.Log(beta + tau))), tx, t);
        var alive = first / (first + integral);
        Tolerance.Close(alive, m.ProbabilityAlive(x, tx, t), 1e-7);
        var b = beta + t;
        Tolerance.Close(alive * lambda * b / (s - 1) * (1 - Math.Pow(b / (b + h), s - 1)), m.ConditionalExpectedTransactions(h, x, tx, t), 1e-7);
        Assert.True(double.IsFinite(m.LogLikelihood(x, tx, t)));
        Assert.True(double.IsFinite(m.DiscountedExpectedResidualTransactions(0.0003, x, tx, t)));
    }

    [Fact]
    public void HugeR_AcceptedByTheConstructor_GivesFiniteAnswersOrSaysWhy()
    {
        // r = 1e308 with α = 1: a purchase rate of 1e308 a day. A customer silent for 600 days is certainly gone (P(alive) = 0),
        // one who never bought is almost surely a day-0 dropout (ln L ≈ ln(μ/λ), finite); no NaN anywhere.
        var m = new ParetoNbdModel(1e308, 1, 0.5, 400, TimeUnit.Days);
        Assert.Equal(0, m.ProbabilityAlive(7, 300, 900));
        Assert.Equal(0, m.ConditionalExpectedTransactions(365, 7, 300, 900));
        var ll = m.LogLikelihood(0, 0, 900);
        Assert.True(double.IsFinite(ll) && ll < -700, ll.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => m.ExpectedTransactions(365));
        Assert.Contains("beyond double range", ex.Message, StringComparison.Ordinal);
        var same = new ParetoNbdModel(1e308, 1e308, 0.5, 400, TimeUnit.Days);
        Assert.InRange(same.ProbabilityAlive(7, 300, 900), 0, 1);
        Assert.True(double.IsFinite(same.LogLikelihood(7, 300, 900)));
        Tolerance.Close(400 / -0.5 * (1 - Math.Pow(400.0 / 765, -0.5)), same.ExpectedTransactions(365), 1e-12);
    }

    [Theory]
    [InlineData(0.8, 60, 0.5, 400)]
    [InlineData(0.8, 60, 5e5, 4e8)]
    [InlineData(1e4, 1e-3, 1e6, 1e6)]
    [InlineData(0.05, 1e6, 0.05, 1e-3)]
    [InlineData(3, 1e4, 0.2, 10)]
    public void Gradient_AtLargeParametersAndZNearOne_MatchesCentralDifferencesOfTheLikelihood(double r, double alpha, double s, double beta)
    {
        // The analytic gradient (series rows and quadrature rows) against central differences in ln p of the same likelihood,
        // h = 1e-5: truncation O(h²) ~ 1e-10 relative, rounding ~ 1e-16 |ll| / h; compared to 1e-6 relative of the gradient norm.
        double[] x = [0, 1, 7, 60, 1000, 3, 200];
        double[] tx = [0, 0.5, 300, 700, 999, 10, 99.9];
        double[] t = [1000, 38, 900, 900, 1000, 1000, 100];
        var likelihood = new ParetoNbdLikelihood(x, tx, t, [1, 2, 1, 1, 1, 3, 1], 1);
        double[] p = [r, alpha, s, beta];
        var gradient = new double[4];
        likelihood.MeanNegativeLogLikelihood(p, gradient);
        var norm = Math.Sqrt(p.Select((v, k) => v * gradient[k]).Sum(g => g * g));
        for (var k = 0; k < 4; k++)
        {
            const double h = 1e-5;
            var plus = (double[])p.Clone();
            var minus = (double[])p.Clone();
            plus[k] *= Math.Exp(h);
            minus[k] *= Math.Exp(-h);
            var numeric = (likelihood.MeanNegativeLogLikelihood(plus) - likelihood.MeanNegativeLogLikelihood(minus)) / (2 * h);
            Tolerance.Close(numeric, p[k] * gradient[k], 1e-6, 1e-6 * norm + 1e-9);
        }
    }

    [Fact]
    public void Fit_DayScale10kCustomers_ConvergesNearTheTruthWithAnalyticGradients()
    {
        // 10,000 customers in days (α = 60, β = 400: z = (β−α)/(β+y) > 0.9 for most rows, the case that used to fall back to the
        // general ₂F₁ with central differences and took 200 s without converging). Within 4 standard errors of the truth, and
        // the fitted LL equals the per-row likelihood (the quadrature and series paths) summed afresh to 1e-12.
        var truth = new ParetoNbdModel(0.8, 60, 0.5, 400, TimeUnit.Days);
        var random = new Random(42);
        var ages = Enumerable.Range(0, 10_000).Select(_ => 200.0 + random.Next(0, 800)).ToArray();
        var data = truth.Simulate(ages, new Random(7), 1).Compress();
        var fit = ParetoNbdModel.Fit(data);
        Assert.True(fit.Converged, fit.ExitReason.ToString());
        Assert.True(fit.Iterations < 100, fit.Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture));
        double[] expected = [truth.R, truth.Alpha, truth.S, truth.Beta];
        for (var k = 0; k < 4; k++)
        {
            var z = (fit.Parameters[k] - expected[k]) / fit.StandardErrors[k];
            Assert.True(Math.Abs(z) < 4, FormattableString.Invariant($"{fit.ParameterNames[k]}: {fit.Parameters[k]:G6} vs {expected[k]:G6}, z = {z:F2}"));
        }

        Tolerance.Close(fit.Model.LogLikelihood(data), fit.LogLikelihood, 1e-12);
    }

    private static double Simpson(Func<double, double> f, double a, double b)
    {
        const int n = 200_000;
        var step = (b - a) / n;
        var sum = f(a) + f(b);
        for (var i = 1; i < n; i++)
        {
            sum += f(a + (i * step)) * (i % 2 == 1 ? 4 : 2);
        }

        return sum * step / 3;
    }
}
