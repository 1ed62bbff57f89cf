using System.Globalization;
using System.Text;

namespace Lifecycle;

/// <summary>The SQL dialect that <see cref="SummarySql"/> writes.</summary>
public enum SqlDialect
{
    /// <summary>DuckDB (also the embedded engine of the Lifecycle.DuckDB package).</summary>
    DuckDB = 0,

    /// <summary>PostgreSQL 14 or later (tested on 15).</summary>
    PostgreSql = 1,
}

/// <summary>The names of the transaction columns in a table that <see cref="SummarySql"/> reads.</summary>
/// <remarks>
/// Names are quoted as SQL identifiers, so they are matched exactly (case included). The date column may be a
/// <c>DATE</c>, a <c>TIMESTAMP</c> (read as UTC) or a <c>TIMESTAMPTZ</c>/<c>timestamp with time zone</c>; the amount
/// column any exact or floating numeric type.
/// </remarks>
public sealed record TransactionColumns
{
    private readonly string _customerId = "customer_id";
    private readonly string _date = "date";
    private readonly string _amount = "amount";

    /// <summary>Gets the customer id column.</summary>
    /// <value>Default <c>customer_id</c>.</value>
    /// <exception cref="ArgumentException">The name is null, empty or contains a NUL character.</exception>
    public string CustomerId { get => _customerId; init => _customerId = Checked(value, nameof(CustomerId)); }

    /// <summary>Gets the transaction date or timestamp column.</summary>
    /// <value>Default <c>date</c>.</value>
    /// <exception cref="ArgumentException">The name is null, empty or contains a NUL character.</exception>
    public string Date { get => _date; init => _date = Checked(value, nameof(Date)); }

    /// <summary>Gets the amount column.</summary>
    /// <value>Default <c>amount</c>.</value>
    /// <exception cref="ArgumentException">The name is null, empty or contains a NUL character.</exception>
    public string Amount { get => _amount; init => _amount = Checked(value, nameof(Amount)); }

    private static string Checked(string value, string name)
    {
        if (string.IsNullOrEmpty(value) || value.Contains('\0', StringComparison.Ordinal))
        {
            ThrowHelper.Argument(name, $"the {name} column name '{value}' is empty or contains a NUL character; pass the column's name as it appears in the table.");
        }

        return value;
    }
}

/// <summary>
/// Writes the SQL that computes, inside a database, exactly what <see cref="TransactionSummarizer{TKey}"/> computes:
/// per-customer summaries and the compressed weighted rows the CLV models fit on.
/// </summary>
/// <remarks>
/// <para>Definitions follow <see cref="SummarizerOptions"/>: a transaction's period is
/// <c>(UTC microseconds since 0001-01-01 + offset) / period</c> in integer arithmetic (no date functions in the
/// hot path); periods after the one containing the observation end are left out; purchases in one period count once
/// with their summed value; the calibration end splits calibration from holdout; customers first seen in the holdout
/// are left out. Recency and T are whole periods times the unit's length, as in the summarizer.</para>
/// <para>The SQL leaves negative amounts out (<see cref="RefundPolicy.Exclude"/>), whatever
/// <see cref="SummarizerOptions.Refunds"/> says: a SELECT cannot reject rows. The Lifecycle.DuckDB package checks
/// for refunds first and honours <see cref="RefundPolicy.Reject"/>.</para>
/// <para>The monetary value is computed by the database's own division (DuckDB: double; PostgreSQL: numeric),
/// which can differ from the summarizer's decimal division in the last bit of the double.</para>
/// </remarks>
public static class SummarySql
{
    // Microseconds from 0001-01-01 to 1970-01-01 (DateTimeOffset.UnixEpoch.UtcTicks / 10).
    private const long EpochMicroseconds = 62_135_596_800_000_000;

