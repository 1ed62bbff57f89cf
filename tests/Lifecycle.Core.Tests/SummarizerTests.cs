using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lifecycle.Tests.Arbitraries;

namespace Lifecycle.Tests;

public sealed class SummarizerTests
{
    private static readonly DateTimeOffset CdnowCalibrationEnd = new(1997, 9, 30, 0, 0, 0, TimeSpan.Zero);

    internal static Transaction<int>[] CdnowTransactions()
    {
        var rows = new List<Transaction<int>>();
        foreach (var line in TestData.ReadLines("CDNOW_sample.txt"))
        {
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var date = DateTimeOffset.ParseExact(f[2], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            rows.Add(new Transaction<int>(int.Parse(f[1], CultureInfo.InvariantCulture), date, decimal.Parse(f[4], CultureInfo.InvariantCulture)));
        }

        return [.. rows];
    }

    [Fact]
    public void Build_CdnowSampleByDayInWeeks_ReproducesPublishedSummary()
    {
        var set = TransactionSummarizer.Summarize<int>(CdnowTransactions(), new SummarizerOptions(CdnowCalibrationEnd) { Unit = TimeUnit.Weeks });
        var reference = TestData.ReadLines("cdnow_customers_summary_with_transactions.csv").Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(2357, set.Count);
        Assert.Equal(reference.Length, set.Count);
        Assert.Equal(946, set.Frequency.ToArray().Count(x => x > 0));
        for (var i = 0; i < set.Count; i++)
        {
            var r = reference[i].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal((int)r[0], set.Ids[i]);

            // x exactly; t_x, T and zbar are published to 2 decimals, so they agree within half a unit of the last place.
            Assert.Equal(r[1], set.Frequency[i]);
            Assert.InRange(Math.Abs(set.Recency[i] - r[2]), 0, 0.005 + 1e-9);
            Assert.InRange(Math.Abs(set.T[i] - r[3]), 0, 0.005 + 1e-9);
            Assert.InRange(Math.Abs(set.MonetaryValue[i] - r[4]), 0, 0.005 + 1e-9);
        }

        Assert.Equal(6919, set.Counts.Transactions);
        Assert.True(set.Counts.AfterObservationEnd > 0);
    }

    [Fact]
    public void Build_SamePeriodPurchases_CountOnceWithAmountsSummed()
    {
        var day = new DateTimeOffset(2024, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var s = new TransactionSummarizer<string>(new SummarizerOptions(day.AddDays(10)));
        s.Add("a", day, 10m);
        s.Add("a", day.AddHours(5), 5m);
        s.Add("a", day.AddDays(2), 20m);
        s.Add("a", day.AddDays(2).AddHours(1), 4m);
        s.Add("a", day.AddDays(6), 30m);
        var set = s.Build();
        var c = set[0];
        Assert.Equal(2, c.Frequency);
        Assert.Equal(6, c.Recency);
        Assert.Equal(10, c.T);
        Assert.Equal((24 + 30) / 2.0, c.MonetaryValue);
        Assert.Equal(5, c.TransactionCount);
        Assert.Equal(69m, c.TotalSpend);
        Assert.Equal(day, c.FirstPurchase);
        Assert.Equal(day.AddDays(6), c.LastPurchase);
    }

    [Fact]
    public void Build_IncludeFirstPurchase_AveragesAllPeriods()
    {
        var day = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var s = new TransactionSummarizer<string>(new SummarizerOptions(day.AddDays(10)) { IncludeFirstPurchaseInMonetaryValue = true });
        s.Add("a", day, 10m);
        s.Add("a", day.AddDays(3), 20m);
        Assert.Equal(15, s.Build()[0].MonetaryValue);
    }

    [Fact]
    public void Build_CalibrationSplit_FillsHoldoutAndExcludesHoldoutOnlyCustomers()
    {
        var day = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var options = new SummarizerOptions(day.AddDays(20)) { CalibrationEnd = day.AddDays(10) };
        var s = new TransactionSummarizer<string>(options);
        s.Add("a", day, 10m);
        s.Add("a", day.AddDays(5), 10m);
        s.Add("a", day.AddDays(12), 7m);
        s.Add("a", day.AddDays(15), 9m);
        s.Add("a", day.AddDays(15), 1m);
        s.Add("b", day.AddDays(11), 3m); // first seen in the holdout
        s.Add("c", day.AddDays(30), 3m); // after the observation end
        var set = s.Build();
        Assert.Equal(1, set.Count);
        Assert.Equal(1, set.Frequency[0]);
        Assert.Equal(5, set.Recency[0]);
        Assert.Equal(10, set.T[0]);
        Assert.Equal(2, set.HoldoutFrequency[0]);
        Assert.Equal(8.5, set.HoldoutMonetaryValue[0]);
        Assert.Equal(10, set.HoldoutDuration);
        Assert.Equal(new SummarizerCounts(7, 1, 0, 1), set.Counts);
    }

    [Fact]
    public void Add_NegativeAmountByDefault_ThrowsNamingCustomerAndFix()
    {
        var s = new TransactionSummarizer<string>(new SummarizerOptions(SummaryArbitraries.End));
        var e = Assert.Throws<ArgumentException>(() => s.Add("cust-7", SummaryArbitraries.Start, -5m));
        Assert.Contains("cust-7", e.Message, StringComparison.Ordinal);
        Assert.Contains("RefundPolicy.Exclude", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_NegativeAmountWithExclude_IsCountedNotSummarized()
    {
        var s = new TransactionSummarizer<string>(new SummarizerOptions(SummaryArbitraries.End) { Refunds = RefundPolicy.Exclude });
        s.Add("a", SummaryArbitraries.Start, 10m);
        s.Add("a", SummaryArbitraries.Start.AddDays(1), -10m);
        var set = s.Build();
        Assert.Equal(0, set.Frequency[0]);
        Assert.Equal(1, set.Counts.RefundsExcluded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Add_MissingCustomerId_Throws(string? id)
    {
        var s = new TransactionSummarizer<string>(new SummarizerOptions(SummaryArbitraries.End));
        var e = Assert.Throws<ArgumentException>(() => s.Add(id!, SummaryArbitraries.Start, 1m));
        Assert.Contains("customer id is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EmptyInput_GivesEmptySet()
    {
        var set = new TransactionSummarizer<string>(new SummarizerOptions(SummaryArbitraries.End)).Build();
        Assert.Equal(0, set.Count);
        Assert.Equal(0, set.Compress().Count);
    }

    [Fact]
    public void Constructor_CalibrationEndAfterObservationEnd_Throws()
    {
        var options = new SummarizerOptions(SummaryArbitraries.Start) { CalibrationEnd = SummaryArbitraries.End };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TransactionSummarizer<string>(options));
        Assert.Contains("calibration end", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_UnitNone_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SummarizerOptions(SummaryArbitraries.End) { Unit = TimeUnit.None });

    [Fact]
    public void Build_FirstPurchaseOnObservationEnd_IsValidZeroRow()
    {
        var s = new TransactionSummarizer<string>(new SummarizerOptions(SummaryArbitraries.End));
        s.Add("late", SummaryArbitraries.End.AddHours(3), 4m);
        var c = s.Build()[0];
        Assert.Equal((0.0, 0.0, 0.0), (c.Frequency, c.Recency, c.T));
    }

    [Fact]
    public void PeriodRule_IsTheDayOfEachTimestampsOwnOffset_OrOfTheTimeZone()
    {
        // 08:00 and 23:30 on 1 March in Tokyo: one Tokyo day, but 29 Feb and 1 Mar in UTC.
        var tokyo = TimeSpan.FromHours(9);
        var morning = new DateTimeOffset(2024, 3, 1, 8, 0, 0, tokyo);
        var night = new DateTimeOffset(2024, 3, 1, 23, 30, 0, tokyo);
        var own = new TransactionSummarizer<string>(new SummarizerOptions(SummaryArbitraries.End));
        var utc = new TransactionSummarizer<string>(new SummarizerOptions(SummaryArbitraries.End) { TimeZone = TimeZoneInfo.Utc });
        var newYork = new TransactionSummarizer<string>(new SummarizerOptions(SummaryArbitraries.End) { TimeZone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York") });
        foreach (var s in new[] { own, utc, newYork })
        {
            s.Add("a", morning, 1m);
            s.Add("a", night, 1m);
        }

        Assert.Equal(0, own.Build()[0].Frequency);
        Assert.Equal(1, utc.Build()[0].Frequency);
        Assert.Equal(1, newYork.Build()[0].Frequency); // 29 Feb 18:00 and 1 Mar 09:30 in New York
    }

    [Fact]
    public void PeriodOffset_MovesDayBoundary()
    {
        var late = new DateTimeOffset(2024, 1, 1, 23, 30, 0, TimeSpan.Zero);
        var utc = new TransactionSummarizer<string>(new SummarizerOptions(SummaryArbitraries.End));
        var shifted = new TransactionSummarizer<string>(new SummarizerOptions(SummaryArbitraries.End) { PeriodOffset = TimeSpan.FromHours(2) });
        foreach (var s in new[] { utc, shifted })
        {
            s.Add("a", late, 1m);
            s.Add("a", late.AddHours(1), 1m);
        }

        Assert.Equal(1, utc.Build()[0].Frequency);
        Assert.Equal(0, shifted.Build()[0].Frequency);
    }

    [Fact]
    public void CustomerSummary_RecencyAboveT_ThrowsNamingBoth()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CustomerSummary(2, 12, 10, 1));
        Assert.Contains("recency = 12 must not exceed T = 10", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomerSummary_NaN_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CustomerSummary(double.NaN, 0, 1, 0));

    [Fact]
    public void Compress_BadRow_NamesRowAndRule()
    {
        var e = Assert.Throws<ArgumentException>(() => CompressedSummaries.Create([1, 2], [1, 5], [3, 4], [], TimeUnit.Days));
        Assert.Contains("row 1: recency = 5 must not exceed T = 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromColumns_DuplicateId_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => SummarySet.FromColumns<string>(["a", "a"], [0, 0], [0, 0], [1, 1], [], TimeUnit.Days));
        Assert.Contains("appears more than once", e.Message, StringComparison.Ordinal);
    }

    [Property(Arbitrary = [typeof(SummaryArbitraries)], MaxTest = 200)]
    public bool Build_DoesNotDependOnTransactionOrder(Transaction<int>[] transactions, int seed)
    {
        var shuffled = transactions.ToArray();
        new Random(seed).Shuffle(shuffled);
        return Same(Summarize(transactions), Summarize(shuffled));
    }

    [Property(Arbitrary = [typeof(SummaryArbitraries)], MaxTest = 200)]
    public bool Merge_OfAnyPartition_EqualsOnePass(Transaction<int>[] transactions, int cut1, int cut2)
    {
        var n = transactions.Length;
        var a = n == 0 ? 0 : (int)((uint)cut1 % (n + 1));
        var b = n == 0 ? 0 : (int)((uint)cut2 % (n + 1));
        (a, b) = (Math.Min(a, b), Math.Max(a, b));
        var options = Options();
        TransactionSummarizer<int> Part(int from, int to)
        {
            var s = new TransactionSummarizer<int>(options);
            s.AddRange(transactions.AsSpan(from, to - from));
            return s;
        }

        // (p1 + p2) + p3, p1 + (p2 + p3), and (p3 + p1) + p2 all equal one pass.
        var left = Part(0, a);
        left.Merge(Part(a, b));
        left.Merge(Part(b, n));
        var inner = Part(a, b);
        inner.Merge(Part(b, n));
        var right = Part(0, a);
        right.Merge(inner);
        var commuted = Part(b, n);
        commuted.Merge(Part(0, a));
        commuted.Merge(Part(a, b));
        var one = Summarize(transactions);
        return Same(one, left.Build()) && Same(one, right.Build()) && Same(one, commuted.Build())
            && left.Counts == right.Counts && one.Counts == left.Counts;
    }

    [Property(Arbitrary = [typeof(SummaryArbitraries)], MaxTest = 200)]
    public bool Build_RecencyWithinAge_AndZeroExactlyWithoutRepeats(Transaction<int>[] transactions)
    {
        var set = Summarize(transactions);
        for (var i = 0; i < set.Count; i++)
        {
            if (set.Recency[i] < 0 || set.Recency[i] > set.T[i] || (set.Recency[i] == 0) != (set.Frequency[i] == 0))
            {
                return false;
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(SummaryArbitraries)], MaxTest = 200)]
    public bool Compress_KeepsTheWeightedMultisetOfRows(Transaction<int>[] transactions)
    {
        var set = Summarize(transactions);
        var compressed = set.Compress();
        var expected = Enumerable.Range(0, set.Count).GroupBy(i => (set.Frequency[i], set.Recency[i], set.T[i])).ToDictionary(g => g.Key, g => (double)g.Count());
        var actual = new Dictionary<(double, double, double), double>();
        for (var i = 0; i < compressed.Count; i++)
        {
            actual.Add((compressed.Frequency[i], compressed.Recency[i], compressed.T[i]), compressed.Weight[i]);
        }

        return compressed.TotalWeight == set.Count && expected.Count == actual.Count && expected.All(kv => actual[kv.Key] == kv.Value);
    }

    [Property(Arbitrary = [typeof(SummaryArbitraries)], MaxTest = 100)]
    public bool Summarize_Parallel_EqualsSinglePass(Transaction<int>[] transactions)
    {
        var many = Enumerable.Range(0, 30).SelectMany(k => transactions.Select(t => t with { CustomerId = t.CustomerId + (k * 100) })).ToArray();
        return Same(TransactionSummarizer.Summarize<int>(many, Options(), maxDegreeOfParallelism: 1), TransactionSummarizer.Summarize<int>(many, Options(), maxDegreeOfParallelism: 4, minimumPerWorker: 1));
    }

    private static SummarizerOptions Options() => new(SummaryArbitraries.End) { CalibrationEnd = SummaryArbitraries.End.AddDays(-40) };

    private static SummarySet<int> Summarize(Transaction<int>[] transactions)
    {
        var s = new TransactionSummarizer<int>(Options());
        s.AddRange(transactions);
        return s.Build();
    }

    private static bool Same(SummarySet<int> x, SummarySet<int> y)
    {
        if (x.Count != y.Count)
        {
            return false;
        }

        for (var i = 0; i < x.Count; i++)
        {
            if (x.Ids[i] != y.Ids[i] || x[i] != y[i] || x.HoldoutFrequency[i] != y.HoldoutFrequency[i] || x.HoldoutMonetaryValue[i] != y.HoldoutMonetaryValue[i])
            {
                return false;
            }
        }

        return true;
    }
}
