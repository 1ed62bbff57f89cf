using System.Data.Common;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Npgsql;
using NpgsqlTypes;

namespace Lifecycle.DuckDB.Tests;

/// <summary>
/// The printed SQL (what <c>lifecycle sql</c> writes) run in a real engine: DuckDB embedded, and PostgreSQL from
/// <c>LIFECYCLE_POSTGRES</c>. Frequency, recency, T and the compressed rows must be identical; the monetary value is
/// the database's own division, so it is compared to a relative 1e-15: the summarizer divides in decimal (28 digits)
/// and rounds to double, DuckDB divides in double and PostgreSQL in numeric (at least 16 significant digits) before
/// rounding, so each is within about 1 ulp (1.1e-16 relative) of the exact quotient, and 1e-15 is a few ulps.
/// </summary>
public sealed class SummarySqlTests
{
    private const double MonetaryTolerance = 1e-15;

    [Fact]
    public void Summary_DuckDbDialectOnCdnow_SameRowsAsSummarizer()
    {
        var rows = TestSupport.Cdnow();
        var options = new SummarizerOptions(TestSupport.CdnowEnd) { CalibrationEnd = TestSupport.CdnowCalibrationEnd, Unit = TimeUnit.Weeks, Refunds = RefundPolicy.Exclude };
        using var duck = new DuckDbSummarizer();
        TestSupport.Load(duck.Connection, "transactions", rows);
        var expected = TestSupport.InMemory(rows, options);
        Assert.Null(Compare(expected, Query(duck.Connection, SummarySql.Summary(SqlDialect.DuckDB, "transactions", new TransactionColumns(), options))));
        Assert.Null(CompareCompressed(expected.Compress(), Query(duck.Connection, SummarySql.Compressed(SqlDialect.DuckDB, "transactions", new TransactionColumns(), options))));
    }

    [Fact]
    public void Summary_PostgreSqlDialectOnCdnow_SameRowsAsSummarizer()
    {
        var rows = TestSupport.Cdnow();
        var options = new SummarizerOptions(TestSupport.CdnowEnd) { CalibrationEnd = TestSupport.CdnowCalibrationEnd, Unit = TimeUnit.Weeks, Refunds = RefundPolicy.Exclude };
        using var pg = OpenPostgres();
        LoadPostgres(pg, rows);
        var expected = TestSupport.InMemory(rows, options);
        var actual = Query(pg, SummarySql.Summary(SqlDialect.PostgreSql, "lc_tx", new TransactionColumns(), options));
        Assert.Equal(2357, actual.Count);
        Assert.Null(Compare(expected, actual));
        Assert.Null(CompareCompressed(expected.Compress(), Query(pg, SummarySql.Compressed(SqlDialect.PostgreSql, "lc_tx", new TransactionColumns(), options))));
    }

    [Property(Arbitrary = [typeof(ConformanceArbitraries)], MaxTest = 40)]
    public Property Summary_PostgreSqlDialectOnAnyLog_SameRowsAsSummarizer(Case c)
    {
        using var pg = OpenPostgres();
        LoadPostgres(pg, c.Transactions);
        var expected = TestSupport.InMemory(c.Transactions, c.Options);
        var difference = Compare(expected, Query(pg, SummarySql.Summary(SqlDialect.PostgreSql, "lc_tx", new TransactionColumns(), c.Options)))
            ?? CompareCompressed(expected.Compress(), Query(pg, SummarySql.Compressed(SqlDialect.PostgreSql, "lc_tx", new TransactionColumns(), c.Options)));
        return Prop.Label(difference is null, difference ?? "identical").Classify(expected.Count == 0, "no customers");
    }

    [Property(Arbitrary = [typeof(ConformanceArbitraries)], MaxTest = 100)]
    public Property Summary_DuckDbDialectOnAnyLog_SameRowsAsSummarizer(Case c)
    {
        using var duck = new DuckDbSummarizer();
        TestSupport.Load(duck.Connection, "transactions", c.Transactions);
        var expected = TestSupport.InMemory(c.Transactions, c.Options);
        var difference = Compare(expected, Query(duck.Connection, SummarySql.Summary(SqlDialect.DuckDB, "transactions", new TransactionColumns(), c.Options)))
            ?? CompareCompressed(expected.Compress(), Query(duck.Connection, SummarySql.Compressed(SqlDialect.DuckDB, "transactions", new TransactionColumns(), c.Options)));
        return Prop.Label(difference is null, difference ?? "identical").Classify(expected.Count == 0, "no customers");
    }

