using FsCheck.Xunit;
using Lifecycle.Clv;
using Lifecycle.Tests.Arbitraries;
using Lifecycle.Tests.Numerics;

namespace Lifecycle.Tests.Clv;

/// <summary>Properties of Pareto/NBD, MBG/NBD, BG/BB and sBG over generated parameters and customers.</summary>
public sealed class ClvModelsPropertyTests
{
    private static readonly double[] Horizons = [0, 0.1, 1, 5, 20, 52, 100, 500];

    [Property(Arbitrary = [typeof(ClvModelsArbitraries)], MaxTest = 200)]
    public void ParetoNbd_WideRanges_PredictionsFiniteInRangeAndWithinTheirBounds(ParetoNbdParameters p, ParetoNbdRow c)
    {
        // Every generated case is checked (no discards). Besides range and monotonicity, each expectation is held between
        // closed-form bounds: E[Y(t)] lies between the alive customer's rate (r+x)/(α+T) times P(alive) times the expected time
        // alive of an alive customer, from below by t (1+t/(β+T))^{−s}, and from above by t (no dropout: the NBD limit).
        var m = new ParetoNbdModel(p.R, p.Alpha, p.S, p.Beta, TimeUnit.Days);
        var alive = m.ProbabilityAlive(c.Frequency, c.Recency, c.T);
        Assert.InRange(alive, 0, 1);
        Assert.True(double.IsFinite(m.LogLikelihood(c.Frequency, c.Recency, c.T)));
        double previousY = 0, previousX = 0, previousAlive = alive;
        foreach (var h in (double[])[0, c.Horizon * 1e-3, c.Horizon, c.Horizon * 10])
        {
            var y = m.ConditionalExpectedTransactions(h, c.Frequency, c.Recency, c.T);
            var x = m.ExpectedTransactions(h);
            var a = m.ProbabilityAliveAt(h, c.Frequency, c.Recency, c.T);
            var rate = (p.R + c.Frequency) / (p.Alpha + c.T);
            var lower = alive * rate * h * Math.Exp(-p.S * Math.Log(1 + (h / (p.Beta + c.T))));
            Assert.True(double.IsFinite(y) && y >= previousY * (1 - 1e-12), FormattableString.Invariant($"E[Y({h})] = {y:R} < {previousY:R}"));
            // 1e-300 of absolute slack: below it the values are subnormal and keep only a few digits.
            Assert.True(y <= (alive * rate * h * (1 + 1e-9)) + 1e-300 && y >= (lower * (1 - 1e-9)) - 1e-300, FormattableString.Invariant($"E[Y({h})] = {y:R} outside [{lower:R}, {alive * rate * h:R}]"));
            Assert.True(double.IsFinite(x) && x >= previousX * (1 - 1e-12) && x <= p.R / p.Alpha * h * (1 + 1e-9), FormattableString.Invariant($"E[X({h})] = {x:R}"));
            Assert.True(a <= previousAlive * (1 + 1e-12) && a >= 0);
            previousY = y;
            previousX = x;
            previousAlive = a;
        }
    }

    [Property(Arbitrary = [typeof(ClvModelsArbitraries), typeof(ClvArbitraries)])]
    public void ParetoNbd_ExtremeSummaries_GiveFiniteProbabilities(ParetoNbdParameters p, ExtremeSummary c)
    {
        var m = new ParetoNbdModel(p.R, p.Alpha, p.S, p.Beta, TimeUnit.Weeks);
        var alive = m.ProbabilityAlive(c.Frequency, c.Recency, c.T);
        Assert.InRange(alive, 0, 1);
        Assert.True(double.IsFinite(m.LogLikelihood(c.Frequency, c.Recency, c.T)));
    }

