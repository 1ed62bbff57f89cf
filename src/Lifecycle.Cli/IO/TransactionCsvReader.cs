using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Lifecycle.Cli.IO;

/// <summary>How a transactions file is laid out (CLI.md "Transactions CSV").</summary>
internal sealed record TransactionFileOptions
{
    public string Format { get; init; } = "csv";

    public string IdColumn { get; init; } = "customer_id";

    public string DateColumn { get; init; } = "date";

    public string AmountColumn { get; init; } = "amount";

    public string? DateFormat { get; init; }

    /// <summary>When false, the amount column may be absent (verbs that only count purchases).</summary>
    public bool RequireAmount { get; init; } = true;

    /// <summary>When false, a negative amount is a bad-input error naming its line and column.</summary>
    public bool AllowNegativeAmounts { get; init; }
}

/// <summary>One parsed transaction and the line it came from.</summary>
internal readonly record struct TransactionRow(string CustomerId, DateTimeOffset Timestamp, decimal Amount, long Line, int DateColumn = 2, string DateColumnName = "date");

/// <summary>Streams transactions from a CSV (header row) or a CDNOW-style whitespace file; errors name file, line and column.</summary>
internal static class TransactionCsvReader
{
    public static IEnumerable<TransactionRow> Read(TextReader reader, string file, TransactionFileOptions options) =>
        string.Equals(options.Format, "cdnow", StringComparison.OrdinalIgnoreCase)
            ? ReadCdnow(reader, file, options)
            : ReadCsv(reader, file, options);

    public static IEnumerable<TransactionRow> ReadFile(string path, TransactionFileOptions options)
    {
        if (!File.Exists(path))
        {
            throw new CliInputException($"{path}: file not found; pass the path of a transactions CSV (customer_id,date,amount).");
        }

        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        foreach (var row in Read(reader, path, options))
        {
            yield return row;
        }
    }

    private static IEnumerable<TransactionRow> ReadCsv(TextReader reader, string file, TransactionFileOptions options)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            BadDataFound = null,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
            TrimOptions = TrimOptions.Trim,
        };
        using var csv = new CsvReader(reader, config, leaveOpen: true);
        if (!csv.Read())
        {
            throw CliInputException.At(file, 1, "the file is empty; expected a header row naming the columns " + Expected(options));
        }

        csv.ReadHeader();
        var header = csv.HeaderRecord ?? [];
        var idIndex = Find(header, options.IdColumn);
        var dateIndex = Find(header, options.DateColumn);
        var amountIndex = Find(header, options.AmountColumn);
        var missing = new List<string>();
        if (idIndex < 0)
        {
            missing.Add(options.IdColumn);
        }

        if (dateIndex < 0)
        {
            missing.Add(options.DateColumn);
        }

        if (amountIndex < 0 && options.RequireAmount)
        {
            missing.Add(options.AmountColumn);
        }

        if (missing.Count > 0)
        {
            throw CliInputException.At(file, 1, $"missing column(s) {string.Join(", ", missing.Select(m => "'" + m + "'"))}; the header has {string.Join(",", header)}. Expected {Expected(options)} (rename with --id-column, --date-column, --amount-column)");
        }

        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var count = csv.Parser.Count;
            if (count == 1 && string.IsNullOrWhiteSpace(csv.Parser[0]))
            {
                continue;
            }

            if (count != header.Length)
            {
                throw CliInputException.At(file, line, $"ragged row: expected {header.Length} fields as in the header, found {count}; every row needs one value per column (quote values that contain commas)");
            }

            var id = csv.Parser[idIndex];
            if (string.IsNullOrWhiteSpace(id))
            {
                throw CliInputException.At(file, line, idIndex + 1, options.IdColumn, "the customer id is empty; every transaction needs the id of its customer");
            }

            var timestamp = ParseDate(csv.Parser[dateIndex], options.DateFormat, file, line, dateIndex + 1, options.DateColumn);
            var amount = amountIndex >= 0 ? ParseAmount(csv.Parser[amountIndex], options, file, line, amountIndex + 1) : 0m;
            yield return new TransactionRow(id, timestamp, amount, line, dateIndex + 1, options.DateColumn);
        }
    }

    private static IEnumerable<TransactionRow> ReadCdnow(TextReader reader, string file, TransactionFileOptions options)
    {
        long line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            if (line == 1 && !fields[0].All(char.IsAsciiDigit))
            {
                continue; // CDNOW_master.txt starts with a header line.
            }

            // CDNOW_sample.txt: master id, customer index, date, CDs, dollars; CDNOW_master.txt: id, date, CDs, dollars.
            int idField, dateField, amountField;
            if (fields.Length == 5)
            {
                (idField, dateField, amountField) = (1, 2, 4);
            }
            else if (fields.Length == 4)
            {
                (idField, dateField, amountField) = (0, 1, 3);
            }
            else
            {
                throw CliInputException.At(file, line, $"expected 4 or 5 whitespace-separated fields in --format cdnow (id, date yyyyMMdd, number of CDs, dollar value), found {fields.Length}");
            }

            var id = fields[idField].TrimStart('0');
            if (id.Length == 0)
            {
                id = "0";
            }

            var timestamp = ParseDate(fields[dateField], options.DateFormat ?? "yyyyMMdd", file, line, dateField + 1, "date");
            var amount = ParseAmount(fields[amountField], options, file, line, amountField + 1, "dollar_value");
            yield return new TransactionRow(id, timestamp, amount, line, dateField + 1);
        }
    }

    internal static DateTimeOffset ParseDate(string text, string? format, string file, long line, int column, string columnName)
    {
        var value = text.Trim();
        if (format is not null)
        {
            if (DateTimeOffset.TryParseExact(value, format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var exact))
            {
                return exact;
            }

            throw CliInputException.At(file, line, column, columnName, $"cannot read '{value}' as a date in the format '{format}'; fix the value or pass the right --date-format");
        }

        if (value.Length == 10 && DateTimeOffset.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
        {
            return date;
        }

        if (value.Length > 10 && value[4] == '-' && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return instant;
        }

        throw CliInputException.At(file, line, column, columnName, $"cannot read '{value}' as a date; expected ISO 8601 (yyyy-MM-dd or yyyy-MM-ddTHH:mm:ssZ), or pass --date-format (for example yyyyMMdd)");
    }

    private static decimal ParseAmount(string text, TransactionFileOptions options, string file, long line, int column, string? columnName = null)
    {
        var name = columnName ?? options.AmountColumn;
        var value = text.Trim();
        if (!decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            throw CliInputException.At(file, line, column, name, $"cannot read '{value}' as an amount; expected a number with '.' as the decimal separator, such as 12.50 (no currency symbols, NaN or infinity)");
        }

        if (amount < 0 && !options.AllowNegativeAmounts)
        {
            throw CliInputException.At(file, line, column, name, $"the amount {value} is negative; refunds are rejected by default: remove them or pass --refunds exclude to leave them out (they are counted)");
        }

        return amount;
    }

    private static int Find(string[] header, string name)
    {
        for (var i = 0; i < header.Length; i++)
        {
            if (string.Equals(header[i].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Expected(TransactionFileOptions options) =>
        options.RequireAmount
            ? $"{options.IdColumn},{options.DateColumn},{options.AmountColumn}"
            : $"{options.IdColumn},{options.DateColumn}[,{options.AmountColumn}]";
}
