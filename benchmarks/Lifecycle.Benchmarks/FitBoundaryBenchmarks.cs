using BenchmarkDotNet.Attributes;
using Lifecycle.Clv;

namespace Lifecycle.Benchmarks;

/// <summary>Boundary detection in the fit: BG/NBD on customers who never drop out (the issue-12 case that took 70 s and 2,034 iterations) against an interior fit of the same size.</summary>
/// <remarks>
/// Customers are simulated with daily purchase periods over 1–2 years of age (days): the boundary data from BG/NBD with
/// a = 1e-9 (dropout probability ≈ 0, so the MLE runs to a → 0 and the fit must stop early), the baseline from BG/NBD at
/// r = 2, α = 60, a = 0.8, b = 2.5 (interior maximum). Both are compressed to distinct (x, t_x, T) rows first; the
/// fit cost follows the number of rows, which setup prints.
/// </remarks>
[MemoryDiagnoser]
public class FitBoundaryBenchmarks
{
    private CompressedSummaries _interior = null!;
    private CompressedSummaries _noDropout = null!;

    [ParamsSource(nameof(Sizes))]
    public int Customers { get; set; }

    public static IEnumerable<int> Sizes => BenchmarkSizes.Of(1_000_000);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var ages = new double[Customers];
        for (var i = 0; i < ages.Length; i++)
        {
            ages[i] = 365 + random.Next(366);
        }

        _noDropout = new BgNbdModel(2, 60, 1e-9, 1, TimeUnit.Days).Simulate(ages, new Random(1), 1).Compress();
        _interior = new BgNbdModel(2, 60, 0.8, 2.5, TimeUnit.Days).Simulate(ages, new Random(2), 1).Compress();
        var boundary = BgNbdModel.Fit(_noDropout);
        var interior = BgNbdModel.Fit(_interior);
        Console.WriteLine(FormattableString.Invariant($"// {Customers} customers -> no dropout {_noDropout.Count} rows: {boundary.Describe()}"));
        Console.WriteLine(FormattableString.Invariant($"// interior {_interior.Count} rows: {interior.Describe()}"));
    }

    [Benchmark(Baseline = true)]
    public double InteriorFit() => BgNbdModel.Fit(_interior).LogLikelihood;

    [Benchmark]
    public double NoDropoutFit() => BgNbdModel.Fit(_noDropout).LogLikelihood;
}