    [Property(Arbitrary = [typeof(ClvModelsArbitraries), typeof(ClvArbitraries)], MaxTest = 60)]
    public void MbgNbd_ProbabilitiesInUnitIntervalAndExpectationsMonotone(MbgNbdParameters p, CountSummary c)
    {
        var m = new MbgNbdModel(p.R, p.Alpha, p.A, p.B, TimeUnit.Weeks);
        var alive = m.ProbabilityAlive(c.Frequency, c.Recency, c.T);
        Assert.InRange(alive, 0, 1);
        double previousY = 0, previousX = 0;
        foreach (var h in Horizons)
        {
            var y = m.ConditionalExpectedTransactions(h, c.Frequency, c.Recency, c.T);
            var x = m.ExpectedTransactions(h);
            Assert.True(double.IsFinite(y) && y >= previousY * (1 - 1e-9) - 1e-12, FormattableString.Invariant($"{m}: E[Y({h})] = {y:R} < {previousY:R}"));
            Assert.True(double.IsFinite(x) && x >= previousX * (1 - 1e-9) - 1e-12);

            // Strictly positive for h > 0 (unless P(alive) underflows): "everything is 0" fails here.
            Assert.True(h == 0 || ((alive == 0 || y > 0) && x > 0), FormattableString.Invariant($"{m}: E[Y({h})] = {y:R}, E[X({h})] = {x:R}, P(alive) = {alive:R}"));
            previousY = y;
            previousX = x;
        }
    }

    [Property(Arbitrary = [typeof(ClvModelsArbitraries), typeof(ClvArbitraries)])]
    public void MbgNbd_ExtremeSummaries_GiveFiniteResultsInRange(MbgNbdParameters p, ExtremeSummary c, Horizon h)
    {
        var m = new MbgNbdModel(p.R, p.Alpha, p.A, p.B, TimeUnit.Weeks);
        var alive = m.ProbabilityAlive(c.Frequency, c.Recency, c.T);
        var y = m.ConditionalExpectedTransactions(h.Value, c.Frequency, c.Recency, c.T);
        var ll = m.LogLikelihood(c.Frequency, c.Recency, c.T);
        var x = m.ExpectedTransactions(h.Value);
        var where = FormattableString.Invariant($"{m} at ({c.Frequency}, {c.Recency}, {c.T}), horizon {h.Value}: P(alive) {alive}, E[Y] {y}, LL {ll}, E[X] {x}");
        Assert.True(alive is >= 0 and <= 1, where);
        Assert.True(alive == 0 ? y == 0 : y > 0 && double.IsFinite(y), where);
        Assert.True(double.IsFinite(ll), where); // a density of purchase times: positive when T is tiny and x large
        Assert.True(x > 0 && double.IsFinite(x), where);
    }

    [Property(Arbitrary = [typeof(ClvModelsArbitraries)], MaxTest = 60)]
    public void BgBb_ProbabilitiesInUnitIntervalAndExpectationsMonotone(BgBbParameters p, DiscreteRow row)
    {
        var m = new BgBbModel(p.Alpha, p.Beta, p.Gamma, p.Delta);
        var previousAlive = 1.0;
        var previousY = 0.0;
        foreach (var h in new[] { 0.0, 1, 2, 5, 10, 100 })
        {
            var a = m.ProbabilityAliveAt(h, row.Frequency, row.Recency, row.Periods);
            var y = m.ConditionalExpectedTransactions(h, row.Frequency, row.Recency, row.Periods);
            Assert.InRange(a, 0, previousAlive * (1 + 1e-12));
            Assert.True(double.IsFinite(y) && y >= previousY && y <= h);
            // E[Y(h)] ≥ about P(alive) · (α+x)/(α+β+n) for h ≥ 1: required positive wherever that is in double's normal range.
            var floor = a * (p.Alpha + row.Frequency) / (p.Alpha + p.Beta + row.Periods);
            Assert.True(h == 0 || y > 0 || floor < 1e-290, FormattableString.Invariant($"{m}: E[Y({h})] = {y:R} with P(alive) = {a:R}"));
            previousAlive = a;
            previousY = y;
        }

        Assert.True(m.LogLikelihood(row.Frequency, row.Recency, row.Periods) <= 1e-12);
    }

    [Fact]
    public void ShiftedBetaGeometric_TinyAlphaHugeBeta_SurvivalFallsByTheExactProduct()
    {
        // The case FsCheck found: α = 3.2e-11, β = 5.2e5. 1 − S(t) = α Σ_{k<t} 1/(α+β+k) to first order (relative error
        // ~α/β); the log-gamma ratios had returned 1 − 2.8e-14 and then 1.
        const double alpha = 3.213564343631122E-11, beta = 520738.8743932101;
        var m = new ShiftedBetaGeometricModel(alpha, beta);
        var previous = 1.0;
        var sum = 0.0;
        for (var t = 1; t <= 50; t++)
        {
            sum += 1 / (alpha + beta + t - 1);
            var s = m.Survival(t);
            Assert.True(s <= previous, FormattableString.Invariant($"S({t}) = {s:R} > S({t - 1}) = {previous:R}"));
            Assert.Equal(1 - (alpha * sum), s, 1e-16);
            previous = s;
        }
    }

