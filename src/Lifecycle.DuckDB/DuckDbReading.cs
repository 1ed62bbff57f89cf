using System.Globalization;
using DuckDB.NET.Data;

namespace Lifecycle.DuckDB;

/// <content>Reading transactions and summary files through DuckDB: a streamed transaction sequence and summaries compressed in SQL.</content>
public sealed partial class DuckDbSummarizer
{
    /// <summary>
    /// Streams the transactions of a source (CSV, Parquet, any relation) row by row, in the source's order: each
    /// enumeration runs one streamed query, so a sequence of any length can feed <c>CustomerAnalysis.Run</c> (which reads
    /// twice when it needs a first pass) without being held in memory.
    /// </summary>
    /// <param name="source">The transactions.</param>
    /// <param name="columns">The column names, or <c>null</c> for <c>customer_id, date, amount</c>.</param>
    /// <returns>The transactions: instants in UTC, amounts converted exactly from the database's text form (a <c>DECIMAL(18, 2)</c> 84.00 stays 84.00).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentException">While enumerating: a row has no customer id, date or amount; the message names the customer and column.</exception>
    /// <exception cref="DuckDBException">While enumerating: DuckDB could not read the source.</exception>
    public IEnumerable<Transaction<string>> ReadTransactions(DuckDbSource source, TransactionColumns? columns = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        columns ??= new TransactionColumns();
        return Stream(source, columns);
    }

    /// <summary>
    /// Compresses a per-customer summary (a summary CSV or Parquet file with the columns <c>frequency, recency, T</c> and
    /// optionally <c>weight</c>; the aliases <c>x</c>, <c>t_x</c>, <c>age</c>, <c>weights</c> as in <c>lifecycle fit</c>) with a
    /// <c>GROUP BY</c> inside DuckDB: only the distinct rows reach .NET. Identical to <see cref="CompressedSummaries.Create"/>
    /// over the same rows when the weights are whole numbers (sums of whole doubles below 2^53 do not depend on their order).
    /// </summary>
    /// <param name="source">The summary rows.</param>
    /// <param name="unit">The unit of recency and T.</param>
    /// <returns>The compressed rows.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentException">A column is missing, there are no rows, or a row breaks a rule of the count models (a frequency that is not a whole number, a repeat purchase with T = 0, recency above T, a negative value or weight); the message names the values and, when the source has one, the customer id.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is not days or weeks.</exception>
    /// <exception cref="DuckDBException">DuckDB could not read the source.</exception>
    public CompressedSummaries CompressSummaries(DuckDbSource source, TimeUnit unit)
    {
        ArgumentNullException.ThrowIfNull(source);
        var relation = source.ToSql(new TransactionColumns());
        var header = ColumnNames(relation);
        var f = Find(header, "frequency", "x");
        var r = Find(header, "recency", "t_x");
        var t = Find(header, "T", "age");
        var w = Find(header, "weight", "weights");
        var id = Find(header, "customer_id", "id");
        var missing = new[] { (f, "frequency (or x)"), (r, "recency (or t_x)"), (t, "T (or age)") }.Where(c => c.Item1 is null).Select(c => c.Item2).ToArray();
        if (missing.Length > 0)
        {
            throw new ArgumentException($"{source.Description}: no {string.Join(", ", missing)} column (columns: {string.Join(", ", header)}); a summary has frequency, recency and T (lifecycle summarize writes them).", nameof(source));
        }

        var weight = w is null ? "CAST(1 AS DOUBLE)" : $"CAST(s.{SummarySql.Quote(w)} AS DOUBLE)";
        var rows = $"SELECT CAST(s.{SummarySql.Quote(f!)} AS DOUBLE) AS f, CAST(s.{SummarySql.Quote(r!)} AS DOUBLE) AS r, CAST(s.{SummarySql.Quote(t!)} AS DOUBLE) AS t, {weight} AS w{(id is null ? string.Empty : $", CAST(s.{SummarySql.Quote(id)} AS VARCHAR) AS id")} FROM {relation} AS s";
        // One pass names the first row that breaks a rule; the GROUP BY runs only on valid data.
        var rules = """
            f IS NULL OR r IS NULL OR t IS NULL OR w IS NULL OR NOT isfinite(f) OR NOT isfinite(r) OR NOT isfinite(t) OR NOT isfinite(w)
            OR f < 0 OR f <> floor(f) OR r < 0 OR t < 0 OR r > t OR (f = 0 AND r <> 0) OR (f > 0 AND t = 0) OR w < 0
            """;
        using (var check = Command($"WITH rows AS ({rows}) SELECT f, r, t, w{(id is null ? ", NULL" : ", id")} FROM rows WHERE {rules} LIMIT 1"))
        using (var reader = check.ExecuteReader())
        {
            if (reader.Read())
            {
                string Cell(int i) => reader.IsDBNull(i) ? "missing" : reader.GetDouble(i).ToString("R", CultureInfo.InvariantCulture);
                var who = reader.IsDBNull(4) ? string.Empty : $"customer '{reader.GetString(4)}': ";
                var (fx, rx, tx) = (reader.IsDBNull(0) ? double.NaN : reader.GetDouble(0), reader.IsDBNull(1) ? double.NaN : reader.GetDouble(1), reader.IsDBNull(2) ? double.NaN : reader.GetDouble(2));
                var rule = !double.IsFinite(fx) || !double.IsFinite(rx) || !double.IsFinite(tx) || reader.IsDBNull(3) || !double.IsFinite(reader.GetDouble(3))
                    ? "every value must be a finite number"
                    : fx != Math.Floor(fx) || fx < 0 ? "frequency must be a whole number >= 0 (BG/NBD counts repeat purchase periods)"
                    : fx > 0 && tx == 0 ? "a customer whose first purchase is at the observation end (T = 0) has no repeat purchases"
                    : fx == 0 && rx != 0 ? "recency must be 0 when frequency is 0"
                    : rx < 0 || tx < 0 || rx > tx ? "0 <= recency <= T"
                    : "a weight must be >= 0";
                throw new ArgumentException($"{source.Description}: {who}frequency = {Cell(0)}, recency = {Cell(1)}, T = {Cell(2)}, weight = {Cell(3)}: {rule}; fix or remove the row.", nameof(source));
            }
        }

        var fs = new List<double>();
        var rs = new List<double>();
        var ts = new List<double>();
        var ws = new List<double>();
        using (var command = Command($"WITH rows AS ({rows}) SELECT f, r, t, SUM(w) FROM rows GROUP BY f, r, t"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                fs.Add(reader.GetDouble(0));
                rs.Add(reader.GetDouble(1));
                ts.Add(reader.GetDouble(2));
                ws.Add(reader.GetDouble(3));
            }
        }

        if (fs.Count == 0)
        {
            throw new ArgumentException($"{source.Description}: no summary rows; a fit needs at least one customer.", nameof(source));
        }

        return CompressedSummaries.Create([.. fs], [.. rs], [.. ts], [.. ws], unit);
    }

