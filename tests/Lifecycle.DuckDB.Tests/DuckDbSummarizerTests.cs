using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Lifecycle.DuckDB.Tests;

public sealed class DuckDbSummarizerTests
{
    [Property(Arbitrary = [typeof(ConformanceArbitraries)], MaxTest = 150)]
    public Property Summarize_AnyLog_EqualsTransactionSummarizerExactly(Case c)
    {
        var expected = TestSupport.InMemory(c.Transactions, c.Options);
        using var duck = new DuckDbSummarizer();
        TestSupport.Load(duck.Connection, "tx", c.Transactions);
        var actual = duck.Summarize(DuckDbSource.Table("tx"), c.Options);
        var compressed = duck.SummarizeCompressed(DuckDbSource.Table("tx"), c.Options);
        var difference = TestSupport.Difference(expected, actual) ?? TestSupport.Difference(expected.Compress(), compressed);

        // Classify so the run shows the corners were reached (not every case an empty set).
        return Prop.Label(difference is null, difference ?? "identical")
            .Classify(expected.Count == 0, "no customers")
            .Classify(expected.Counts.HoldoutOnlyCustomers > 0, "holdout-only customers")
            .Classify(expected.Counts.RefundsExcluded > 0, "refunds")
            .Classify(expected.Counts.AfterObservationEnd > 0, "after end");
    }

