using Lifecycle.Stages;
using nietras.SeparatedValues;

namespace Lifecycle.IO;

/// <summary>How to read an events file.</summary>
public sealed record EventCsvOptions
{
    /// <summary>Gets the custom event kinds the stage model declares (built-in kinds are always known).</summary>
    /// <value>Default none.</value>
    public IReadOnlyList<EventKind> CustomKinds { get; init; } = [];

    /// <summary>Gets the timestamp grammar.</summary>
    /// <value>Default <see cref="TimestampParser.Iso8601"/>.</value>
    public TimestampParser Timestamps { get; init; } = TimestampParser.Iso8601;
}

/// <summary>One event as read, with its file line.</summary>
/// <param name="Event">The event.</param>
/// <param name="Line">The 1-based line of the row.</param>
public readonly record struct EventRecord(LifecycleEvent Event, long Line);

/// <summary>Streams lifecycle events from <c>event_id,customer_id,timestamp,kind[,amount][,score]</c> CSVs.</summary>
public static class EventCsv
{
    private const string Expected = "event_id,customer_id,timestamp,kind[,amount][,score]";

    /// <summary>Reads the events of a file, lazily.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Kinds and timestamp grammar; <c>null</c> for the defaults.</param>
    /// <param name="cancellationToken">Stops between rows.</param>
    /// <returns>The events in file order.</returns>
    /// <exception cref="CsvReadException">The file is missing or breaks a rule (unknown kind, bad timestamp, negative amount, ...).</exception>
    public static IEnumerable<EventRecord> ReadFile(string path, EventCsvOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromFile(path, options ?? new EventCsvOptions(), cancellationToken);
    }

    private static IEnumerable<EventRecord> FromFile(string path, EventCsvOptions options, CancellationToken cancellationToken)
    {
        using var csv = CsvFile.Open(path, Expected);
        int id = csv.Find("event_id"), customer = csv.Find("customer_id"), timestamp = csv.Find("timestamp"), kind = csv.Find("kind"), amount = csv.Find("amount"), score = csv.Find("score");
        var missing = new[] { ("event_id", id), ("customer_id", customer), ("timestamp", timestamp), ("kind", kind) }.Where(c => c.Item2 < 0).Select(c => c.Item1).ToArray();
        if (missing.Length > 0)
        {
            throw csv.Missing(missing, Expected);
        }

        foreach (var row in csv.Reader)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!csv.IsData(row))
            {
                continue;
            }

            var eventId = Required(csv, row, id, "every event needs an id unique within its customer (replays are recognised by it)");
            var customerId = Required(csv, row, customer, "every event belongs to one customer");
            var when = TransactionCsv.Timestamp(csv, row, timestamp, options.Timestamps);
            var kindText = Required(csv, row, kind, "every event has a kind");
            if (!EventKind.TryParse(kindText, options.CustomKinds, out var eventKind))
            {
                throw csv.Field(row, kind, "is not a known event kind", "use one of " + string.Join(", ", EventKind.BuiltIn.Concat(options.CustomKinds).Select(k => k.Name)));
            }

            decimal? money = null;
            if (amount >= 0 && !csv.Cell(row, amount).IsEmpty)
            {
                money = InvariantNumber.TryDecimal(csv.Cell(row, amount), out var value, out var problem) ? value : throw csv.Field(row, amount, problem!, "write amounts such as 12.50, or leave the cell empty");
            }

            double? answer = null;
            if (score >= 0 && !csv.Cell(row, score).IsEmpty)
            {
                answer = InvariantNumber.TryDouble(csv.Cell(row, score), out var value, out var problem) ? value : throw csv.Field(row, score, problem!, "write scores such as 9 or 4.5, or leave the cell empty");
            }

            LifecycleEvent e;
            try
            {
                e = new LifecycleEvent(eventId, customerId, when, eventKind, money, answer);
            }
            catch (ArgumentException x)
            {
                var column = x.ParamName switch { "amount" => amount, "score" => score, "timestamp" => timestamp, _ => kind };
                throw CsvReadException.At(path, CsvFile.Line(row), Math.Max(column, 0) + 1, FirstSentence(x.Message));
            }

            yield return new EventRecord(e, CsvFile.Line(row));
        }
    }

    private static string Required(CsvFile csv, SepReader.Row row, int column, string fix)
    {
        var text = csv.Cell(row, column).ToString();
        return text.Length == 0 ? throw csv.Field(row, column, "is empty", fix) : text;
    }

    // ArgumentException appends " (Parameter 'x')"; users see the sentence only.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message;
    }
}
