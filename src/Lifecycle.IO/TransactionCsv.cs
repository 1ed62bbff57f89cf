using System.Globalization;
using System.Runtime.CompilerServices;
using nietras.SeparatedValues;

namespace Lifecycle.IO;

/// <summary>The layout of a transactions file.</summary>
public enum TransactionLayout
{
    /// <summary>A CSV with a header row naming the columns (the default).</summary>
    Csv = 0,

    /// <summary>The whitespace-separated CDNOW files without header: <c>id [index] yyyyMMdd cds dollars</c>.</summary>
    Cdnow = 1,
}

/// <summary>How to read a transactions file: the column names, the timestamp grammar, and whether an amount is needed.</summary>
public sealed record TransactionCsvOptions
{
    /// <summary>Gets the layout.</summary>
    /// <value>Default <see cref="TransactionLayout.Csv"/>.</value>
    public TransactionLayout Layout { get; init; }

    /// <summary>Gets the name of the customer id column (matched ignoring case).</summary>
    /// <value>Default <c>customer_id</c>.</value>
    public string IdColumn { get; init; } = "customer_id";

    /// <summary>Gets the name of the timestamp column (matched ignoring case).</summary>
    /// <value>Default <c>date</c>.</value>
    public string DateColumn { get; init; } = "date";

    /// <summary>Gets the name of the amount column (matched ignoring case).</summary>
    /// <value>Default <c>amount</c>.</value>
    public string AmountColumn { get; init; } = "amount";

    /// <summary>Gets a value indicating whether the amount column must be present; when it is absent and not required every amount is 0.</summary>
    /// <value>Default <c>true</c>.</value>
    public bool AmountRequired { get; init; } = true;

    /// <summary>Gets a value indicating whether negative amounts (refunds) are passed on; otherwise each is an error with its position.</summary>
    /// <value>Default <c>false</c>.</value>
    public bool AllowNegativeAmounts { get; init; }

    /// <summary>Gets the timestamp grammar.</summary>
    /// <value>Default <see cref="TimestampParser.Iso8601"/> (for <see cref="TransactionLayout.Cdnow"/> the default is exactly <c>yyyyMMdd</c>).</value>
    public TimestampParser? Timestamps { get; init; }

    /// <summary>Gets the option name users set the amount column with, for messages (the CLI passes <c>--amount-column</c>).</summary>
    /// <value>Default <c>null</c>: messages name the option by its property.</value>
    public string? AmountColumnOption { get; init; }

    internal string Expected => AmountRequired ? $"{IdColumn},{DateColumn},{AmountColumn}" : $"{IdColumn},{DateColumn}[,{AmountColumn}]";
}

/// <summary>One transaction as read, with the file line it came from.</summary>
/// <param name="CustomerId">The customer id, exactly as written (after CSV unquoting and outer trimming).</param>
/// <param name="Timestamp">The instant, with the offset it was written with (UTC when it had none).</param>
/// <param name="Amount">The amount (0 when the file has no amount column and none is required).</param>
/// <param name="Line">The 1-based line of the row.</param>
/// <param name="DateColumn">The 1-based column of the timestamp, so later checks (such as "after the observation end") can name the position.</param>
public readonly record struct TransactionRecord(string CustomerId, DateTimeOffset Timestamp, decimal Amount, long Line, int DateColumn);

/// <summary>Streams transactions from a CSV (or a CDNOW whitespace file), strictly: every problem is a <see cref="CsvReadException"/> with its position.</summary>
/// <remarks>Reading is lazy: the file is opened when enumeration starts and closed when it ends. Thread-safe (no shared state).</remarks>
public static class TransactionCsv
{
    /// <summary>Reads the transactions of a file.</summary>
    /// <param name="path">The file path (also the name used in messages).</param>
    /// <param name="options">The layout; <c>null</c> for the defaults.</param>
    /// <param name="cancellationToken">Stops the enumeration between rows.</param>
    /// <returns>The transactions in file order.</returns>
    /// <exception cref="CsvReadException">The file is missing or breaks a rule; the message names the position, value, rule and fix.</exception>
    public static IEnumerable<TransactionRecord> ReadFile(string path, TransactionCsvOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromFile(path, options ?? new TransactionCsvOptions(), cancellationToken);
    }