    /// <summary>Writes one <c>SELECT</c> with the columns <c>customer_id, frequency, recency, T, monetary_value</c>, one row per customer, ordered by id.</summary>
    /// <param name="dialect">The SQL dialect.</param>
    /// <param name="source">The relation to read, inserted as written after <c>FROM</c>: a table or view name (schema-qualified if needed) or, in DuckDB, a call such as <c>read_parquet('tx.parquet')</c>.</param>
    /// <param name="columns">The column names.</param>
    /// <param name="options">The summarizer options (window, period rule, unit, monetary rule).</param>
    /// <returns>The SQL text.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The source is empty, or the period or offset is not a whole number of microseconds.</exception>
    public static string Summary(SqlDialect dialect, string source, TransactionColumns columns, SummarizerOptions options)
    {
        var b = Begin(dialect, source, columns, options, amountScale: 0);
        var money = dialect == SqlDialect.DuckDB ? "DOUBLE" : "double precision";
        var upp = $"CAST('{Literal(options.UnitsPerPeriod)}' AS {money})";
        var monetary = options.IncludeFirstPurchaseInMonetaryValue
            ? $"CAST(cal_total / cal_periods AS {money})"
            : $"CASE WHEN cal_periods > 1 THEN CAST((cal_total - first_value) / (cal_periods - 1) AS {money}) ELSE 0 END";
        b.Append(CultureInfo.InvariantCulture, $"""
            SELECT customer_id,
                   CAST(cal_periods - 1 AS {money}) AS frequency,
                   CAST(last_period - first_period AS {money}) * {upp} AS recency,
                   CAST({CalibrationEndPeriod(options)} - first_period AS {money}) * {upp} AS "T",
                   {monetary} AS monetary_value
            FROM customers
            ORDER BY customer_id
            """);
        return b.ToString();
    }

    /// <summary>Writes one <c>SELECT</c> with the columns <c>frequency, recency, T, weight</c>: one row per distinct (frequency, recency, T) with the number of customers that have it.</summary>
    /// <param name="dialect">The SQL dialect.</param>
    /// <param name="source">The relation to read (see <see cref="Summary"/>).</param>
    /// <param name="columns">The column names.</param>
    /// <param name="options">The summarizer options.</param>
    /// <returns>The SQL text.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The source is empty, or the period or offset is not a whole number of microseconds.</exception>
    public static string Compressed(SqlDialect dialect, string source, TransactionColumns columns, SummarizerOptions options)
    {
        var b = Begin(dialect, source, columns, options, amountScale: 0);
        var money = dialect == SqlDialect.DuckDB ? "DOUBLE" : "double precision";
        var upp = $"CAST('{Literal(options.UnitsPerPeriod)}' AS {money})";
        b.Append(CultureInfo.InvariantCulture, $"""
            SELECT CAST(cal_periods - 1 AS {money}) AS frequency,
                   CAST(last_period - first_period AS {money}) * {upp} AS recency,
                   CAST({CalibrationEndPeriod(options)} - first_period AS {money}) * {upp} AS "T",
                   CAST(COUNT(*) AS {money}) AS weight
            FROM customers
            GROUP BY cal_periods, last_period - first_period, first_period
            ORDER BY 1, 2, 3
            """);
        return b.ToString();
    }

    /// <summary>The per-customer aggregates in whole periods and exact decimals, for callers that finish in .NET (the DuckDB package).</summary>
    /// <remarks>Columns in <see cref="CustomerAggregate"/> order; timestamps as UTC microseconds since 1970.</remarks>
    /// <remarks>With <paramref name="includeHoldoutOnly"/>, customers first seen in the holdout are returned too (first_period after the calibration end; their calibration columns NULL) so the caller counts them without a second pass.</remarks>
    internal static string Aggregates(SqlDialect dialect, string source, TransactionColumns columns, SummarizerOptions options, int? amountScale = null, bool includeHoldoutOnly = false)
    {
        var b = Begin(dialect, source, columns, options, amountScale, includeHoldoutOnly);
        b.Append("SELECT customer_id, first_period, last_period, cal_periods, holdout_periods, first_value, cal_total, holdout_total, CAST(cal_transactions AS BIGINT), epoch_us(first_ts) AS first_us, epoch_us(last_ts) AS last_us, CAST(cal_scale AS BIGINT) AS cal_scale FROM customers");
        return b.ToString();
    }

