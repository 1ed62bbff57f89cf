using System.Diagnostics;
using System.Globalization;
using FsCheck.Xunit;
using Lifecycle.Tests.Arbitraries;

namespace Lifecycle.Tests;

public sealed class SummarizerStateTests
{
    [Property(Arbitrary = [typeof(SummaryArbitraries)], MaxTest = 200)]
    public bool ReadState_OfWrittenPartitions_MergesToOnePass(Transaction<int>[] transactions, int cut1, int cut2)
    {
        var n = transactions.Length;
        var a = n == 0 ? 0 : (int)((uint)cut1 % (n + 1));
        var b = n == 0 ? 0 : (int)((uint)cut2 % (n + 1));
        (a, b) = (Math.Min(a, b), Math.Max(a, b));
        var options = Options(SummaryArbitraries.End, SummaryArbitraries.End.AddDays(-40));
        TransactionSummarizer<int> RoundTrip(int from, int to)
        {
            var s = new TransactionSummarizer<int>(options);
            s.AddRange(transactions.AsSpan(from, to - from));
            using var buffer = new MemoryStream();
            s.WriteState(buffer);
            buffer.Position = 0;
            return TransactionSummarizer.ReadState<int>(buffer);
        }

        var merged = RoundTrip(b, n);
        merged.Merge(RoundTrip(0, a));
        merged.Merge(RoundTrip(a, b));
        var one = new TransactionSummarizer<int>(options);
        one.AddRange(transactions);
        return Difference(one.Build(), merged.Build()) is null;
    }

    [Fact]
    public void ReadState_FourPartitionsSummarisedInSeparateProcesses_MergeToOnePass()
    {
        var end = new DateTimeOffset(1998, 6, 30, 0, 0, 0, TimeSpan.Zero);
        var calibration = new DateTimeOffset(1997, 9, 30, 0, 0, 0, TimeSpan.Zero);
        var rows = TestData.ReadLines("CDNOW_sample.txt").Select(line =>
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var date = DateTimeOffset.ParseExact(f[2], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            return new Transaction<string>(f[0], date, decimal.Parse(f[4], CultureInfo.InvariantCulture));
        }).ToList();

        // A refund and rows after the end, so every count crosses the process boundary too.
        rows.Add(new Transaction<string>("00004", new DateTimeOffset(1997, 3, 1, 12, 0, 0, TimeSpan.FromHours(2)), -5m));
        rows.Add(new Transaction<string>("00004", end.AddDays(3), 9.99m));
        var shuffled = rows.ToArray();
        new Random(15).Shuffle(shuffled);

        var folder = Directory.CreateTempSubdirectory("lifecycle-partials-");
        try
        {
            var processes = new List<Process>();
            for (var part = 0; part < 4; part++)
            {
                var csv = Path.Combine(folder.FullName, $"part{part}.csv");
                File.WriteAllLines(csv, ["customer_id,timestamp,amount", .. shuffled.Where((_, i) => i % 4 == part).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.CustomerId},{t.Timestamp:O},{t.Amount}"))]);
                processes.Add(StartHost(csv, Path.Combine(folder.FullName, $"part{part}.state"), end, calibration));
            }

            var merged = default(TransactionSummarizer<string>);
            for (var part = 0; part < 4; part++)
            {
                var p = processes[part];
                var stderr = p.StandardError.ReadToEnd();
                Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)), "partition host did not finish in 2 minutes");
                Assert.True(p.ExitCode == 0, $"partition host {part} failed ({p.ExitCode}): {stderr}");
                using var state = File.OpenRead(Path.Combine(folder.FullName, $"part{part}.state"));
                var partial = TransactionSummarizer.ReadState<string>(state);
                if (merged is null)
                {
                    merged = partial;
                }
                else
                {
                    merged.Merge(partial);
                }

                p.Dispose();
            }

            var one = new TransactionSummarizer<string>(Options(end, calibration));
            foreach (var t in rows)
            {
                one.Add(t);
            }

            var expected = one.Build();
            var actual = merged!.Build();
            Assert.Equal(2357, actual.Count);
            Assert.Equal(new SummarizerCounts(6921, 1, 1, 0), actual.Counts);
            Assert.Null(Difference(expected, actual));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void ReadState_NotAState_ThrowsSayingSo()
    {
        using var bytes = new MemoryStream("hello, world"u8.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => TransactionSummarizer.ReadState<string>(bytes));
        Assert.Contains("not a Lifecycle summarizer state", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadState_OtherKeyType_ThrowsNamingBoth()
    {
        var s = new TransactionSummarizer<int>(Options(SummaryArbitraries.End, null));
        s.Add(1, SummaryArbitraries.Start, 1m);
        using var buffer = new MemoryStream();
        s.WriteState(buffer);
        buffer.Position = 0;
        var e = Assert.Throws<InvalidDataException>(() => TransactionSummarizer.ReadState<string>(buffer));
        Assert.Contains("holds int customer ids but was read as String", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadState_Truncated_ThrowsSayingSo()
    {
        var s = new TransactionSummarizer<string>(Options(SummaryArbitraries.End, null));
        s.Add("a", SummaryArbitraries.Start, 1m);
        using var buffer = new MemoryStream();
        s.WriteState(buffer);
        using var cut = new MemoryStream(buffer.ToArray()[..^5]);
        var e = Assert.Throws<InvalidDataException>(() => TransactionSummarizer.ReadState<string>(cut));
        Assert.Contains("ends early", e.Message, StringComparison.Ordinal);
    }

    private static SummarizerOptions Options(DateTimeOffset end, DateTimeOffset? calibration) =>
        new(end) { CalibrationEnd = calibration, Unit = TimeUnit.Weeks, Refunds = RefundPolicy.Exclude };

    private static Process StartHost(string csv, string state, DateTimeOffset end, DateTimeOffset calibration)
    {
        // The host and its runtimeconfig are copied beside the tests by the project reference.
        var dir = AppContext.BaseDirectory;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = false,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(dir, "Lifecycle.Core.PartialHost.dll"), csv, state, end.ToString("O", CultureInfo.InvariantCulture), calibration.ToString("O", CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start the partition host");
    }

    private static string? Difference<TKey>(SummarySet<TKey> x, SummarySet<TKey> y)
        where TKey : notnull, IEquatable<TKey>
    {
        if (x.Count != y.Count || x.Counts != y.Counts || x.HasHoldout != y.HasHoldout || x.HoldoutDuration != y.HoldoutDuration)
        {
            return $"{x.Count}/{x.Counts} vs {y.Count}/{y.Counts}";
        }

        for (var i = 0; i < x.Count; i++)
        {
            if (!x.Ids[i].Equals(y.Ids[i]) || x[i] != y[i] || x.FirstPurchase[i] != y.FirstPurchase[i] || x.FirstPurchase[i].Offset != y.FirstPurchase[i].Offset
                || x.LastPurchase[i] != y.LastPurchase[i] || x.TransactionCount[i] != y.TransactionCount[i] || x.TotalSpend[i] != y.TotalSpend[i]
                || (x.HasHoldout && (x.HoldoutFrequency[i] != y.HoldoutFrequency[i] || x.HoldoutMonetaryValue[i] != y.HoldoutMonetaryValue[i])))
            {
                return $"row {i} ({x.Ids[i]}) differs";
            }
        }

        return null;
    }
}
