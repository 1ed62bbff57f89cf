using System.Text;
using DuckDB.NET.Data;
using Lifecycle.Analysis;
using Lifecycle.Cli.Analyze;
using Lifecycle.Cli.IO;
using Lifecycle.Clv;
using Lifecycle.DuckDB;

namespace Lifecycle.Cli.Commands;

/// <summary><c>--engine memory|duckdb|auto</c>: where <c>summarize</c>, <c>fit</c> and <c>analyze</c> compute (docs/scale.md). Both give identical results.</summary>
internal static class EngineChoice
{
    /// <summary>CSV files above this size go to DuckDB under <c>auto</c>: about 10M rows, where the in-memory summarizer passes 1 GB.</summary>
    public const long AutoDuckDbBytes = 256L << 20;

    public static System.CommandLine.Option<string> Option() =>
        new System.CommandLine.Option<string>("--engine")
        {
            Description = "Where to compute: memory, duckdb (out of core; reads csv and .parquet), or auto (default: duckdb for .parquet and for CSV files over 256 MiB, memory otherwise).",
            DefaultValueFactory = _ => "auto",
        }.WithValues("auto", "memory", "duckdb");

    public static bool IsParquet(string? path) => path is not null && path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when DuckDB should run; explains (exit 2) when the input cannot go where it was sent.</summary>
    public static bool UseDuckDb(string engine, string? path, TransactionFileOptions file)
    {
        var cdnow = string.Equals(file.Format, "cdnow", StringComparison.OrdinalIgnoreCase);
        if (engine == "memory")
        {
            return IsParquet(path) ? throw new CliInputException($"{path}: Parquet is read by DuckDB only; use --engine duckdb (or auto).") : false;
        }

        // DuckDB buckets on UTC instants; the in-memory summarizer on each timestamp's own offset or --time-zone.
        // Plain dates (no offset) and Parquet instants are UTC both ways; a --time-zone other than UTC is memory-only.
        var utc = file.TimeZone is null || file.TimeZone.Id == TimeZoneInfo.Utc.Id;
        if (engine == "duckdb")
        {
            if (!utc)
            {
                throw new CliInputException($"--engine duckdb buckets purchases on UTC days (a database keeps the instant, not the offset); --time-zone {file.TimeZone!.Id} needs --engine memory.");
            }

            if (path is null || cdnow)
            {
                throw new CliInputException("--engine duckdb reads a CSV file with a header row or a .parquet file; the embedded sample and --format cdnow need --engine memory.");
            }

            return true;
        }

        return path is not null && !cdnow && utc && (IsParquet(path) || (File.Exists(path) && new FileInfo(path).Length > AutoDuckDbBytes));
    }

    /// <summary>For <c>fit</c>: <c>auto</c> sends a large CSV to DuckDB only for the count models (the others read their CSV in memory); Parquet and an explicit <c>--engine</c> as for the other verbs.</summary>
    public static bool UseDuckDbForFit(string engine, string path, ModelFamily family) =>
        (engine != "auto" || family.Data == ModelDataKind.CountSummaries || IsParquet(path)) && UseDuckDb(engine, path, new TransactionFileOptions());

    /// <summary>The DuckDB path of <c>summarize</c>: same options, same rows, same order as the in-memory path.</summary>
    public static SummarySet<string> Summarize(string path, TransactionFileOptions file, DateTimeOffset? end, DateTimeOffset? calibrationEnd, TimeUnit unit, bool includeFirst, RefundPolicy refunds)
    {
        CheckExists(path);
        var source = Source(path, file);
        var columns = Columns(file);
        using var duck = new DuckDbSummarizer();
        try
        {
            var observationEnd = end ?? duck.LastTransaction(source, columns)
                ?? throw new CliInputException($"{path}: no transactions (the file has no rows); add transactions or check the file.");
            if (calibrationEnd is { } c && c > observationEnd)
            {
                throw new CliInputException($"--calibration-end {c:yyyy-MM-dd} is after the observation end {observationEnd:yyyy-MM-dd}; choose a calibration end inside the data (or a later --end).");
            }

            var options = new SummarizerOptions(observationEnd)
            {
                Unit = unit,
                CalibrationEnd = calibrationEnd,
                IncludeFirstPurchaseInMonetaryValue = includeFirst,
                Refunds = refunds,
                TimeZone = TimeZoneInfo.Utc,
            };
            return duck.Summarize(source, options, columns, NaturalIdComparer.Instance);
        }
        catch (DuckDBException e)
        {
            throw Unreadable(path, e);
        }
    }

    /// <summary>The DuckDB path of <c>analyze</c>: DuckDB reads the file and streams its rows into the same analysis as the memory path (identical results); a date after an explicit --end stops it.</summary>
    public static AnalysisResult<string> Analyze(string path, TransactionFileOptions file, AnalysisOptions options, bool strictEnd, Progress progress, PhaseLog? phases = null)
    {
        CheckExists(path);
        var source = Source(path, file);
        var columns = Columns(file);
        using var duck = new DuckDbSummarizer();
        var lastDay = options.ObservationEnd?.UtcDateTime.Date;
        IEnumerable<Transaction<string>> Rows()
        {
            foreach (var row in duck.ReadTransactions(source, columns))
            {
                if (strictEnd && row.Timestamp.UtcDateTime.Date > lastDay)
                {
                    throw new CliInputException($"{path}: customer '{row.CustomerId}' has a purchase on {row.Timestamp:yyyy-MM-dd}, after the observation end {options.ObservationEnd!.Value:yyyy-MM-dd}; pass a later --end, or --exclude-after-end to leave such transactions out (they are counted).");
                }

                if (row.Amount < 0 && options.Refunds == RefundPolicy.Reject)
                {
                    throw new CliInputException(FormattableString.Invariant($"{path}: customer '{row.CustomerId}' on {row.Timestamp:yyyy-MM-dd}: amount {row.Amount} is negative and refunds are rejected; remove refunds, or let them through (CLI: --refunds exclude leaves them out and counts them)."));
                }

                yield return row;
            }
        }

        try
        {
            var result = CustomerAnalysis.Run(Rows(), options, NaturalIdComparer.Instance, new ProgressAdapter(progress, phases));
            progress.Done();
            return result;
        }
        catch (ArgumentException e) when (e.ParamName is "transactions" or "source")
        {
            throw new CliInputException($"{(e.ParamName == "source" ? string.Empty : path + ": ")}{Plain(e)}");
        }
        catch (DuckDBException e)
        {
            throw Unreadable(path, e);
        }
    }