    /// <summary>One row per customer in whole periods for streamed scoring: customer_id, cal_periods, recency_periods, first_period (and first_value, cal_total with <paramref name="withValues"/>).</summary>
    internal static string ScoringRows(SqlDialect dialect, string source, TransactionColumns columns, SummarizerOptions options, bool withValues = false)
    {
        // The amounts' scale is not in this output: a constant spares the per-row cast to text.
        var b = Begin(dialect, source, columns, options, amountScale: 0);
        b.Append("SELECT customer_id, cal_periods, last_period - first_period AS recency_periods, first_period");
        b.Append(withValues ? ", first_value, cal_total FROM customers" : " FROM customers");
        return b.ToString();
    }

    /// <summary>The compressed rows in whole periods: cal_periods, recency_periods, first_period, weight.</summary>
    internal static string CompressedPeriods(SqlDialect dialect, string source, TransactionColumns columns, SummarizerOptions options)
    {
        // The amounts' scale is not in this output: a constant spares the per-row cast to text.
        var b = Begin(dialect, source, columns, options, amountScale: 0);
        b.Append("SELECT cal_periods, last_period - first_period AS recency_periods, first_period, COUNT(*) AS weight FROM customers GROUP BY cal_periods, last_period - first_period, first_period");
        return b.ToString();
    }

    /// <summary>Counts for <see cref="SummarizerCounts"/> in one pass: transactions, refunds, after_end, holdout_only, missing.</summary>
    /// <remarks>
    /// Without <paramref name="holdoutOnly"/> the pass is one flat aggregate (holdout_only reported as 0): the row
    /// checks of the compressed and scoring paths need no per-customer grouping, which was a third of the compressed
    /// path's CPU at 10M rows.
    /// </remarks>
    internal static string Counts(SqlDialect dialect, string source, TransactionColumns columns, SummarizerOptions options, bool holdoutOnly = true)
    {
        Validate(source, columns, options);
        var end = EndPeriod(options);
        if (!holdoutOnly)
        {
            return string.Create(CultureInfo.InvariantCulture, $"""
                WITH {Raw(dialect, source, columns, options, amountScale: 0)}
                SELECT COUNT(*) AS transactions,
                       COUNT(*) FILTER (WHERE amount < 0) AS refunds,
                       COUNT(*) FILTER (WHERE amount >= 0 AND period > {end}) AS after_end,
                       CAST(0 AS BIGINT) AS holdout_only,
                       COUNT(*) FILTER (WHERE customer_id IS NULL OR customer_id = '' OR ts IS NULL OR amount IS NULL) AS missing
                FROM raw
                """);
        }

        return string.Create(CultureInfo.InvariantCulture, $"""
            WITH {Raw(dialect, source, columns, options, amountScale: 0)}, per AS (
                SELECT COUNT(*) AS n,
                       COUNT(*) FILTER (WHERE amount < 0) AS refunds,
                       COUNT(*) FILTER (WHERE amount >= 0 AND period > {end}) AS after_end,
                       COUNT(*) FILTER (WHERE customer_id IS NULL OR customer_id = '' OR ts IS NULL OR amount IS NULL) AS missing,
                       MIN(period) FILTER (WHERE amount >= 0 AND period <= {end}) AS first_period
                FROM raw
                GROUP BY customer_id
            )
            SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS transactions,
                   CAST(COALESCE(SUM(refunds), 0) AS BIGINT) AS refunds,
                   CAST(COALESCE(SUM(after_end), 0) AS BIGINT) AS after_end,
                   COUNT(*) FILTER (WHERE first_period > {CalibrationEndPeriod(options)}) AS holdout_only,
                   CAST(COALESCE(SUM(missing), 0) AS BIGINT) AS missing
            FROM per
            """);
    }

