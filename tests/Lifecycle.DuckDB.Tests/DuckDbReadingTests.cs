using System.Globalization;
using DuckDB.NET.Data;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Lifecycle.DuckDB.Tests;

/// <summary>Typed amount columns (the scale taken from the type), the streamed transaction reader and summaries compressed in SQL.</summary>
public sealed class DuckDbReadingTests
{
    /// <summary>With DECIMAL(18, 2) or INTEGER amounts the scale comes from the type, not from each value's text: the result must not change.</summary>
    [Property(Arbitrary = [typeof(ConformanceArbitraries)], MaxTest = 60)]
    public Property Summarize_TypedAmountColumns_EqualsTransactionSummarizerExactly(Case c, bool integers)
    {
        // The values a typed column holds: cents with scale 2 (84 is 84.00), or whole numbers with scale 0.
        var rows = c.Transactions.Select(t => t with { Amount = integers ? Math.Round(t.Amount, 0) : Math.Round(t.Amount, 2) + 0.00m }).ToArray();
        var expected = TestSupport.InMemory(rows, c.Options);
        using var duck = new DuckDbSummarizer();
        TestSupport.Load(duck.Connection, "raw", rows);
        Execute(duck.Connection, $"CREATE TABLE tx AS SELECT customer_id, date, CAST(amount AS {(integers ? "INTEGER" : "DECIMAL(18, 2)")}) AS amount FROM raw");
        var difference = TestSupport.Difference(expected, duck.Summarize(DuckDbSource.Table("tx"), c.Options));
        return Prop.Label(difference is null, difference ?? "identical").Classify(expected.Count == 0, "no customers").Classify(integers, "integers");
    }

    [Fact]
    public void ReadTransactions_CdnowCsv_StreamsEveryRowAsWrittenTwice()
    {
        var rows = TestSupport.Cdnow();
        var csv = Path.Combine(Path.GetTempPath(), $"cdnow-read-{Environment.ProcessId}.csv");
        File.WriteAllLines(csv, ["customer_id,date,amount", .. rows.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.CustomerId},{t.Timestamp:yyyyMMdd},{t.Amount}"))]);
        try
        {
            using var duck = new DuckDbSummarizer();
            var read = duck.ReadTransactions(DuckDbSource.Csv(csv, "%Y%m%d"));
            Assert.Equal(rows, read.ToArray());

            // A second enumeration runs the query again (CustomerAnalysis reads twice when it needs a first pass).
            Assert.Equal(rows.Length, read.Count());
            // Amounts keep the scale they were written with (29.30 stays 29.30, not 29.3).
            Assert.Equal(rows.Select(t => t.Amount.Scale), read.Select(t => t.Amount.Scale));
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public void ReadTransactions_MissingAmount_ThrowsNamingCustomerAndColumn()
    {
        using var duck = new DuckDbSummarizer();
        Execute(duck.Connection, "CREATE TABLE tx AS SELECT * FROM (VALUES ('a', TIMESTAMP '2024-01-01', 1.5), ('b', TIMESTAMP '2024-01-02', NULL)) v(customer_id, date, amount)");
        var e = Assert.Throws<ArgumentException>(() => duck.ReadTransactions(DuckDbSource.Table("tx")).ToArray());
        Assert.Contains("customer 'b'", e.Message, StringComparison.Ordinal);
        Assert.Contains("column 'amount'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompressSummaries_CdnowSummaryWithAliases_EqualsCompressedSummariesCreate()
    {
        var summaries = TestSupport.InMemory(TestSupport.Cdnow(), new SummarizerOptions(TestSupport.CdnowEnd) { Unit = TimeUnit.Weeks });
        using var duck = new DuckDbSummarizer();
        Execute(duck.Connection, "CREATE TABLE s (ID VARCHAR, x DOUBLE, t_x DOUBLE, \"T\" DOUBLE)");
        using (var appender = duck.Connection.CreateAppender("s"))
        {
            for (var i = 0; i < summaries.Count; i++)
            {
                appender.CreateRow().AppendValue(summaries.Ids[i]).AppendValue(summaries.Frequency[i]).AppendValue(summaries.Recency[i]).AppendValue(summaries.T[i]).EndRow();
            }
        }

        var actual = duck.CompressSummaries(DuckDbSource.Table("s"), TimeUnit.Weeks);
        Assert.Null(TestSupport.Difference(summaries.Compress(), actual));
        Assert.Equal(2357, actual.TotalWeight);
    }

    [Fact]
    public void CompressSummaries_RecencyAboveT_ThrowsNamingCustomerValuesAndRule()
    {
        using var duck = new DuckDbSummarizer();
        Execute(duck.Connection, "CREATE TABLE s AS SELECT * FROM (VALUES ('a', 1, 2.0, 5.0, 3.0), ('b', 2, 6.0, 5.0, 1.0)) v(customer_id, frequency, recency, \"T\", weight)");
        var e = Assert.Throws<ArgumentException>(() => duck.CompressSummaries(DuckDbSource.Table("s"), TimeUnit.Days));
        Assert.Contains("customer 'b'", e.Message, StringComparison.Ordinal);
        Assert.Contains("recency = 6", e.Message, StringComparison.Ordinal);
        Assert.Contains("recency <= T", e.Message, StringComparison.Ordinal);

        Execute(duck.Connection, "DELETE FROM s WHERE customer_id = 'b'");
        var rows = duck.CompressSummaries(DuckDbSource.Table("s"), TimeUnit.Days);
        Assert.Equal(3.0, rows.TotalWeight);
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
