using Lifecycle.IO;

namespace Lifecycle.Cli.IO;

/// <summary>How a transactions file is laid out (CLI.md "Transactions CSV").</summary>
internal sealed record TransactionFileOptions
{
    public string Format { get; init; } = "csv";

    public string IdColumn { get; init; } = "customer_id";

    public string DateColumn { get; init; } = "date";

    public string AmountColumn { get; init; } = "amount";

    public string? DateFormat { get; init; }

    /// <summary>The zone of timestamps written without an offset (--time-zone), or null for UTC.</summary>
    public TimeZoneInfo? TimeZone { get; init; }

    /// <summary>When false, the amount column may be absent (verbs that only count purchases).</summary>
    public bool RequireAmount { get; init; } = true;

    /// <summary>When false, a negative amount is a bad-input error naming its line and column.</summary>
    public bool AllowNegativeAmounts { get; init; }

    /// <summary>The timestamp grammar these options select (ISO 8601, or exactly --date-format), in --time-zone.</summary>
    public TimestampParser Timestamps => (DateFormat is null ? TimestampParser.Iso8601 : TimestampParser.Exact(DateFormat)).WithTimeZone(TimeZone);

    public TransactionCsvOptions ToReaderOptions() => new()
    {
        Layout = string.Equals(Format, "cdnow", StringComparison.OrdinalIgnoreCase) ? TransactionLayout.Cdnow : TransactionLayout.Csv,
        IdColumn = IdColumn,
        DateColumn = DateColumn,
        AmountColumn = AmountColumn,
        AmountRequired = RequireAmount,
        AllowNegativeAmounts = AllowNegativeAmounts,
        Timestamps = DateFormat is null && TimeZone is null && string.Equals(Format, "cdnow", StringComparison.OrdinalIgnoreCase) ? null : Timestamps,
        AmountColumnOption = "--amount-column",
    };
}

/// <summary>One parsed transaction and the line it came from.</summary>
internal readonly record struct TransactionRow(string CustomerId, DateTimeOffset Timestamp, decimal Amount, long Line, int DateColumn = 2, string DateColumnName = "date");

/// <summary>The CLI's view of <see cref="TransactionCsv"/> (the one reader of Lifecycle.IO): same rows, with the column name for messages.</summary>
internal static class TransactionCsvReader
{
    public static IEnumerable<TransactionRow> Read(Stream stream, string file, TransactionFileOptions options) =>
        Rows(TransactionCsv.Read(stream, file, options.ToReaderOptions()), options);

    public static IEnumerable<TransactionRow> ReadFile(string path, TransactionFileOptions options) =>
        Rows(TransactionCsv.ReadFile(path, options.ToReaderOptions()), options);

    private static IEnumerable<TransactionRow> Rows(IEnumerable<TransactionRecord> records, TransactionFileOptions options)
    {
        var dateName = string.Equals(options.Format, "cdnow", StringComparison.OrdinalIgnoreCase) ? "date" : options.DateColumn;
        foreach (var r in records)
        {
            yield return new TransactionRow(r.CustomerId, r.Timestamp, r.Amount, r.Line, r.DateColumn, dateName);
        }
    }
}
