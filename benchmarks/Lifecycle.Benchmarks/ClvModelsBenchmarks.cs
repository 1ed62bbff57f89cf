using BenchmarkDotNet.Attributes;
using Lifecycle.Clv;

namespace Lifecycle.Benchmarks;

/// <summary>Fitting the CLV II models on seeded simulated customers: Pareto/NBD and MBG/NBD on compressed (x, t_x, T) rows, BG/BB on raw discrete rows (compression included).</summary>
/// <remarks>
/// Customers are simulated from Pareto/NBD at the CDNOW estimates (weeks), first purchases spread over 12 weeks of days
/// and a 39-week calibration, purchases bucketed by day as a daily summary would: so rows repeat and the fit cost
/// follows the number of distinct rows. BG/BB rows are simulated at the donations estimates with 6 opportunities.
/// </remarks>
[MemoryDiagnoser]
public class ClvModelsBenchmarks
{
    private CompressedSummaries _summaries = null!;
    private double[] _bbX = [];
    private double[] _bbTx = [];
    private double[] _bbN = [];

    [ParamsSource(nameof(Sizes))]
    public int Customers { get; set; }

    public static IEnumerable<int> Sizes => BenchmarkSizes.Of(100_000, 1_000_000);

    [GlobalSetup]
    public void Setup()
    {
        var truth = new ParetoNbdModel(0.55, 10.58, 0.61, 11.67, TimeUnit.Weeks);
        var ages = new double[Customers];
        for (var i = 0; i < ages.Length; i++)
        {
            ages[i] = 39 + ((i % 84) / 7.0);
        }

        _summaries = truth.Simulate(ages, new Random(42), 1.0 / 7).Compress();
        Console.WriteLine(FormattableString.Invariant($"// {Customers} customers -> {_summaries.Count} distinct (x, t_x, T) rows"));

        var random = new Random(7);
        _bbX = new double[Customers];
        _bbTx = new double[Customers];
        _bbN = new double[Customers];
        for (var i = 0; i < Customers; i++)
        {
            // BG/BB at the donations estimates: p ~ Beta(1.204, 0.750), θ ~ Beta(0.657, 2.783), 6 opportunities.
            var p = Beta(random, 1.204, 0.750);
            var theta = Beta(random, 0.657, 2.783);
            double x = 0, tx = 0;
            for (var k = 1; k <= 6; k++)
            {
                if (random.NextDouble() < theta)
                {
                    break;
                }

                if (random.NextDouble() < p)
                {
                    x++;
                    tx = k;
                }
            }

            _bbX[i] = x;
            _bbTx[i] = tx;
            _bbN[i] = 6;
        }
    }

    [Benchmark(Baseline = true)]
    public double ParetoNbdFit() => ParetoNbdModel.Fit(_summaries).LogLikelihood;

    [Benchmark]
    public double MbgNbdFit() => MbgNbdModel.Fit(_summaries).LogLikelihood;

    [Benchmark]
    public double BgBbCompressAndFit() => BgBbModel.Fit(DiscreteSummaries.Create(_bbX, _bbTx, _bbN, [])).LogLikelihood;

    private static double Beta(Random random, double a, double b)
    {
        var x = Gamma(random, a);
        return x / (x + Gamma(random, b));
    }

    // Marsaglia–Tsang, with the a < 1 boost.
    private static double Gamma(Random random, double shape)
    {
        if (shape < 1)
        {
            return Gamma(random, shape + 1) * Math.Pow(1 - random.NextDouble(), 1 / shape);
        }

        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double z, v;
            do
            {
                var u1 = 1 - random.NextDouble();
                var u2 = random.NextDouble();
                z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                v = 1 + (c * z);
            }
            while (v <= 0);

            v = v * v * v;
            var u = 1 - random.NextDouble();
            if (Math.Log(u) < (0.5 * z * z) + d - (d * v) + (d * Math.Log(v)))
            {
                return d * v;
            }
        }
    }
}