    [Fact]
    public void Summary_NonMicrosecondPeriod_ThrowsNamingTheRule()
    {
        var options = new SummarizerOptions(TestSupport.CdnowEnd) { Period = TimeSpan.FromDays(1) + TimeSpan.FromTicks(1) };
        var e = Assert.Throws<ArgumentException>(() => SummarySql.Summary(SqlDialect.PostgreSql, "tx", new TransactionColumns(), options));
        Assert.Contains("whole microseconds", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Opens LIFECYCLE_POSTGRES; its absence fails the test loudly (CI starts the server and sets it).</summary>
    internal static NpgsqlConnection OpenPostgres()
    {
        var cs = Environment.GetEnvironmentVariable("LIFECYCLE_POSTGRES");
        Assert.False(string.IsNullOrWhiteSpace(cs), "LIFECYCLE_POSTGRES is not set: these tests need a PostgreSQL server (e.g. Host=localhost;Port=5432;Username=postgres;Password=postgres;Database=postgres). .ci/run starts one and sets it; set it yourself when running locally.");
        var connection = new NpgsqlConnection(cs);
        connection.Open();
        return connection;
    }

    /// <summary>A session-private temporary table lc_tx(customer_id text, date timestamptz, amount numeric(18, 2)).</summary>
    private static void LoadPostgres(NpgsqlConnection pg, IEnumerable<Transaction<string>> rows)
    {
        using (var create = pg.CreateCommand())
        {
            create.CommandText = "DROP TABLE IF EXISTS lc_tx; CREATE TEMPORARY TABLE lc_tx (customer_id text, date timestamptz, amount numeric(18, 2))";
            create.ExecuteNonQuery();
        }

        using var copy = pg.BeginBinaryImport("COPY lc_tx (customer_id, date, amount) FROM STDIN (FORMAT BINARY)");
        foreach (var t in rows)
        {
            copy.StartRow();
            copy.Write(t.CustomerId, NpgsqlDbType.Text);
            copy.Write(t.Timestamp.UtcDateTime, NpgsqlDbType.TimestampTz);
            copy.Write(t.Amount, NpgsqlDbType.Numeric);
        }

        copy.Complete();
    }

    private static List<object[]> Query(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }

    private static string? Compare(SummarySet<string> expected, List<object[]> rows)
    {
        if (rows.Count != expected.Count)
        {
            return $"{rows.Count} rows vs {expected.Count} customers";
        }

        // Databases order text by their collation; compare in the summarizer's order.
        var byId = rows.ToDictionary(r => (string)r[0], StringComparer.Ordinal);
        for (var i = 0; i < expected.Count; i++)
        {
            var id = expected.Ids[i];
            if (!byId.TryGetValue(id, out var r))
            {
                return $"customer {id} missing";
            }

            var (f, rec, t, m) = (Convert.ToDouble(r[1], System.Globalization.CultureInfo.InvariantCulture), Convert.ToDouble(r[2], System.Globalization.CultureInfo.InvariantCulture), Convert.ToDouble(r[3], System.Globalization.CultureInfo.InvariantCulture), Convert.ToDouble(r[4], System.Globalization.CultureInfo.InvariantCulture));
            if (f != expected.Frequency[i] || rec != expected.Recency[i] || t != expected.T[i])
            {
                return FormattableString.Invariant($"{id}: ({f}, {rec:R}, {t:R}) vs ({expected.Frequency[i]}, {expected.Recency[i]:R}, {expected.T[i]:R})");
            }

            var em = expected.MonetaryValue[i];
            if (Math.Abs(m - em) > MonetaryTolerance * Math.Abs(em))
            {
                return FormattableString.Invariant($"{id}: monetary {m:R} vs {em:R}");
            }
        }

        return null;
    }

    private static string? CompareCompressed(CompressedSummaries expected, List<object[]> rows)
    {
        if (rows.Count != expected.Count)
        {
            return $"{rows.Count} compressed rows vs {expected.Count}";
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i].Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            if (r[0] != expected.Frequency[i] || r[1] != expected.Recency[i] || r[2] != expected.T[i] || r[3] != expected.Weight[i])
            {
                return FormattableString.Invariant($"row {i}: ({string.Join(", ", r)}) vs ({expected.Frequency[i]}, {expected.Recency[i]}, {expected.T[i]}, {expected.Weight[i]})");
            }
        }

        return null;
    }
}
