using System.Globalization;
using DuckDB.NET.Data;
using Lifecycle.Clv;

namespace Lifecycle.DuckDB;

/// <summary>The file format that <see cref="DuckDbSummarizer.Score"/> writes.</summary>
public enum ScoreFileFormat
{
    /// <summary>CSV with a header row <c>customer_id,p_alive,expected_purchases</c> (the columns of <c>lifecycle predict</c>).</summary>
    Csv = 0,

    /// <summary>Parquet with the same columns.</summary>
    Parquet = 1,
}

/// <content>Scoring every customer in a streamed pass.</content>
public sealed partial class DuckDbSummarizer
{
    private const int ScoreBatch = 65_536;

    /// <summary>
    /// Scores every summarized customer with a fitted model — P(alive) and expected purchases over
    /// <paramref name="horizon"/> — in batches streamed from DuckDB and back into it, then writes the file, ordered by
    /// customer id: managed memory holds one batch, never every customer.
    /// </summary>
    /// <param name="source">The transactions.</param>
    /// <param name="options">The summarizer options (the model's unit must equal <see cref="SummarizerOptions.Unit"/>).</param>
    /// <param name="model">The fitted model.</param>
    /// <param name="horizon">The horizon in the model's unit (finite, &gt;= 0).</param>
    /// <param name="path">The output file.</param>
    /// <param name="format">CSV or Parquet.</param>
    /// <param name="columns">The column names, or <c>null</c> for <c>customer_id, date, amount</c>.</param>
    /// <returns>The number of customers scored.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The units differ, the horizon is invalid, or a row would be rejected by the summarizer.</exception>
    /// <exception cref="DuckDBException">DuckDB could not read the source or write the file.</exception>
    public long Score(DuckDbSource source, SummarizerOptions options, ITransactionModel model, double horizon, string path, ScoreFileFormat format, TransactionColumns? columns = null) =>
        ScoreCore(source, options, model, horizon, null, null, path, format, columns);

    /// <summary>
    /// Scores every summarized customer with P(alive), expected purchases over <paramref name="horizon"/>, the monetary
    /// value, the expected spend per purchase and the discounted CLV, in one streamed pass: managed memory holds one
    /// batch. Columns <c>customer_id,p_alive,expected_purchases,monetary_value,expected_spend,clv</c>, ordered by id.
    /// </summary>
    /// <param name="source">The transactions.</param>
    /// <param name="options">The summarizer options (the model's unit must equal <see cref="SummarizerOptions.Unit"/>).</param>
    /// <param name="model">The fitted transaction model.</param>
    /// <param name="horizon">The horizon of expected purchases in the model's unit (finite, &gt;= 0).</param>
    /// <param name="spend">The spend model (for example a fitted Gamma-Gamma).</param>
    /// <param name="discounting">The CLV horizon, discount rate and margin (<see cref="CustomerLifetimeValue.Discrete(ITransactionModel, ISpendModel, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, DiscreteDiscounting, Span{double})"/>).</param>
    /// <param name="path">The output file.</param>
    /// <param name="format">CSV or Parquet.</param>
    /// <param name="columns">The column names, or <c>null</c> for <c>customer_id, date, amount</c>.</param>
    /// <returns>The number of customers scored.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The units differ, the horizon is invalid, or a row would be rejected by the summarizer.</exception>
    /// <exception cref="DuckDBException">DuckDB could not read the source or write the file.</exception>
    public long ScoreWithValue(DuckDbSource source, SummarizerOptions options, ITransactionModel model, double horizon, ISpendModel spend, DiscreteDiscounting discounting, string path, ScoreFileFormat format, TransactionColumns? columns = null)
    {
        ArgumentNullException.ThrowIfNull(spend);
        ArgumentNullException.ThrowIfNull(discounting);
        return ScoreCore(source, options, model, horizon, spend, discounting, path, format, columns);
    }

    private long ScoreCore(DuckDbSource source, SummarizerOptions options, ITransactionModel model, double horizon, ISpendModel? spend, DiscreteDiscounting? discounting, string path, ScoreFileFormat format, TransactionColumns? columns)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (model.TimeUnit != options.Unit)
        {
            throw new ArgumentException($"the model is in {model.TimeUnit} but the summaries would be in {options.Unit}; set SummarizerOptions.Unit = TimeUnit.{model.TimeUnit}.", nameof(model));
        }