    [Property(Arbitrary = [typeof(ClvModelsArbitraries)], MaxTest = 40)]
    public void ShiftedBetaGeometric_SurvivalFallsAndRetentionRises(BgBbParameters p)
    {
        var m = new ShiftedBetaGeometricModel(p.Alpha, p.Beta);
        var previous = 1.0;
        for (var t = 1; t <= 50; t++)
        {
            var s = m.Survival(t);
            Assert.InRange(s, 0, previous);
            Assert.InRange(m.Retention(t), 0, 1);
            Assert.True(t == 1 || m.Retention(t) >= m.Retention(t - 1));
            previous = s;
        }
    }

    [Property(Arbitrary = [typeof(ClvModelsArbitraries)], MaxTest = 25)]
    public void CountModels_LogLikelihoodIsInvariantToCompression(ParetoNbdParameters p, MbgNbdParameters q, CustomerSample sample)
    {
        // Summing per-customer log-likelihoods equals the weighted sum over compressed rows.
        var compressed = CompressedSummaries.Create(sample.Frequency, sample.Recency, sample.T, [], TimeUnit.Weeks);
        Assert.True(compressed.Count <= sample.Frequency.Length);
        var pareto = new ParetoNbdModel(p.R, p.Alpha, p.S, p.Beta, TimeUnit.Weeks);
        var mbg = new MbgNbdModel(q.R, q.Alpha, q.A, q.B, TimeUnit.Weeks);
        double sumPareto = 0, sumMbg = 0;
        for (var i = 0; i < sample.Frequency.Length; i++)
        {
            sumPareto += pareto.LogLikelihood(sample.Frequency[i], sample.Recency[i], sample.T[i]);
            sumMbg += mbg.LogLikelihood(sample.Frequency[i], sample.Recency[i], sample.T[i]);
        }

        Tolerance.Close(sumPareto, pareto.LogLikelihood(compressed), 1e-12, 1e-12);
        Tolerance.Close(sumMbg, mbg.LogLikelihood(compressed), 1e-12, 1e-12);
    }

    [Property(Arbitrary = [typeof(ClvModelsArbitraries)], MaxTest = 10)]
    public void Fits_AreInvariantToCompressionOfDuplicatedCustomers(CustomerSample sample)
    {
        // The same customers listed twice, or once with weight 2, give the same fit.
        var doubled = CompressedSummaries.Create([.. sample.Frequency, .. sample.Frequency], [.. sample.Recency, .. sample.Recency], [.. sample.T, .. sample.T], [], TimeUnit.Weeks);
        var weighted = CompressedSummaries.Create(sample.Frequency, sample.Recency, sample.T, [.. sample.Frequency.Select(_ => 2.0)], TimeUnit.Weeks);
        var options = new FitOptions { ComputeCovariance = false, MaxIterations = 100 };
        var a = MbgNbdModel.Fit(doubled, options);
        var b = MbgNbdModel.Fit(weighted, options);
        Assert.Equal(a.Parameters, b.Parameters);
        Assert.Equal(a.LogLikelihood, b.LogLikelihood);
    }

    [Property(Arbitrary = [typeof(ClvModelsArbitraries)], MaxTest = 20)]
    public void BgBb_LogLikelihoodIsInvariantToCompression(BgBbParameters p, DiscreteRow r1, DiscreteRow r2)
    {
        var m = new BgBbModel(p.Alpha, p.Beta, p.Gamma, p.Delta);
        var expanded = DiscreteSummaries.Create([r1.Frequency, r2.Frequency, r1.Frequency], [r1.Recency, r2.Recency, r1.Recency], [r1.Periods, r2.Periods, r1.Periods], []);
        var weighted = DiscreteSummaries.Create([r1.Frequency, r2.Frequency], [r1.Recency, r2.Recency], [r1.Periods, r2.Periods], [2, 1]);
        var direct = (2 * m.LogLikelihood(r1.Frequency, r1.Recency, r1.Periods)) + m.LogLikelihood(r2.Frequency, r2.Recency, r2.Periods);
        Tolerance.Close(direct, m.LogLikelihood(expanded), 1e-12, 1e-12);
        Tolerance.Close(direct, m.LogLikelihood(weighted), 1e-12, 1e-12);
    }
}