    /// <summary>The last transaction of a file read by DuckDB (the default observation end).</summary>
    public static DateTimeOffset LastDate(string path, TransactionFileOptions file)
    {
        CheckExists(path);
        using var duck = new DuckDbSummarizer();
        try
        {
            return duck.LastTransaction(Source(path, file), Columns(file))
                ?? throw new CliInputException($"{path}: no transactions (the file has no rows); add transactions or check the file.");
        }
        catch (DuckDBException e)
        {
            throw Unreadable(path, e);
        }
    }

    /// <summary>
    /// The DuckDB path of <c>fit</c> for the count models: a summary file (CSV or Parquet) is compressed with a GROUP BY
    /// in DuckDB; a transactions file (customer_id, date, amount and no frequency column) is summarized and compressed
    /// there (observation end: the last transaction; refunds rejected, as <c>summarize</c> does by default).
    /// </summary>
    public static IFitResult Fit(ModelFamily family, string path, TimeUnit unit)
    {
        CheckExists(path);
        if (family.Data != ModelDataKind.CountSummaries)
        {
            throw new CliInputException($"{path}: --engine duckdb fits the count models (bgnbd, mbgnbd, pareto-nbd) on compressed rows; {family.Name} reads its CSV in memory: pass a CSV and --engine memory.");
        }

        using var duck = new DuckDbSummarizer();
        CompressedSummaries data;
        try
        {
            var file = new TransactionFileOptions();
            var raw = IsParquet(path) ? DuckDbSource.Parquet(path) : DuckDbSource.Relation($"read_csv({DuckDbSourceLiteral(path)}, header = true)");
            var header = duck.Columns(raw);
            var isTransactions = header.Contains(file.DateColumn, StringComparer.Ordinal) && header.Contains(file.IdColumn, StringComparer.Ordinal)
                && !header.Any(h => h.Equals("frequency", StringComparison.OrdinalIgnoreCase) || h.Equals("x", StringComparison.OrdinalIgnoreCase));
            if (isTransactions)
            {
                var source = Source(path, file);
                var end = duck.LastTransaction(source, Columns(file))
                    ?? throw new CliInputException($"{path}: no transactions (the file has no rows); add transactions or check the file.");
                data = duck.SummarizeCompressed(source, new SummarizerOptions(end) { Unit = unit, TimeZone = TimeZoneInfo.Utc }, Columns(file));
            }
            else
            {
                data = duck.CompressSummaries(raw, unit);
            }
        }
        catch (ArgumentException e) when (e.ParamName == "source")
        {
            throw new CliInputException(Plain(e));
        }
        catch (DuckDBException e)
        {
            throw Unreadable(path, e);
        }

        try
        {
            return family.Fit(data, null);
        }
        catch (ArgumentException e)
        {
            throw new CliInputException(path + ": " + ModelFile.PlainMessage(e), e);
        }
    }

    private static string DuckDbSourceLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static DuckDbSource Source(string path, TransactionFileOptions file) =>
        IsParquet(path) ? DuckDbSource.Parquet(path) : DuckDbSource.Csv(path, Strptime(file.DateFormat));

    private static TransactionColumns Columns(TransactionFileOptions file) =>
        new() { CustomerId = file.IdColumn, Date = file.DateColumn, Amount = file.AmountColumn };

    private static void CheckExists(string path)
    {
        if (!File.Exists(path) && !path.Contains('*', StringComparison.Ordinal))
        {
            throw new CliInputException($"{path}: file not found; check the path.");
        }
    }

    private static CliInputException Unreadable(string path, DuckDBException e) =>
        new($"{path}: DuckDB could not read it: {e.Message.Trim()} (check --id-column, --date-column, --amount-column and --date-format, or use --engine memory for line-by-line messages).");

    private static string Plain(ArgumentException e)
    {
        var at = e.Message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return at >= 0 ? e.Message[..at] : e.Message;
    }

    /// <summary>Translates the .NET date format of <c>--date-format</c> into DuckDB's strptime format.</summary>
    internal static string? Strptime(string? format)
    {
        if (format is null)
        {
            return null;
        }

        var map = new (string Net, string Duck)[] { ("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M"), ("ss", "%S") };
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length;)
        {
            var hit = Array.Find(map, m => string.CompareOrdinal(format, i, m.Net, 0, m.Net.Length) == 0);
            if (hit.Net is not null)
            {
                sb.Append(hit.Duck);
                i += hit.Net.Length;
            }
            else if (char.IsAsciiLetter(format[i]))
            {
                throw new CliInputException($"--date-format '{format}': '{format[i]}' is not supported by --engine duckdb (it understands yyyy, MM, dd, HH, mm, ss); use --engine memory for this format.");
            }
            else
            {
                sb.Append(format[i] == '%' ? "%%" : format[i].ToString());
                i++;
            }
        }

        return sb.ToString();
    }
}
