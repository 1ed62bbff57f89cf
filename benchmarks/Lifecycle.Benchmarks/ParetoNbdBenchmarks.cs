using BenchmarkDotNet.Attributes;
using Lifecycle.Clv;

namespace Lifecycle.Benchmarks;

/// <summary>Pareto/NBD on day-scale data (z near 1 for most rows) and its predictions at the corners of the parameter space.</summary>
/// <remarks>
/// Day-scale data: 10,000 customers simulated from Pareto/NBD(r = 0.8, α = 60, s = 0.5, β = 400, days), seed 7, ages
/// 200–999 days (seed 42), purchases bucketed by day; most rows have z = (β−α)/(β+y) &gt; 0.9, the case that used to fall
/// back to the general ₂F₁ with central differences. The three-row file is weighted (5, 2, 1) with T = 1000 days and
/// has no interior maximum (s, β run off together). Corners: 12 (parameters, customer) pairs from the reference table's
/// corners (r up to 1e4, α and β from 1e-3 to 1e6, s up to 1e6, x up to 1e6, T from 1e-6 to 1e5).
/// </remarks>
[MemoryDiagnoser]
public class ParetoNbdBenchmarks
{
    private static readonly (ParetoNbdModel Model, double X, double Tx, double T)[] Corners =
    [
        (new(0.05, 1e-3, 0.05, 1e-3, TimeUnit.Days), 0, 0, 1e-6),
        (new(0.05, 1e-3, 1e6, 2, TimeUnit.Days), 1e6, 5e4, 1e5),
        (new(1.3, 2, 1, 1e6, TimeUnit.Days), 3, 10, 1000),
        (new(1.3, 1e6, 0.05, 1e-3, TimeUnit.Days), 200, 99.9, 100),
        (new(1e4, 1e-3, 1e6, 1e6, TimeUnit.Days), 50, 4000, 4000),
        (new(1e4, 1e6, 0.05, 2, TimeUnit.Days), 1, 5e-7, 1e-6),
        (new(1e4, 2, 1, 1e-3, TimeUnit.Days), 1e6, 5e4, 1e5),
        (new(0.8, 60, 5e5, 4e8, TimeUnit.Days), 7, 300, 900),
        (new(0.8, 60, 0.5, 400, TimeUnit.Days), 0, 0, 1000),
        (new(0.5533, 10.578, 0.6062, 11.669, TimeUnit.Weeks), 2, 30.43, 38.86),
        (new(1e8, 1e8, 0.5, 400, TimeUnit.Days), 7, 300, 900),
        (new(0.8, 60, 4e9, 1e12, TimeUnit.Days), 7, 300, 900),
    ];

    private CompressedSummaries _dayScale = null!;
    private CompressedSummaries _threeRows = null!;
    private ParetoNbdLikelihood _likelihood = null!;
    private readonly double[] _gradient = new double[4];

    [GlobalSetup]
    public void Setup()
    {
        var truth = new ParetoNbdModel(0.8, 60, 0.5, 400, TimeUnit.Days);
        var random = new Random(42);
        var ages = new double[BenchmarkSizes.Scale(10_000)];
        for (var i = 0; i < ages.Length; i++)
        {
            ages[i] = 200 + random.Next(0, 800);
        }

        _dayScale = truth.Simulate(ages, new Random(7), 1).Compress();
        _threeRows = CompressedSummaries.Create([0, 3, 10], [0, 400, 900], [1000, 1000, 1000], [5, 2, 1], TimeUnit.Days);
        _likelihood = new ParetoNbdLikelihood(_dayScale.Frequency, _dayScale.Recency, _dayScale.T, _dayScale.Weight, Environment.ProcessorCount);
        Console.WriteLine(FormattableString.Invariant($"// {ages.Length} day-scale customers -> {_dayScale.Count} distinct rows"));
    }

    [Benchmark(Baseline = true)]
    public double DayScaleFit() => ParetoNbdModel.Fit(_dayScale).LogLikelihood;

    [Benchmark]
    public double DayScaleLikelihoodAndGradient() => _likelihood.MeanNegativeLogLikelihood([0.8, 60, 0.5, 400], _gradient);

    [Benchmark]
    public double ThreeRowWeightedFit() => ParetoNbdModel.Fit(_threeRows).LogLikelihood;

    [Benchmark]
    public double PredictionsAtCorners()
    {
        // P(alive), P(alive at T+365), E[Y(365)], DERT and P(X(365) = 2) for each corner.
        var sum = 0.0;
        foreach (var (m, x, tx, t) in Corners)
        {
            sum += m.ProbabilityAlive(x, tx, t) + m.ProbabilityAliveAt(365, x, tx, t) + m.ConditionalExpectedTransactions(365, x, tx, t)
                + m.DiscountedExpectedResidualTransactions(0.0003, x, tx, t) + m.ProbabilityOfTransactions(2, 365);
        }

        return sum;
    }
}
