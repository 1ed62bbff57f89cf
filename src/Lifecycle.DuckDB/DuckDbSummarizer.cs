using System.Globalization;
using DuckDB.NET.Data;

namespace Lifecycle.DuckDB;

/// <summary>
/// Summarizes transactions inside an embedded DuckDB: the same summaries and compressed rows as
/// <see cref="TransactionSummarizer{TKey}"/>, computed out of core from CSV, Parquet or any table.
/// </summary>
/// <remarks>
/// <para>DuckDB computes per-customer totals in whole periods and exact decimals (<see cref="SummarySql"/> writes
/// the query); the last arithmetic (period counts times the unit, decimal means to double) runs in .NET with the
/// summarizer's own code, so the results are identical, not merely close. Memory is bounded by
/// <see cref="DuckDbEngineOptions.MemoryLimitBytes"/> plus the returned summaries (one row per customer);
/// <see cref="SummarizeCompressed"/> returns only the distinct (frequency, recency, T) rows.</para>
/// <para>Amounts are converted to <c>DECIMAL(38, 8)</c>: more than 8 decimal places are rounded.
/// Timestamps are read with microsecond precision; the period and offset must be whole microseconds.</para>
/// <para>An instance is not thread-safe (one connection); dispose it to close the database.</para>
/// </remarks>
public sealed partial class DuckDbSummarizer : IDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly bool _ownsConnection;

    /// <summary>Opens an in-memory DuckDB database with the default limits (<see cref="DuckDbEngineOptions"/>).</summary>
    public DuckDbSummarizer()
        : this(new DuckDbEngineOptions())
    {
    }

    /// <summary>Opens an in-memory DuckDB database with the given limits.</summary>
    /// <param name="engine">Memory limit, threads and spill folder.</param>
    /// <exception cref="ArgumentNullException"><paramref name="engine"/> is null.</exception>
    public DuckDbSummarizer(DuckDbEngineOptions engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _connection = new DuckDBConnection("DataSource=:memory:");
        _ownsConnection = true;
        _connection.Open();
        Execute(string.Create(CultureInfo.InvariantCulture, $"SET memory_limit = '{engine.MemoryLimitBytes / (1 << 20)}MiB'"));
        if (engine.Threads > 0)
        {
            Execute(string.Create(CultureInfo.InvariantCulture, $"SET threads = {engine.Threads}"));
        }

        if (engine.TempDirectory is { } temp)
        {
            Execute($"SET temp_directory = {DuckDbSource.Literal(temp)}");
        }

        Prepare();
    }

    /// <summary>Uses an open connection the caller owns (for tables it created); the time zone of the session is set to UTC.</summary>
    /// <param name="connection">An open DuckDB connection; not disposed by this instance.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is null.</exception>
    public DuckDbSummarizer(DuckDBConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        if (_connection.State != System.Data.ConnectionState.Open)
        {
            _connection.Open();
        }

        Prepare();
    }

    /// <summary>Gets the connection, for creating tables or views to summarize.</summary>
    public DuckDBConnection Connection => _connection;

    /// <summary>Summarizes every customer with a purchase in the calibration window; identical to <see cref="TransactionSummarizer{TKey}.Build()"/> over the same rows.</summary>
    /// <param name="source">The transactions.</param>
    /// <param name="options">The summarizer options.</param>
    /// <param name="columns">The column names, or <c>null</c> for <c>customer_id, date, amount</c>.</param>
    /// <param name="order">The order of the customers, or <c>null</c> for <see cref="Comparer{T}.Default"/> (the order of <see cref="TransactionSummarizer{TKey}.Build()"/>).</param>
    /// <returns>The summaries, sorted by customer id, with the same counts as the summarizer.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A row has no customer id, date or amount, or has a negative amount under <see cref="RefundPolicy.Reject"/>; the message names the row.</exception>
    /// <exception cref="DuckDBException">DuckDB could not read the source (missing file or column, a value it cannot convert).</exception>
    public SummarySet<string> Summarize(DuckDbSource source, SummarizerOptions options, TransactionColumns? columns = null, IComparer<string>? order = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        columns ??= new TransactionColumns();
        var counts = CheckRows(source, options, columns);
        var rows = new List<CustomerAggregate>();
        // Customers first seen in the holdout come back too (one aggregation instead of a second per-customer pass) and are counted here.
        var calibrationEnd = SummarySql.CalibrationEndPeriod(options);
        var holdoutOnly = 0;
        using (var command = Command(SummarySql.Aggregates(SqlDialect.DuckDB, source.ToSql(columns), columns, options, AmountScale(source, columns), includeHoldoutOnly: true)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (reader.GetInt64(1) > calibrationEnd)
                {
                    holdoutOnly++;
                    continue;
                }

                rows.Add(new CustomerAggregate(
                    reader.GetString(0),
                    reader.GetInt64(1),
                    reader.GetInt64(2),
                    reader.GetInt64(3),
                    reader.GetInt64(4),
                    reader.GetDecimal(5),
                    reader.GetDecimal(6),
                    reader.GetDecimal(7),
                    reader.GetInt64(8),
                    FromMicroseconds(reader.GetInt64(9)),
                    FromMicroseconds(reader.GetInt64(10)),
                    (int)reader.GetInt64(11)));
            }
        }

        return CustomerAggregates.ToSummarySet(rows, options, counts with { HoldoutOnlyCustomers = holdoutOnly }, order ?? Comparer<string>.Default);
    }

    /// <summary>Computes the compressed weighted rows (one per distinct frequency, recency, T) without materialising customers in .NET; identical to <c>Summarize(...).Compress()</c>.</summary>
    /// <param name="source">The transactions.</param>
    /// <param name="options">The summarizer options.</param>
    /// <param name="columns">The column names, or <c>null</c> for <c>customer_id, date, amount</c>.</param>
    /// <returns>The compressed rows; their count is bounded by the period grid, not by customers.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A row would be rejected by the summarizer (see <see cref="Summarize"/>).</exception>
    /// <exception cref="DuckDBException">DuckDB could not read the source.</exception>
    public CompressedSummaries SummarizeCompressed(DuckDbSource source, SummarizerOptions options, TransactionColumns? columns = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        columns ??= new TransactionColumns();
        _ = CheckRows(source, options, columns);
        var cal = new List<long>();
        var rec = new List<long>();
        var first = new List<long>();
        var weight = new List<double>();
        using (var command = Command(SummarySql.CompressedPeriods(SqlDialect.DuckDB, source.ToSql(columns), columns, options)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                cal.Add(reader.GetInt64(0));
                rec.Add(reader.GetInt64(1));
                first.Add(reader.GetInt64(2));
                weight.Add(reader.GetInt64(3));
            }
        }

        return CustomerAggregates.ToCompressed([.. cal], [.. rec], [.. first], [.. weight], options);
    }

    /// <summary>Counts what the summarizer would see and set aside (transactions, after the end, refunds, holdout-only customers).</summary>
    /// <param name="source">The transactions.</param>
    /// <param name="options">The summarizer options.</param>
    /// <param name="columns">The column names, or <c>null</c> for <c>customer_id, date, amount</c>.</param>
    /// <returns>The counts.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A row would be rejected by the summarizer (see <see cref="Summarize"/>).</exception>
    /// <exception cref="DuckDBException">DuckDB could not read the source.</exception>
    public SummarizerCounts Count(DuckDbSource source, SummarizerOptions options, TransactionColumns? columns = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        columns ??= new TransactionColumns();
        return Count(source, options, columns, holdoutOnly: true);
    }

    /// <summary>The row checks of <see cref="Count(DuckDbSource, SummarizerOptions, TransactionColumns?)"/> without its per-customer grouping (for paths that do not report the counts).</summary>
    /// <returns>The counts, with <see cref="SummarizerCounts.HoldoutOnlyCustomers"/> 0 (not computed).</returns>
    internal SummarizerCounts CheckRows(DuckDbSource source, SummarizerOptions options, TransactionColumns columns) =>
        Count(source, options, columns, holdoutOnly: false);

    private SummarizerCounts Count(DuckDbSource source, SummarizerOptions options, TransactionColumns columns, bool holdoutOnly)
    {
        SummarizerCounts counts;
        long missing;
        using (var command = Command(SummarySql.Counts(SqlDialect.DuckDB, source.ToSql(columns), columns, options, holdoutOnly)))
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            counts = new SummarizerCounts(reader.GetInt64(0), reader.GetInt64(2), reader.GetInt64(1), checked((int)reader.GetInt64(3)));
            missing = reader.GetInt64(4);
        }

        // One counting pass finds whether any row would be rejected; only then a second pass finds which.
        if (missing > 0 || (options.Refunds == RefundPolicy.Reject && counts.RefundsExcluded > 0))
        {
            ThrowFirstInvalid(source, options, columns);
        }

        return counts;
    }

    /// <summary>The latest transaction instant in the source (every row, as the CLI's default observation end), or <c>null</c> when it has no rows.</summary>
    /// <param name="source">The transactions.</param>
    /// <param name="columns">The column names, or <c>null</c> for <c>customer_id, date, amount</c>.</param>
    /// <returns>The instant, in UTC.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="DuckDBException">DuckDB could not read the source.</exception>
    public DateTimeOffset? LastTransaction(DuckDbSource source, TransactionColumns? columns = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        columns ??= new TransactionColumns();
        using var command = Command($"SELECT epoch_us(MAX(t.{SummarySql.Quote(columns.Date)})) FROM {source.ToSql(columns)} AS t");
        using var reader = command.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(0) ? FromMicroseconds(reader.GetInt64(0)) : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsConnection)
        {
            _connection.Dispose();
        }
    }

    private static DateTimeOffset FromMicroseconds(long microseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);

    private void ThrowFirstInvalid(DuckDbSource source, SummarizerOptions options, TransactionColumns columns)
    {
        var reject = options.Refunds == RefundPolicy.Reject;
        using var command = Command(SummarySql.FirstInvalid(SqlDialect.DuckDB, source.ToSql(columns), columns, options, reject));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException($"{source.Description}: the counting pass found a rejected row but the second pass did not; the source changed between passes.");
        }

        var id = reader.IsDBNull(0) ? null : reader.GetString(0);
        // DECIMAL(38, 8) prints eight places; the summarizer's message shows the value as written.
        var amount = reader.IsDBNull(1) ? null : decimal.Parse(reader.GetString(1), CultureInfo.InvariantCulture).ToString("0.########", CultureInfo.InvariantCulture);
        var ts = reader.IsDBNull(2) ? null : reader.GetString(2);
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException($"{source.Description}: a row has no customer id (column '{columns.CustomerId}', date {ts ?? "missing"}); every transaction needs the id of its customer.", nameof(source));
        }

        if (ts is null || amount is null)
        {
            throw new ArgumentException($"{source.Description}: customer '{id}' has a row with no {(ts is null ? $"date (column '{columns.Date}')" : $"amount (column '{columns.Amount}')")}; fill it in or filter the row out.", nameof(source));
        }

        throw new ArgumentException($"{source.Description}: amount = {amount} for customer '{id}' at {ts} is negative; refunds are rejected by default. Remove refunds from the input or set SummarizerOptions.Refunds = RefundPolicy.Exclude to leave them out (they are counted).", nameof(source));
    }

    /// <summary>The scale every amount has by its column type (DECIMAL(p, s): s; integers: 0), or <c>null</c> when it must be read from each value's text (VARCHAR, DOUBLE).</summary>
    private int? AmountScale(DuckDbSource source, TransactionColumns columns)
    {
        using var command = Command($"DESCRIBE SELECT t.{SummarySql.Quote(columns.Amount)} FROM {source.ToSql(columns)} AS t");
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var type = reader.GetString(1).ToUpperInvariant();
        if (type is "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "HUGEINT" or "UTINYINT" or "USMALLINT" or "UINTEGER" or "UBIGINT" or "UHUGEINT")
        {
            return 0;
        }

        var match = System.Text.RegularExpressions.Regex.Match(type, @"^DECIMAL\((\d+),\s*(\d+)\)$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        return match.Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : null;
    }

    private void Prepare()
    {
        // Casts of TIMESTAMP and DATE to TIMESTAMPTZ, and printing, must not depend on the machine's zone.
        Execute("SET TimeZone = 'UTC'");
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private DuckDBCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
