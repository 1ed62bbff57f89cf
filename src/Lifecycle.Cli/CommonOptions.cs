using System.CommandLine;
using System.Globalization;
using Lifecycle.Cli.IO;
using Lifecycle.IO;

namespace Lifecycle.Cli;

/// <summary>The options several verbs share (CLI.md "Conventions" and "Inputs"). Each call makes fresh instances.</summary>
internal sealed class TransactionInputOptions
{
    public Option<string> Format { get; } = new Option<string>("--format") { Description = "Input layout: csv (header row) or cdnow (whitespace separated, no header, like CDNOW_sample.txt).", DefaultValueFactory = _ => "csv" }.WithValues("csv", "cdnow");

    public Option<string> IdColumn { get; } = new("--id-column") { Description = "Name of the customer id column.", DefaultValueFactory = _ => "customer_id" };

    public Option<string> DateColumn { get; } = new("--date-column") { Description = "Name of the date column.", DefaultValueFactory = _ => "date" };

    public Option<string> AmountColumn { get; } = new("--amount-column") { Description = "Name of the amount column.", DefaultValueFactory = _ => "amount" };

    public Option<string?> DateFormat { get; } = new("--date-format") { Description = "Exact date format, e.g. yyyyMMdd (default: ISO 8601)." };

    public Option<string?> TimeZone { get; } = new("--time-zone") { Description = "Time zone (IANA id, e.g. Europe/Berlin) of timestamps written without an offset, and of the calendar days of every timestamp (default: each timestamp's own offset; UTC without one)." };

    public Option<string> Refunds { get; } = new Option<string>("--refunds") { Description = "Negative amounts: reject (error) or exclude (left out and counted).", DefaultValueFactory = _ => "reject" }.WithValues("reject", "exclude");

    public void AddTo(Command command)
    {
        command.Options.Add(Format);
        command.Options.Add(IdColumn);
        command.Options.Add(DateColumn);
        command.Options.Add(AmountColumn);
        command.Options.Add(DateFormat);
        command.Options.Add(Refunds);
        command.Options.Add(TimeZone);
    }

    public TransactionFileOptions Read(ParseResult parse, bool requireAmount = true) => new()
    {
        Format = parse.GetValue(Format)!,
        IdColumn = parse.GetValue(IdColumn)!,
        DateColumn = parse.GetValue(DateColumn)!,
        AmountColumn = parse.GetValue(AmountColumn)!,
        DateFormat = CheckFormat(parse.GetValue(DateFormat)),
        TimeZone = CommonOptions.ParseTimeZone(parse.GetValue(TimeZone)),
        RequireAmount = requireAmount,
        AllowNegativeAmounts = parse.GetValue(Refunds) == "exclude",
    };

    private static string? CheckFormat(string? format)
    {
        try
        {
            return format is null ? null : TimestampParser.Exact(format).Format;
        }
        catch (ArgumentException e)
        {
            throw new CliInputException("--date-format: " + FirstSentence(e.Message) + ".", e);
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message;
    }
}

/// <summary>Factories for single shared options.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON document (camelCase, round-trip numbers) instead of tables." };

    public static Option<string> Unit() => new Option<string>("--unit") { Description = "Model time unit: days or weeks.", DefaultValueFactory = _ => "days" }.WithValues("days", "weeks");

    public static Option<string?> Out(string description) => new("--out") { Description = description };

    public static Option<string?> Date(string name, string description) => new(name) { Description = description + " (ISO 8601 date, yyyy-MM-dd)." };

    public static Option<T> WithValues<T>(this Option<T> option, params string[] values)
    {
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    public static TimeUnit ParseUnit(string text) => text == "weeks" ? TimeUnit.Weeks : TimeUnit.Days;

    public static string UnitName(TimeUnit unit) => unit == TimeUnit.Weeks ? "weeks" : "days";

    /// <summary>Parses a date option with the readers' one grammar (ISO 8601 date or date-time); a bad value is a usage error naming the option.</summary>
    public static DateTimeOffset? ParseDate(string? text, string optionName, TimeZoneInfo? zone = null)
    {
        if (text is null)
        {
            return null;
        }

        if (TimestampParser.Iso8601.WithTimeZone(zone).TryParse(text.Trim(), out var date, out var problem))
        {
            return date;
        }

        throw new CliInputException($"{optionName} '{text}' {problem}; for example {optionName} 1997-09-30.");
    }

    /// <summary>Finds a --time-zone by its IANA (or Windows) id; unknown ids are a usage error.</summary>
    public static TimeZoneInfo? ParseTimeZone(string? id)
    {
        if (id is null)
        {
            return null;
        }

        if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return zone;
        }

        throw new CliInputException($"--time-zone '{id}' is not a known time zone; use an IANA id such as Europe/Berlin, America/New_York or UTC.");
    }
}