    /// <summary>Reads the transactions of a stream (UTF-8), which is disposed when the enumeration ends.</summary>
    /// <param name="stream">The bytes.</param>
    /// <param name="name">The name used in messages (a file name).</param>
    /// <param name="options">The layout; <c>null</c> for the defaults.</param>
    /// <param name="cancellationToken">Stops the enumeration between rows.</param>
    /// <returns>The transactions in file order.</returns>
    /// <exception cref="CsvReadException">The data breaks a rule.</exception>
    public static IEnumerable<TransactionRecord> Read(Stream stream, string name, TransactionCsvOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        return ReadStream(stream, name, options ?? new TransactionCsvOptions(), cancellationToken);
    }

    /// <summary>Reads the transactions of a stream (UTF-8) asynchronously; the stream is disposed when the enumeration ends.</summary>
    /// <param name="stream">The bytes.</param>
    /// <param name="name">The name used in messages (a file name).</param>
    /// <param name="options">The layout (<see cref="TransactionLayout.Csv"/> only); <c>null</c> for the defaults.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The transactions in file order.</returns>
    /// <exception cref="CsvReadException">The data breaks a rule.</exception>
    public static async IAsyncEnumerable<TransactionRecord> ReadAsync(Stream stream, string name, TransactionCsvOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        options ??= new TransactionCsvOptions();
        if (options.Layout != TransactionLayout.Csv)
        {
            throw new ArgumentException("ReadAsync reads the CSV layout; read CDNOW files with Read", nameof(options));
        }

        using var csv = await CsvFile.OpenAsync(stream, name, options.Expected, cancellationToken).ConfigureAwait(false);
        var columns = Columns.Of(csv, options);
        while (await csv.Reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Parse(csv, csv.Reader.Current, columns, options, out var record))
            {
                yield return record;
            }
        }
    }

    private static IEnumerable<TransactionRecord> FromFile(string path, TransactionCsvOptions options, CancellationToken cancellationToken)
    {
        foreach (var record in ReadStream(CsvFile.OpenFile(path, options.Expected), path, options, cancellationToken))
        {
            yield return record;
        }
    }

    private static IEnumerable<TransactionRecord> ReadStream(Stream stream, string name, TransactionCsvOptions options, CancellationToken cancellationToken) =>
        options.Layout == TransactionLayout.Cdnow ? ReadCdnow(stream, name, options, cancellationToken) : ReadCsv(stream, name, options, cancellationToken);

    private static IEnumerable<TransactionRecord> ReadCsv(Stream stream, string name, TransactionCsvOptions options, CancellationToken cancellationToken)
    {
        using var csv = CsvFile.Open(stream, name, options.Expected);
        var columns = Columns.Of(csv, options);
        foreach (var row in csv.Reader)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Parse(csv, row, columns, options, out var record))
            {
                yield return record;
            }
        }
    }

    private static bool Parse(CsvFile csv, SepReader.Row row, Columns c, TransactionCsvOptions options, out TransactionRecord record)
    {
        record = default;
        if (!csv.IsData(row))
        {
            return false;
        }

        var id = csv.Cell(row, c.Id);
        if (id.IsEmpty)
        {
            throw csv.Field(row, c.Id, "is empty", "every transaction needs the id of its customer");
        }

        var customer = id.ToString(); // before the next Cell call reuses the unquoting buffer

        var timestamp = Timestamp(csv, row, c.Date, c.Timestamps);
        var amount = c.Amount >= 0 ? Amount(csv.Name, CsvFile.Line(row), c.Amount + 1, csv.Header[c.Amount], csv.Cell(row, c.Amount), options) : 0m;
        record = new TransactionRecord(customer, timestamp, amount, CsvFile.Line(row), c.Date + 1);
        return true;
    }

    internal static DateTimeOffset Timestamp(CsvFile csv, SepReader.Row row, int column, TimestampParser parser)
    {
        if (parser.TryParse(csv.Cell(row, column), out var value, out var problem))
        {
            return value;
        }

        throw csv.Field(row, column, problem!, "expected " + parser.Expected);
    }

    private static decimal Amount(string file, long line, int column, string name, ReadOnlySpan<char> text, TransactionCsvOptions options)
    {
        if (!InvariantNumber.TryDecimal(text, out var amount, out var problem))
        {
            throw CsvReadException.Field(file, line, column, name, text.ToString(), problem!, "write amounts with '.' as the decimal separator, such as 12.50");
        }

        if (amount < 0 && !options.AllowNegativeAmounts)
        {
            throw CsvReadException.Field(file, line, column, name, text.ToString(), "is negative and refunds are rejected", "remove refunds, or let them through (CLI: --refunds exclude leaves them out and counts them)");
        }

        return amount;
    }

    private static IEnumerable<TransactionRecord> ReadCdnow(Stream stream, string name, TransactionCsvOptions options, CancellationToken cancellationToken)
    {
        var parser = options.Timestamps ?? TimestampParser.Exact("yyyyMMdd");
        using var reader = CsvFile.Text(stream, name);
        long line = 0;
        var fields = new Range[6];
        while (reader.ReadLine() is { } text)
        {
            cancellationToken.ThrowIfCancellationRequested();
            line++;
            var span = text.AsSpan();
            var count = Split(span, fields);
            if (count == 0)
            {
                continue;
            }

            if (line == 1 && !IsDigits(span[fields[0]]))
            {
                continue; // CDNOW_master.txt starts with a header line.
            }

            // CDNOW_sample.txt: master id, customer index, date, CDs, dollars; CDNOW_master.txt: id, date, CDs, dollars.
            var (idField, dateField, amountField) = count switch
            {
                5 => (1, 2, 4),
                4 => (0, 1, 3),
                _ => throw CsvReadException.At(name, line, 1, string.Create(CultureInfo.InvariantCulture, $"expected 4 or 5 whitespace-separated fields in the CDNOW layout (id, date yyyyMMdd, number of CDs, dollar value), found {count}")),
            };

            var id = span[fields[idField]].TrimStart('0');
            if (!parser.TryParse(span[fields[dateField]], out var timestamp, out var problem))
            {
                throw CsvReadException.Field(name, line, dateField + 1, "date", span[fields[dateField]].ToString(), problem!, "expected " + parser.Expected);
            }

            var amount = Amount(name, line, amountField + 1, "dollar_value", span[fields[amountField]], options);
            yield return new TransactionRecord(id.IsEmpty ? "0" : id.ToString(), timestamp, amount, line, dateField + 1);
        }
    }

    private static int Split(ReadOnlySpan<char> text, Span<Range> fields)
    {
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i == text.Length)
            {
                break;
            }

            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (count < fields.Length)
            {
                fields[count] = start..i;
            }

            count++;
        }

        return count;
    }

    private static bool IsDigits(ReadOnlySpan<char> s) => !s.IsEmpty && !s.ContainsAnyExceptInRange('0', '9');

    internal readonly record struct Columns(int Id, int Date, int Amount, TimestampParser Timestamps)
    {
        public static Columns Of(CsvFile csv, TransactionCsvOptions options)
        {
            var id = csv.Find(options.IdColumn);
            var date = csv.Find(options.DateColumn);
            var amount = csv.Find(options.AmountColumn);
            var missing = new List<string>();
            if (id < 0)
            {
                missing.Add(options.IdColumn);
            }

            if (date < 0)
            {
                missing.Add(options.DateColumn);
            }

            if (amount < 0 && options.AmountRequired)
            {
                missing.Add(options.AmountColumn);
            }

            if (missing.Count > 0)
            {
                var fix = amount < 0 && options.AmountRequired && options.AmountColumnOption is { } o
                    ? $"this needs an amount per transaction: name its column with {o}"
                    : "name the columns in the header, or say which to use (CLI: --id-column, --date-column, --amount-column)";
                throw csv.Missing(missing, options.Expected, fix);
            }

            return new Columns(id, date, amount, options.Timestamps ?? TimestampParser.Iso8601);
        }
    }
}
