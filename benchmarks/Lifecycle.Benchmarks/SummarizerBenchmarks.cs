using BenchmarkDotNet.Attributes;

namespace Lifecycle.Benchmarks;

/// <summary>Transaction summarizing over seeded synthetic in-memory transactions.</summary>
[MemoryDiagnoser]
public class SummarizerBenchmarks
{
    private Transaction<long>[] _transactions = [];
    private SummarizerOptions _options = null!;

    [ParamsSource(nameof(Sizes))]
    public int Transactions { get; set; }

    public static IEnumerable<int> Sizes => BenchmarkSizes.Of(1_000_000, 10_000_000);

    [GlobalSetup]
    public void Setup()
    {
        _transactions = SyntheticData.Transactions(Transactions, customers: Transactions / 10, seed: 42);
        _options = new SummarizerOptions(new DateTimeOffset(2025, 12, 31, 0, 0, 0, TimeSpan.Zero)) { Unit = TimeUnit.Weeks };
    }

    [Benchmark(Baseline = true)]
    public int SingleThread()
    {
        var s = new TransactionSummarizer<long>(_options, Transactions / 10);
        s.AddRange(_transactions);
        return s.Build().Count;
    }

    [Benchmark]
    public int AllCores() => TransactionSummarizer.Summarize<long>(_transactions, _options).Count;
}
