using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Lifecycle.IO.Tests;

/// <summary>
/// The parallel fast path against the sequential reader: on every file it takes, the same summaries bit for bit; on
/// every file the sequential reader refuses, it declines (so the caller's sequential read reports the first error).
/// </summary>
public sealed class ParallelTransactionCsvTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "lifecycle-parallel-" + Path.GetRandomFileName());

    public ParallelTransactionCsvTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TrySummarize_PlainFile_TakesTheFastPathAndMatchesTheSequentialReader()
    {
        var text = new StringBuilder("customer_id,date,amount\n");
        for (var i = 0; i < 5000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i * 7919 % 613},2024-{1 + (i % 12):00}-{1 + (i % 28):00},{i % 200}.{i % 100:00}\n");
        }

        var path = Write(Encoding.UTF8.GetBytes(text.ToString()));
        var (fast, taken) = Fast(path, new TransactionCsvOptions(), end: null, workers: 3, minimumPerWorker: 1, bufferSize: 4096);
        Assert.True(taken);
        AssertSame(Sequential(path, new TransactionCsvOptions(), end: null), fast!);
    }

    [Theory]
    [InlineData("a,2024-01-01,1\n\"b\",2024-01-02,2\n")] // quotes: the sequential reader's
    [InlineData("a,2024-01-01,1\nb,2024-01-02,x\n")] // a bad amount
    [InlineData("a,2024-01-01,1\nb,2024-13-02,2\n")] // a bad date
    [InlineData("a,2024-01-01,1\n,2024-01-02,2\n")] // an empty id
    [InlineData("a,2024-01-01,1\nb,2024-01-02\n")] // a ragged row
    [InlineData("a,2024-01-01,-1\n")] // a refund
    [InlineData("a,2024-01-01,1\rb,2024-01-02,2\n")] // a lone carriage return
    [InlineData("a,2024-01-01,1\nb\u00A0,2024-01-02,2\n\u00A0\n")] // a no-break-space line: whitespace to Sep's reader, not to the fast path
    public void TrySummarize_FileItCannotTakeExactly_Declines(string rows)
    {
        var path = Write(Encoding.UTF8.GetBytes("customer_id,date,amount\n" + rows));
        Assert.False(Fast(path, new TransactionCsvOptions(), end: null, workers: 2, minimumPerWorker: 1, bufferSize: 64).Taken);
    }

    /// <summary>Found by the property below (replay 1688465997573489210,15028687235228384339,79): a quote after the first CR was missed.</summary>
    [Fact]
    public void TrySummarize_CrlfFileWithAQuoteAfterTheFirstCr_Declines()
    {
        var path = Write(Encoding.UTF8.GetBytes("customer_id,date,amount\r\na,2024-01-01,1\r\n\"q\",2024-01-02,2\r\n"));
        Assert.False(Fast(path, new TransactionCsvOptions(), end: null, workers: 1, minimumPerWorker: 1, bufferSize: 4096).Taken);
    }

    [Fact]
    public void FastDecimal_AgreesWithDecimalParse_ValueAndScale()
    {
        foreach (var s in new[] { "0", "0.00", "00.10", "1.", ".5", "37.48", "199.99", "123456789012345678", "0.00000000000000001", "100" })
        {
            Assert.True(ParallelTransactionCsv.FastDecimal(Encoding.ASCII.GetBytes(s), out var fast));
            Assert.Equal(decimal.GetBits(decimal.Parse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)), decimal.GetBits(fast));
        }

        foreach (var s in new[] { "", ".", "-1", "+1", "1e3", "1.2.3", "1234567890123456789", " 1" })
        {
            Assert.False(ParallelTransactionCsv.FastDecimal(Encoding.ASCII.GetBytes(s), out _));
        }
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property FastDecimal_DigitsAndPoint_AgreesWithDecimalParse() =>
        Prop.ForAll(
            Gen.Elements("0", "1", "2", "5", "9", ".").ArrayOf().Select(a => string.Concat(a)).Where(s => s.Length is > 0 and <= 18 && s.Count(c => c == '.') <= 1 && s != ".").ToArbitrary(),
            s =>
            {
                var ok = ParallelTransactionCsv.FastDecimal(Encoding.ASCII.GetBytes(s), out var fast);
                var expected = decimal.Parse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                return ok && decimal.GetBits(expected).SequenceEqual(decimal.GetBits(fast));
            });

    /// <summary>
    /// Generated files with the corners in them: CRLF or LF, a byte order mark, blank lines, spaces around fields,
    /// unicode and long ids, offsets, quoted fields and bad rows at random places; read with ranges and buffers small
    /// enough that every chunk and buffer edge lands somewhere inside a row.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property TrySummarize_GeneratedFiles_SameAsSequentialOrDeclines() =>
        Prop.ForAll(FileGen().ToArbitrary(), file =>
        {
            var (workers, bufferSize, endGiven) = (file.Workers, file.BufferSize, file.EndGiven);
            var path = Write(file.Bytes);
            var end = endGiven ? new DateTimeOffset(2024, 6, 30, 0, 0, 0, TimeSpan.Zero) : (DateTimeOffset?)null;
            var options = new TransactionCsvOptions { AllowNegativeAmounts = file.Refunds };
            SummarySet<string>? expected = null;
            string? error = null;
            var calibration = file.Holdout ? new DateTimeOffset(2024, 3, 31, 0, 0, 0, TimeSpan.Zero) : (DateTimeOffset?)null;
            try
            {
                expected = Sequential(path, options, end, file.Refunds, calibration);
            }
            catch (CsvReadException e)
            {
                error = e.Message;
            }
            catch (ArgumentOutOfRangeException e)
            {
                error = e.Message; // the calibration end after the last transaction (the tool refuses it before summarizing)
            }

            var (fast, taken) = Fast(path, options, end, workers, minimumPerWorker: 1, bufferSize, file.Refunds, calibration);
            File.Delete(path);
            var agrees = error is not null ? !taken : !taken || (expected is null ? fast is null : fast is not null && Same(expected, fast));
            return agrees.Label($"error={error}, taken={taken}, differ: {(expected is not null && fast is not null ? Differences(expected, fast) : "-")}, file:\n{Encoding.UTF8.GetString(file.Bytes)}")
                .Classify(error is not null, "bad file (declined)")
                .Classify(error is null && taken, "fast path taken")
                .Classify(error is null && !taken, "good file declined (quotes, CR)");
        });

    private sealed record GeneratedFile(byte[] Bytes, bool Refunds, int Workers, int BufferSize, bool EndGiven, bool Holdout);

    private static Gen<GeneratedFile> FileGen()
    {
        var id = Gen.OneOf(
            Gen.Choose(0, 40).Select(i => i.ToString(CultureInfo.InvariantCulture)),
            Gen.Elements("Zoë", "客户-7", "x", "a-very-long-customer-identifier-of-many-bytes", "007", "7"));
        var date = Gen.OneOf(
            Gen.Choose(0, 400).Select(d => new DateTime(2024, 1, 1).AddDays(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            Gen.Elements("2024-03-01T23:30+09:00", "2024-03-01T10:00:00Z", "2024-02-29 08:15"));
        var amount = Gen.OneOf(
            Gen.Choose(0, 50000).Select(c => (c / 100m).ToString(CultureInfo.InvariantCulture)),
            Gen.Elements("1e2", "0.50", "12", "-3.25", "+4"));
        var good = from i in id from d in date from a in amount select $"{i},{d},{a}";
        var odd = Gen.Elements(
            string.Empty,
            "   ",
            " 5 , 2024-01-02 ,\t3.5 ",
            "\"q\",2024-01-03,1",
            "\"a,b\",2024-01-04,2",
            "b,2024-02-30,1",
            "c,2024-01-05,abc",
            ",2024-01-05,1",
            "d,2024-01-05",
            "e,2024-01-05,1,9",
            "f,12:00,1");
        var line = Gen.Frequency((30, good), (1, odd)); // a bad row in about one file in three
        return from lines in line.ListOf()
               from newline in Gen.Elements("\n", "\r\n")
               from bom in Gen.Elements(true, false)
               from finalNewline in Gen.Elements(true, false)
               from refunds in Gen.Elements(true, false)
               from workers in Gen.Choose(1, 5)
               from bufferSize in Gen.Choose(40, 300)
               from endGiven in Gen.Elements(true, false)
               from holdout in Gen.Elements(true, false)
               let bytes = Encoding.UTF8.GetBytes("customer_id,date,amount" + newline + string.Join(newline, lines) + (finalNewline ? newline : string.Empty))
               select new GeneratedFile(bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes, refunds, workers, bufferSize, endGiven, holdout);
    }

    private string Write(byte[] bytes)
    {
        var path = Path.Combine(_directory, Path.GetRandomFileName() + ".csv");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static SummarizerOptions Options(DateTimeOffset end, bool refunds, DateTimeOffset? calibration = null) =>
        new(end) { Refunds = refunds ? RefundPolicy.Exclude : RefundPolicy.Reject, CalibrationEnd = calibration };

    private static SummarySet<string>? Sequential(string path, TransactionCsvOptions options, DateTimeOffset? end, bool refunds = false, DateTimeOffset? calibration = null)
    {
        var rows = TransactionCsv.ReadFile(path, options).ToList();
        DateTimeOffset? last = end;
        foreach (var r in rows)
        {
            if (end is null && (last is null || r.Timestamp > last))
            {
                last = r.Timestamp;
            }
        }

        if (last is null)
        {
            return null;
        }

        var summarizer = new TransactionSummarizer<string>(Options(last.Value, refunds, calibration));
        foreach (var r in rows)
        {
            summarizer.Add(r.CustomerId, r.Timestamp, r.Amount);
        }

        return summarizer.Build(StringComparer.Ordinal);
    }

    private static (SummarySet<string>? Set, bool Taken) Fast(string path, TransactionCsvOptions options, DateTimeOffset? end, int workers, long minimumPerWorker, int bufferSize, bool refunds = false, DateTimeOffset? calibration = null)
    {
        var taken = ParallelTransactionCsv.TrySummarize(path, options, Options(end ?? DateTimeOffset.MinValue, refunds, calibration), end is null, StringComparer.Ordinal, out var set, workers, minimumPerWorker, bufferSize, CancellationToken.None);
        return (set, taken);
    }

    private static void AssertSame(SummarySet<string>? expected, SummarySet<string> actual) => Assert.True(expected is not null && Same(expected, actual), "fast path summaries differ from the sequential reader's");

    private static string Differences(SummarySet<string> a, SummarySet<string> b)
    {
        var d = new List<string>();
        if (a.Count != b.Count || !a.Ids.SequenceEqual(b.Ids))
        {
            d.Add($"ids {string.Join(' ', a.Ids.ToArray())} vs {string.Join(' ', b.Ids.ToArray())}");
            return string.Join("; ", d);
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (a.Frequency[i] != b.Frequency[i] || a.Recency[i] != b.Recency[i] || a.T[i] != b.T[i] || a.MonetaryValue[i] != b.MonetaryValue[i]
                || !a.FirstPurchase[i].EqualsExact(b.FirstPurchase[i]) || !a.LastPurchase[i].EqualsExact(b.LastPurchase[i])
                || a.TransactionCount[i] != b.TransactionCount[i] || decimal.GetBits(a.TotalSpend[i]).AsSpan().SequenceEqual(decimal.GetBits(b.TotalSpend[i])) is false)
            {
                d.Add($"{a.Ids[i]}: x {a.Frequency[i]}/{b.Frequency[i]} tx {a.Recency[i]}/{b.Recency[i]} T {a.T[i]}/{b.T[i]} m {a.MonetaryValue[i]}/{b.MonetaryValue[i]} first {a.FirstPurchase[i]:O}/{b.FirstPurchase[i]:O} last {a.LastPurchase[i]:O}/{b.LastPurchase[i]:O} n {a.TransactionCount[i]}/{b.TransactionCount[i]} spend {a.TotalSpend[i]}/{b.TotalSpend[i]}");
            }
        }

        d.Add($"counts {a.Counts} vs {b.Counts}, end {a.ObservationEnd:O} vs {b.ObservationEnd:O}");
        return string.Join("; ", d);
    }

    private static bool Same(SummarySet<string> a, SummarySet<string> b) =>
        a.Count == b.Count
        && a.Ids.SequenceEqual(b.Ids)
        && a.Frequency.SequenceEqual(b.Frequency)
        && a.Recency.SequenceEqual(b.Recency)
        && a.T.SequenceEqual(b.T)
        && a.MonetaryValue.SequenceEqual(b.MonetaryValue)
        && a.FirstPurchase.ToArray().Zip(b.FirstPurchase.ToArray()).All(p => p.First.EqualsExact(p.Second))
        && a.LastPurchase.ToArray().Zip(b.LastPurchase.ToArray()).All(p => p.First.EqualsExact(p.Second))
        && a.TransactionCount.SequenceEqual(b.TransactionCount)
        && a.TotalSpend.ToArray().Zip(b.TotalSpend.ToArray()).All(p => decimal.GetBits(p.First).SequenceEqual(decimal.GetBits(p.Second)))
        && a.HasHoldout == b.HasHoldout
        && a.HoldoutFrequency.SequenceEqual(b.HoldoutFrequency)
        && a.HoldoutMonetaryValue.SequenceEqual(b.HoldoutMonetaryValue)
        && a.HoldoutDuration.Equals(b.HoldoutDuration)
        && a.CalibrationEnd == b.CalibrationEnd
        && a.Counts == b.Counts
        && a.ObservationEnd == b.ObservationEnd;
}
