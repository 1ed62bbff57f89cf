using BenchmarkDotNet.Attributes;
using Lifecycle.Clv;

namespace Lifecycle.Benchmarks;

/// <summary>
/// BG/NBD and CLV kernels on one million seeded simulated customers (CDNOW-like parameters, weeks, ages uniform over
/// one year of daily cohorts, purchases bucketed by day as TransactionSummarizer would).
/// </summary>
[MemoryDiagnoser]
public class ClvBenchmarks
{
    private const int Customers = 1_000_000;
    private readonly BgNbdModel _model = new(0.2426, 4.4136, 0.7929, 2.4259, TimeUnit.Weeks);
    private readonly GammaGammaModel _spend = new(6.25, 3.74, 15.44);
    private CompressedSummaries _compressed = null!;
    private BgNbdLikelihood _rows = null!;
    private double[] _x = [];
    private double[] _tx = [];
    private double[] _t = [];
    private double[] _m = [];
    private double[] _destination = [];
    private readonly double[] _gradient = new double[4];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var ages = new double[Customers];
        for (var i = 0; i < Customers; i++)
        {
            ages[i] = (1 + random.Next(364)) / 7.0;
        }

        var data = _model.Simulate(ages, random, 1.0 / 7);
        _x = data.Frequency.ToArray();
        _tx = data.Recency.ToArray();
        _t = data.T.ToArray();
        _m = _x.Select(x => x > 0 ? 10 + (40 * random.NextDouble()) : 0).ToArray();
        _destination = new double[Customers];
        _compressed = data.Compress();
        _rows = BgNbdLikelihood.Create(_x, _tx, _t, [], "BG/NBD", -1);
    }

    /// <summary>P(alive) for 1M customers (the baseline: one vectorized pass).</summary>
    [Benchmark(Baseline = true)]
    public double ProbabilityAlive1M()
    {
        _model.ProbabilityAlive(_x, _tx, _t, _destination);
        return _destination[^1];
    }

    /// <summary>E[Y(52 weeks) | x, t_x, T] for 1M customers.</summary>
    [Benchmark]
    public double ConditionalExpectation1M()
    {
        _model.ConditionalExpectedTransactions(52, _x, _tx, _t, _destination);
        return _destination[^1];
    }

    /// <summary>Log-likelihood and its gradient over 1M uncompressed rows.</summary>
    [Benchmark]
    public double LogLikelihoodGradient1M() => _rows.LogLikelihood([0.25, 4.5, 0.8, 2.5], _gradient);

    /// <summary>Full BG/NBD fit (with covariance) on the 1M customers, compressed to unique rows in setup.</summary>
    [Benchmark]
    public double Fit1M() => BgNbdModel.Fit(_compressed).LogLikelihood;

    /// <summary>12-month discrete CLV (1% per month, 4.345 weeks per month) for 1M customers.</summary>
    [Benchmark]
    public double Clv12Months1M()
    {
        CustomerLifetimeValue.Discrete(_model, _spend, _x, _tx, _t, _m, DiscreteDiscounting.Monthly(TimeUnit.Weeks, 12, 0.01), _destination);
        return _destination[^1];
    }
}