    /// <summary>The first row that a summarizer would reject: a missing value, or a refund under <see cref="RefundPolicy.Reject"/>.</summary>
    internal static string FirstInvalid(SqlDialect dialect, string source, TransactionColumns columns, SummarizerOptions options, bool refundsToo)
    {
        Validate(source, columns, options);
        var refunds = refundsToo ? " OR amount < 0" : string.Empty;
        return $"WITH {Raw(dialect, source, columns, options, amountScale: 0)} SELECT customer_id, CAST(amount AS VARCHAR) AS amount, CAST(ts AS VARCHAR) AS ts FROM raw WHERE customer_id IS NULL OR customer_id = '' OR ts IS NULL OR amount IS NULL{refunds} LIMIT 1";
    }

    /// <summary>The typed rows with their period: the one place the columns are read and cast.</summary>
    /// <remarks>
    /// The written scale of each amount (84.00 has 2) is read from its text; <paramref name="amountScale"/>, when the
    /// column's type fixes it (DECIMAL(p, s): s; integers: 0), replaces that per-row cast to text, which costs a fifth of
    /// the summary query on 10M rows.
    /// </remarks>
    private static string Raw(SqlDialect dialect, string source, TransactionColumns columns, SummarizerOptions options, int? amountScale = null)
    {
        var text = dialect == SqlDialect.DuckDB ? "VARCHAR" : "text";
        var amount = dialect == SqlDialect.DuckDB ? "DECIMAL(38, 8)" : "numeric";
        var scale = amountScale is { } fixedScale
            ? Math.Clamp(fixedScale, 0, 8).ToString(CultureInfo.InvariantCulture)
            : $"LEAST(length(split_part(CAST(t.{Quote(columns.Amount)} AS {text}), '.', 2)), 8)";
        return string.Create(CultureInfo.InvariantCulture, $"""
            raw AS (
                SELECT CAST(t.{Quote(columns.CustomerId)} AS {text}) AS customer_id,
                       t.{Quote(columns.Date)} AS ts,
                       CAST(t.{Quote(columns.Amount)} AS {amount}) AS amount,
                       {scale} AS amount_scale,
                       {PeriodExpression(dialect, columns, options)} AS period
                FROM {source} AS t
            )
            """);
    }

    internal static int EndPeriod(SummarizerOptions options) => options.PeriodOf(options.ObservationEnd);

    internal static int CalibrationEndPeriod(SummarizerOptions options) => options.CalibrationEnd is { } c ? options.PeriodOf(c) : EndPeriod(options);