        if (!double.IsFinite(horizon) || horizon < 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"horizon = {horizon} must be finite and >= 0 (in {model.TimeUnit})."), nameof(horizon));
        }

        columns ??= new TransactionColumns();
        _ = CheckRows(source, options, columns);
        var value = spend is not null;
        var table = "lifecycle_scores";
        Execute(value
            ? $"CREATE OR REPLACE TABLE {table} (customer_id VARCHAR, p_alive DOUBLE, expected_purchases DOUBLE, monetary_value DOUBLE, expected_spend DOUBLE, clv DOUBLE)"
            : $"CREATE OR REPLACE TABLE {table} (customer_id VARCHAR, p_alive DOUBLE, expected_purchases DOUBLE)");
        var calibrationEnd = SummarySql.CalibrationEndPeriod(options);
        var unitsPerPeriod = options.UnitsPerPeriod;
        var ids = new string[ScoreBatch];
        var f = new double[ScoreBatch];
        var r = new double[ScoreBatch];
        var t = new double[ScoreBatch];
        var m = new double[ScoreBatch];
        var alive = new double[ScoreBatch];
        var expected = new double[ScoreBatch];
        var expectedSpend = value ? new double[ScoreBatch] : [];
        var clv = value ? new double[ScoreBatch] : [];
        long total = 0;
        // The appender flushes on a second connection to the same database: a flush on the reading connection would end its streaming result.
        using var writer = _connection.Duplicate();
        writer.Open();
        using (var appender = writer.CreateAppender(table))
        using (var command = Command(SummarySql.ScoringRows(SqlDialect.DuckDB, source.ToSql(columns), columns, options, value)))
        {
            command.UseStreamingMode = true;
            using var reader = command.ExecuteReader();
            var n = 0;
            void Flush()
            {
                model.ProbabilityAlive(f.AsSpan(0, n), r.AsSpan(0, n), t.AsSpan(0, n), alive.AsSpan(0, n));
                model.ConditionalExpectedTransactions(horizon, f.AsSpan(0, n), r.AsSpan(0, n), t.AsSpan(0, n), expected.AsSpan(0, n));
                if (value)
                {
                    spend!.ConditionalExpectedSpend(f.AsSpan(0, n), m.AsSpan(0, n), expectedSpend.AsSpan(0, n));
                    CustomerLifetimeValue.Discrete(model, spend, f.AsSpan(0, n), r.AsSpan(0, n), t.AsSpan(0, n), m.AsSpan(0, n), discounting!, clv.AsSpan(0, n));
                }

                for (var i = 0; i < n; i++)
                {
                    var row = appender.CreateRow().AppendValue(ids[i]).AppendValue(alive[i]).AppendValue(expected[i]);
                    if (value)
                    {
                        row = row.AppendValue(m[i]).AppendValue(expectedSpend[i]).AppendValue(clv[i]);
                    }

                    row.EndRow();
                }

                total += n;
                n = 0;
            }

            while (reader.Read())
            {
                ids[n] = reader.GetString(0);
                (f[n], r[n], t[n]) = CustomerAggregates.Features(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), calibrationEnd, unitsPerPeriod);
                if (value)
                {
                    // The summarizer's own decimal arithmetic on DuckDB's exact totals: the monetary value of Summarize, bit for bit.
                    m[n] = options.MonetaryValue(reader.GetDecimal(5), reader.GetDecimal(4), (int)reader.GetInt64(1));
                }

                if (++n == ScoreBatch)
                {
                    Flush();
                }
            }

            Flush();
        }

        var formatSql = format == ScoreFileFormat.Parquet ? "FORMAT parquet" : "FORMAT csv, HEADER true";
        Execute($"COPY (SELECT * FROM {table} ORDER BY customer_id) TO {DuckDbSource.Literal(path)} ({formatSql})");
        Execute($"DROP TABLE {table}");
        return total;
    }
}
