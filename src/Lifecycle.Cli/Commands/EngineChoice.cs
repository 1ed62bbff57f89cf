using System.Text;
using DuckDB.NET.Data;
using Lifecycle.Cli.IO;
using Lifecycle.DuckDB;

namespace Lifecycle.Cli.Commands;

/// <summary><c>--engine memory|duckdb|auto</c>: where <c>summarize</c> computes (docs/scale.md). Both give identical summaries.</summary>
internal static class EngineChoice
{
    /// <summary>CSV files above this size go to DuckDB under <c>auto</c>: about 10M rows, where the in-memory summarizer passes 1 GB.</summary>
    public const long AutoDuckDbBytes = 256L << 20;

    public static System.CommandLine.Option<string> Option() =>
        new System.CommandLine.Option<string>("--engine")
        {
            Description = "Where to summarize: memory, duckdb (out of core; reads csv and .parquet), or auto (default: duckdb for .parquet and for CSV files over 256 MiB, memory otherwise).",
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

    /// <summary>The DuckDB path of <c>summarize</c>: same options, same rows, same order as the in-memory path.</summary>
    public static SummarySet<string> Summarize(string path, TransactionFileOptions file, DateTimeOffset? end, DateTimeOffset? calibrationEnd, TimeUnit unit, bool includeFirst, RefundPolicy refunds)
    {
        if (!File.Exists(path) && !path.Contains('*', StringComparison.Ordinal))
        {
            throw new CliInputException($"{path}: file not found; check the path.");
        }

        var source = IsParquet(path) ? DuckDbSource.Parquet(path) : DuckDbSource.Csv(path, Strptime(file.DateFormat));
        var columns = new TransactionColumns { CustomerId = file.IdColumn, Date = file.DateColumn, Amount = file.AmountColumn };
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
            throw new CliInputException($"{path}: DuckDB could not read it: {e.Message.Trim()} (check --id-column, --date-column, --amount-column and --date-format, or use --engine memory for line-by-line messages).");
        }
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