    /// <summary>Quotes an SQL identifier (doubling embedded quotes).</summary>
    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static StringBuilder Begin(SqlDialect dialect, string source, TransactionColumns columns, SummarizerOptions options, int? amountScale = null, bool includeHoldoutOnly = false)
    {
        Validate(source, columns, options);
        var end = EndPeriod(options);
        var cal = CalibrationEndPeriod(options);
        if (cal > end)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(options), options.CalibrationEnd, $"(calibration end) must not be after the observation end {options.ObservationEnd:O}", "move the calibration end into the observation window");
        }

        // DuckDB has arg_min; PostgreSQL finds the first period's value through a window over the (small) period rows.
        var firstValue = dialect == SqlDialect.DuckDB
            ? "arg_min(amount, period) AS first_value"
            : "SUM(amount) FILTER (WHERE period = customer_first) AS first_value";
        var customerFirst = dialect == SqlDialect.DuckDB ? string.Empty : ", MIN(period) OVER (PARTITION BY customer_id) AS customer_first";
        var having = includeHoldoutOnly ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"HAVING MIN(period) <= {cal}");
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"""
            WITH {Raw(dialect, source, columns, options, amountScale)}, kept AS (
                SELECT * FROM raw WHERE amount >= 0
            ), periods AS (
                SELECT customer_id, period, SUM(amount) AS amount, COUNT(*) AS n, MIN(ts) AS first_ts, MAX(ts) AS last_ts, MAX(amount_scale) AS amount_scale
                FROM kept
                WHERE period <= {end}
                GROUP BY customer_id, period
            ), ranked AS (
                SELECT *{customerFirst} FROM periods
            ), customers AS (
                SELECT customer_id,
                       MIN(period) AS first_period,
                       MAX(period) FILTER (WHERE period <= {cal}) AS last_period,
                       COUNT(*) FILTER (WHERE period <= {cal}) AS cal_periods,
                       COUNT(*) FILTER (WHERE period > {cal}) AS holdout_periods,
                       {firstValue},
                       SUM(amount) FILTER (WHERE period <= {cal}) AS cal_total,
                       COALESCE(SUM(amount) FILTER (WHERE period > {cal}), 0) AS holdout_total,
                       SUM(n) FILTER (WHERE period <= {cal}) AS cal_transactions,
                       MIN(first_ts) AS first_ts,
                       MAX(last_ts) FILTER (WHERE period <= {cal}) AS last_ts,
                       MAX(amount_scale) FILTER (WHERE period <= {cal}) AS cal_scale
                FROM ranked
                GROUP BY customer_id
                {having}
            )

            """);
        return sb;
    }

    private static void Validate(string source, TransactionColumns columns, SummarizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(source))
        {
            ThrowHelper.Argument(nameof(source), "the source relation is empty; pass a table name (for example transactions) or, in DuckDB, read_parquet('file.parquet').");
        }

        if (options.TimeZone is { } zone && zone.Id != TimeZoneInfo.Utc.Id)
        {
            ThrowHelper.Argument(nameof(options), $"time zone {zone.Id}: SQL periods follow UTC (a database keeps each instant, not the offset it was written with); summarize with TimeZone = TimeZoneInfo.Utc, or in memory for the calendar of {zone.Id}.");
        }

        if (options.Period.Ticks % TimeSpan.TicksPerMicrosecond != 0 || options.PeriodOffset.Ticks % TimeSpan.TicksPerMicrosecond != 0)
        {
            ThrowHelper.Argument(nameof(options), FormattableString.Invariant($"period {options.Period} and offset {options.PeriodOffset} must be whole microseconds for SQL (databases keep microseconds); round them to a microsecond."));
        }
    }

    /// <summary>The period index in integer arithmetic: exactly <see cref="SummarizerOptions.PeriodOf"/> for microsecond timestamps.</summary>
    /// <remarks>
    /// With ticks = 10·µs + r (0 ≤ r &lt; 10) and period and offset multiples of 10 ticks,
    /// ⌊(ticks + offset) / period⌋ = ⌊(µs + offset/10) / (period/10)⌋, so microseconds lose nothing.
    /// </remarks>
    private static string PeriodExpression(SqlDialect dialect, TransactionColumns columns, SummarizerOptions options)
    {
        var shift = EpochMicroseconds + (options.PeriodOffset.Ticks / TimeSpan.TicksPerMicrosecond);
        var period = options.Period.Ticks / TimeSpan.TicksPerMicrosecond;
        var date = "t." + Quote(columns.Date);
        return dialect == SqlDialect.DuckDB
            ? string.Create(CultureInfo.InvariantCulture, $"CAST((epoch_us({date}) + {shift}) // {period} AS BIGINT)")
            : string.Create(CultureInfo.InvariantCulture, $"((CAST(EXTRACT(EPOCH FROM {date}) * 1000000 AS bigint) + {shift}) / {period})");
    }

    private static string Literal(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
