using BenchmarkDotNet.Attributes;
using Lifecycle.Segmentation;

namespace Lifecycle.Benchmarks;

/// <summary>RFM scoring, segment look-up, value tiers and k-means over one million seeded synthetic customers.</summary>
[MemoryDiagnoser]
public class SegmentationBenchmarks
{
    private double[] _since = [];
    private double[] _frequency = [];
    private double[] _monetary = [];
    private double[] _points = [];
    private byte[] _r = [];
    private byte[] _f = [];
    private byte[] _m = [];
    private int[] _segments = [];
    private RfmBins _bins = null!;
    private readonly RfmOptions _first = new() { Ties = TiePolicy.RankFirst };
    private readonly RfmOptions _average = new() { Ties = TiePolicy.AverageRank };
    private readonly RfmOptions _drop = new() { Ties = TiePolicy.DropDuplicateEdges };

    [ParamsSource(nameof(Sizes))]
    public int Customers { get; set; }

    public static IEnumerable<int> Sizes => BenchmarkSizes.Of(1_000_000);

    [GlobalSetup]
    public void Setup()
    {
        // Shaped like real data: days since last purchase on an integer grid (ties), ~60% one-time buyers (x = 0,
        // monetary 0), the rest with geometric frequency and log-normal spend.
        var random = new Random(42);
        _since = new double[Customers];
        _frequency = new double[Customers];
        _monetary = new double[Customers];
        for (var i = 0; i < Customers; i++)
        {
            _since[i] = random.Next(0, 731);
            var repeat = random.NextDouble() < 0.4;
            _frequency[i] = repeat ? 1 + Math.Floor(-Math.Log(1 - random.NextDouble()) * 3) : 0;
            _monetary[i] = repeat ? Math.Round(Math.Exp(3 + (0.8 * Gaussian(random))), 2) : 0;
        }

        _r = new byte[Customers];
        _f = new byte[Customers];
        _m = new byte[Customers];
        _segments = new int[Customers];
        _bins = Rfm.Score(_since, _frequency, _monetary, _r, _f, _m, _first);
        var features = RfmFeatures.Fit(_since, _frequency, _monetary);
        _points = new double[Customers * RfmFeatures.Dimensions];
        features.Transform(_since, _frequency, _monetary, _points);
    }

    [Benchmark(Baseline = true)]
    public RfmBins RfmRankFirst() => Rfm.Score(_since, _frequency, _monetary, _r, _f, _m, _first);

    [Benchmark]
    public RfmBins RfmAverageRank() => Rfm.Score(_since, _frequency, _monetary, _r, _f, _m, _average);

    [Benchmark]
    public RfmBins RfmDropDuplicateEdges() => Rfm.Score(_since, _frequency, _monetary, _r, _f, _m, _drop);

    [Benchmark]
    public int RfmReapplyBins()
    {
        _bins.Score(_since, _frequency, _monetary, _r, _f, _m);
        return _r[0];
    }

    [Benchmark]
    public int SegmentMapAssign() => SegmentMap.RecencyFrequencyMonetary.Assign(_r, _f, _m, _segments);

    [Benchmark]
    public double ParetoShare() => ValueTiers.ParetoShare(_monetary, 0.2).ShareOfTotal;

    [Benchmark]
    public double KMeansK5() => KMeans.Fit(_points, RfmFeatures.Dimensions, 5, new KMeansOptions { Seed = 1 }).Inertia;

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