    [Fact]
    public void Summarize_CdnowCsvWithHoldout_EqualsTransactionSummarizer()
    {
        var rows = TestSupport.Cdnow();
        var options = new SummarizerOptions(TestSupport.CdnowEnd) { CalibrationEnd = TestSupport.CdnowCalibrationEnd, Unit = TimeUnit.Weeks };
        var csv = WriteCsv(rows, "yyyyMMdd");
        try
        {
            using var duck = new DuckDbSummarizer();
            var actual = duck.Summarize(DuckDbSource.Csv(csv, "%Y%m%d"), options);
            var expected = TestSupport.InMemory(rows, options);
            Assert.Equal(2357, actual.Count);
            Assert.Null(TestSupport.Difference(expected, actual));
            Assert.Null(TestSupport.Difference(expected.Compress(), duck.SummarizeCompressed(DuckDbSource.Csv(csv, "%Y%m%d"), options)));

            // Published summary of this sample (lifetimes' cdnow_customers_summary_with_transactions.csv): customer 0004 has x = 2, t_x = 30.43, T = 38.86 weeks.
            var i = actual.Ids.IndexOf("00004");
            Assert.Equal(2, actual.Frequency[i]);
            Assert.Equal(30.428571428571427, actual.Recency[i], 12);
            Assert.Equal(38.857142857142854, actual.T[i], 12);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public void Summarize_CdnowParquet_EqualsTransactionSummarizer()
    {
        var rows = TestSupport.Cdnow();
        var options = new SummarizerOptions(TestSupport.CdnowEnd) { Unit = TimeUnit.Days, PeriodOffset = TimeSpan.FromHours(-5) };
        var parquet = Path.Combine(Path.GetTempPath(), $"cdnow-{Environment.ProcessId}.parquet");
        try
        {
            using var duck = new DuckDbSummarizer(new DuckDbEngineOptions { MemoryLimitBytes = 256L << 20, Threads = 2 });
            TestSupport.Load(duck.Connection, "tx", rows);
            using (var copy = duck.Connection.CreateCommand())
            {
                copy.CommandText = $"COPY tx TO '{parquet}' (FORMAT parquet)";
                copy.ExecuteNonQuery();
            }

            var actual = duck.Summarize(DuckDbSource.Parquet(parquet), options);
            Assert.Equal(2357, actual.Count);
            Assert.Null(TestSupport.Difference(TestSupport.InMemory(rows, options), actual));
        }
        finally
        {
            File.Delete(parquet);
        }
    }

    [Fact]
    public void Summarize_RefundUnderReject_ThrowsNamingCustomerAndAmount()
    {
        using var duck = new DuckDbSummarizer();
        TestSupport.Load(duck.Connection, "tx", [new("a", ConformanceArbitraries.Start, 5m), new("b", ConformanceArbitraries.Start, -2.5m)]);
        var e = Assert.Throws<ArgumentException>(() => duck.Summarize(DuckDbSource.Table("tx"), new SummarizerOptions(ConformanceArbitraries.Start.AddDays(1))));
        Assert.Contains("amount = -2.5 for customer 'b'", e.Message, StringComparison.Ordinal);
        Assert.Contains("RefundPolicy.Exclude", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SummarizeCompressedAndScore_RefundUnderReject_ThrowLikeSummarize()
    {
        // These paths check the rows in one flat pass (no per-customer grouping); the rejection must be the same.
        using var duck = new DuckDbSummarizer();
        TestSupport.Load(duck.Connection, "tx", [new("a", ConformanceArbitraries.Start, 5m), new("b", ConformanceArbitraries.Start, -2.5m)]);
        var options = new SummarizerOptions(ConformanceArbitraries.Start.AddDays(1));
        var compressed = Assert.Throws<ArgumentException>(() => duck.SummarizeCompressed(DuckDbSource.Table("tx"), options));
        Assert.Contains("amount = -2.5 for customer 'b'", compressed.Message, StringComparison.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), $"scores-reject-{Environment.ProcessId}.csv");
        var scored = Assert.Throws<ArgumentException>(() => duck.Score(DuckDbSource.Table("tx"), options, new Lifecycle.Clv.BgNbdModel(1, 1, 1, 1, TimeUnit.Days), 1, path, ScoreFileFormat.Csv));
        Assert.Contains("amount = -2.5 for customer 'b'", scored.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Summarize_MissingCustomerId_ThrowsNamingTheColumn()
    {
        using var duck = new DuckDbSummarizer();
        using (var create = duck.Connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE tx AS SELECT * FROM (VALUES ('a', TIMESTAMP '2024-01-01', 1.0), (NULL, TIMESTAMP '2024-01-02', 2.0)) v(customer_id, date, amount)";
            create.ExecuteNonQuery();
        }

        var e = Assert.Throws<ArgumentException>(() => duck.Summarize(DuckDbSource.Table("tx"), new SummarizerOptions(ConformanceArbitraries.Start.AddDays(3))));
        Assert.Contains("no customer id (column 'customer_id'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summarize_OtherColumnNames_AreQuotedAndUsed()
    {
        using var duck = new DuckDbSummarizer();
        using (var create = duck.Connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE \"My Tx\" AS SELECT * FROM (VALUES ('a', DATE '2024-01-01', 1.0), ('a', DATE '2024-01-03', 3.0)) v(\"Client\", \"When\", \"Value\")";
            create.ExecuteNonQuery();
        }

        var columns = new TransactionColumns { CustomerId = "Client", Date = "When", Amount = "Value" };
        var s = duck.Summarize(DuckDbSource.Table("My Tx"), new SummarizerOptions(ConformanceArbitraries.Start.AddDays(9)), columns);
        Assert.Equal(1, s.Frequency[0]);
        Assert.Equal(2, s.Recency[0]);
        Assert.Equal(9, s.T[0]);
        Assert.Equal(3.0, s.MonetaryValue[0]);
    }

    private static string WriteCsv(IEnumerable<Transaction<string>> rows, string dateFormat)
    {
        var path = Path.Combine(Path.GetTempPath(), $"tx-{Environment.ProcessId}-{Guid.NewGuid():N}.csv");
        using var w = new StreamWriter(path);
        w.WriteLine("customer_id,date,amount");
        foreach (var t in rows)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t.CustomerId},{t.Timestamp.UtcDateTime.ToString(dateFormat, CultureInfo.InvariantCulture)},{t.Amount}"));
        }

        return path;
    }
}