    /// <summary>The column names of a source, in order (DuckDB's <c>DESCRIBE</c>).</summary>
    /// <param name="source">The source.</param>
    /// <returns>The names.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="DuckDBException">DuckDB could not read the source.</exception>
    public IReadOnlyList<string> Columns(DuckDbSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ColumnNames(source.ToSql(new TransactionColumns()));
    }

    /// <summary>The name of the first of <paramref name="names"/> in the header, matched exactly first and then ignoring case (as <c>lifecycle fit</c> reads a summary CSV).</summary>
    private static string? Find(IReadOnlyList<string> header, params string[] names)
    {
        foreach (var comparison in (ReadOnlySpan<StringComparison>)[StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase])
        {
            foreach (var name in names)
            {
                var hit = header.FirstOrDefault(h => string.Equals(h, name, comparison));
                if (hit is not null)
                {
                    return hit;
                }
            }
        }

        return null;
    }

    private List<string> ColumnNames(string relation)
    {
        var names = new List<string>();
        using var command = Command($"DESCRIBE SELECT * FROM {relation}");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private IEnumerable<Transaction<string>> Stream(DuckDbSource source, TransactionColumns columns)
    {
        var sql = string.Create(CultureInfo.InvariantCulture, $"""
            SELECT CAST(t.{SummarySql.Quote(columns.CustomerId)} AS VARCHAR),
                   epoch_us(t.{SummarySql.Quote(columns.Date)}),
                   CAST(t.{SummarySql.Quote(columns.Amount)} AS VARCHAR)
            FROM {source.ToSql(columns)} AS t
            """);
        using var command = Command(sql);
        command.UseStreamingMode = true;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var id = reader.IsDBNull(0) ? null : reader.GetString(0);
            if (string.IsNullOrEmpty(id))
            {
                throw new ArgumentException($"{source.Description}: a row has no customer id (column '{columns.CustomerId}'); every transaction needs the id of its customer.", nameof(source));
            }

            if (reader.IsDBNull(1) || reader.IsDBNull(2))
            {
                throw new ArgumentException($"{source.Description}: customer '{id}' has a row with no {(reader.IsDBNull(1) ? $"date (column '{columns.Date}')" : $"amount (column '{columns.Amount}')")}; fill it in or filter the row out.", nameof(source));
            }

            var text = reader.GetString(2);
            if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                throw new ArgumentException($"{source.Description}: amount '{text}' of customer '{id}' is not a decimal number (column '{columns.Amount}'); write amounts as plain numbers such as 12.50.", nameof(source));
            }

            yield return new Transaction<string>(id, FromMicroseconds(reader.GetInt64(1)), amount);
        }
    }
}
