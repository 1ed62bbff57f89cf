using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Lifecycle.IO;

namespace Lifecycle.Benchmarks;

/// <summary>
/// Lifecycle.IO reading seeded transactions CSV bytes from memory (no disk): the strict UTF-8 check plus Sep parsing
/// (<c>Utf8CheckAndSplit</c>, the baseline, parses no field), and the whole <see cref="TransactionCsv"/> row (id string,
/// ISO date, decimal amount). Then file to summaries (the file is in the page cache after the first iteration): the
/// sequential reader into <see cref="TransactionSummarizer{TKey}"/>, and the parallel fast path of <c>summarize</c>
/// (<see cref="ParallelTransactionCsv"/>: byte ranges on every core, UTF-8 ids, bucketed folds), which gives the same summaries.
/// </summary>
[MemoryDiagnoser]
public class ReaderBenchmarks
{
    private byte[] _csv = [];

    [ParamsSource(nameof(Sizes))]
    public int Rows { get; set; }

    public static IEnumerable<int> Sizes => BenchmarkSizes.Of(1_000_000);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var text = new StringBuilder("customer_id,date,amount\n");
        var start = new DateTime(2023, 1, 1);
        for (var i = 0; i < Rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{random.Next(Rows / 10)},{start.AddDays(i * 731L / Rows):yyyy-MM-dd},{random.Next(100, 20000) / 100.0:0.00}\n");
        }

        _csv = Encoding.UTF8.GetBytes(text.ToString());
        _path = Path.Combine(Path.GetTempPath(), "lifecycle-reader-bench-" + Rows.ToString(CultureInfo.InvariantCulture) + ".csv");
        File.WriteAllBytes(_path, _csv);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    private string _path = string.Empty;

    private static readonly SummarizerOptions Window = new(new DateTimeOffset(2024, 12, 31, 0, 0, 0, TimeSpan.Zero));

    [Benchmark]
    public int SequentialSummarize()
    {
        var summarizer = new TransactionSummarizer<string>(Window);
        foreach (var r in TransactionCsv.ReadFile(_path))
        {
            summarizer.Add(r.CustomerId, r.Timestamp, r.Amount);
        }

        return summarizer.Build(StringComparer.Ordinal).Count;
    }

    [Benchmark]
    public int ParallelSummarize() =>
        ParallelTransactionCsv.TrySummarize(_path, new TransactionCsvOptions(), Window, endFromData: false, StringComparer.Ordinal, out var set) ? set!.Count : -1;

    [Benchmark(Baseline = true)]
    public long Utf8CheckAndSplit()
    {
        using var reader = CsvFile.Open(new MemoryStream(_csv), "bench.csv", "customer_id,date,amount");
        long fields = 0;
        foreach (var row in reader.Reader)
        {
            fields += row.ColCount;
        }

        return fields;
    }

    [Benchmark]
    public decimal TransactionRows()
    {
        var total = 0m;
        foreach (var r in TransactionCsv.Read(new MemoryStream(_csv), "bench.csv"))
        {
            total += r.Amount;
        }

        return total;
    }
}
