using BenchmarkDotNet.Attributes;

namespace Lifecycle.Benchmarks;

/// <summary>
/// Transaction summarizing over seeded synthetic in-memory transactions: the dictionary summarizer on one thread
/// (baseline), on all cores, and the dictionary-free <see cref="TransactionSummarizer{TKey}.DenseFold"/> the parallel
/// reader folds into (customers numbered in first-seen order beforehand, as the reader's id table does).
/// </summary>
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
        var numbers = new Dictionary<long, int>();
        _numbered = new int[_transactions.Length];
        for (var i = 0; i < _transactions.Length; i++)
        {
            if (!numbers.TryGetValue(_transactions[i].CustomerId, out var n))
            {
                n = numbers.Count;
                numbers.Add(_transactions[i].CustomerId, n);
            }

            _numbered[i] = n;
        }

        _ids = new long[numbers.Count];
        foreach (var (id, n) in numbers)
        {
            _ids[n] = id;
        }
    }

    private int[] _numbered = [];
    private long[] _ids = [];

    [Benchmark]
    public int DenseFold()
    {
        var fold = new TransactionSummarizer<long>.DenseFold(_options, endFromData: false, _ids.Length);
        for (var i = 0; i < _transactions.Length; i++)
        {
            ref readonly var t = ref _transactions[i];
            fold.Add(_numbered[i], t.CustomerId, t.Timestamp, t.Amount);
        }

        return TransactionSummarizer<long>.BuildDense(_options, [fold], [_ids], Comparer<long>.Default).Count;
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
