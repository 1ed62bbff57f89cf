using System.Globalization;

namespace Lifecycle.IO;

/// <summary>
/// The one timestamp grammar of every reader: an ISO 8601 date (<c>2024-03-31</c>), or a date-time
/// (<c>2024-03-31T14:05</c>, <c>:ss</c> and up to 7 fraction digits optional, <c>T</c> or one space between date and
/// time) with an optional offset (<c>Z</c>, <c>+09:00</c>, <c>-0500</c>); or, instead, exactly one custom format.
/// Nothing else: no time without a date, no month names, no day/month guessing.
/// </summary>
/// <remarks>
/// A value without an offset is a wall-clock time in <see cref="TimeZone"/> (default UTC). A value with an offset keeps
/// it, so its calendar day is the day of its own offset. Years run 0001 to 9999; an instant that falls outside that range
/// once its offset is applied is an overflow error. Instances are immutable and thread-safe.
/// </remarks>
public sealed class TimestampParser
{
    private TimestampParser(string? format, TimeZoneInfo? zone)
    {
        Format = format;
        TimeZone = zone;
    }

    /// <summary>Gets the ISO 8601 grammar with offset-less values in UTC.</summary>
    public static TimestampParser Iso8601 { get; } = new(null, null);

    /// <summary>Gets the exact custom format, or <c>null</c> for ISO 8601.</summary>
    public string? Format { get; }

    /// <summary>Gets the time zone of values without an offset, or <c>null</c> for UTC.</summary>
    public TimeZoneInfo? TimeZone { get; }

    /// <summary>Gets a short description of what this parser accepts, for messages.</summary>
    public string Expected => Format is null
        ? "an ISO 8601 date such as 2024-03-31 or date-time such as 2024-03-31T14:05:00+09:00"
        : $"a date in exactly the format '{Format}'";

    /// <summary>Creates a parser that accepts exactly <paramref name="format"/> (a .NET custom date format, invariant culture).</summary>
    /// <param name="format">For example <c>yyyyMMdd</c>. Must contain a year, month and day specifier.</param>
    /// <returns>The parser.</returns>
    /// <exception cref="ArgumentException">The format is empty or lacks <c>y</c>, <c>M</c> or <c>d</c>.</exception>
    public static TimestampParser Exact(string format)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(format);
        if (!format.Contains('y', StringComparison.Ordinal) || !format.Contains('M', StringComparison.Ordinal) || !format.Contains('d', StringComparison.Ordinal))
        {
            throw new ArgumentException($"the date format '{format}' needs a year (y), month (M) and day (d); for example yyyyMMdd or dd.MM.yyyy", nameof(format));
        }

        return new TimestampParser(format, null);
    }

    /// <summary>Returns a parser like this one that reads offset-less values as wall-clock times in <paramref name="zone"/>.</summary>
    /// <param name="zone">The zone, for example <c>TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo")</c>; <c>null</c> for UTC.</param>
    /// <returns>The parser.</returns>
    public TimestampParser WithTimeZone(TimeZoneInfo? zone) => new(Format, zone);

    /// <summary>Parses one value.</summary>
    /// <param name="text">The text, without surrounding spaces.</param>
    /// <param name="value">The instant, with its offset.</param>
    /// <param name="problem">Why the text was refused (the rule and the fix), or <c>null</c>.</param>
    /// <returns><c>true</c> when the text is a timestamp of this grammar.</returns>
    public bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value, out string? problem)
    {
        problem = null;
        if (Format is not null)
        {
            if (DateTimeOffset.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value))
            {
                if (TimeZone is not null && !HasOffsetSpecifier(Format))
                {
                    return Localize(value.DateTime, out value, out problem);
                }

                return true;
            }

            problem = $"is not a date in the format '{Format}' (given with --date-format); fix the value or the format";
            return false;
        }

        return TryParseIso(text, out value, out problem);
    }

    /// <summary>Parses one value or throws.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The instant.</returns>
    /// <exception cref="FormatException">The text is not a timestamp of this grammar; the message says why.</exception>
    public DateTimeOffset Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var value, out var problem) ? value : throw new FormatException($"'{text}' {problem}");
    }

    private static bool HasOffsetSpecifier(string format) => format.Contains('z', StringComparison.Ordinal) || format.Contains('K', StringComparison.Ordinal);

    private bool TryParseIso(ReadOnlySpan<char> s, out DateTimeOffset value, out string? problem)
    {
        value = default;
        const string Grammar = "is not an ISO 8601 date (yyyy-MM-dd) or date-time (yyyy-MM-ddTHH:mm[:ss[.fffffff]][Z|+HH:mm]); write it so, or pass --date-format";
        if (s.Length < 10 || s[4] != '-' || s[7] != '-' || !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day))
        {
            problem = Grammar;
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), Math.Clamp(month, 1, 12)))
        {
            problem = "is not a calendar date (year 0001-9999, month 01-12, a day that exists in that month); fix the value";
            return false;
        }

        int hour = 0, minute = 0, second = 0;
        long fraction = 0;
        var i = 10;
        if (s.Length > 10)
        {
            if ((s[10] != 'T' && s[10] != ' ') || s.Length < 16 || s[13] != ':' || !Digits(s, 11, 2, out hour) || !Digits(s, 14, 2, out minute))
            {
                problem = Grammar;
                return false;
            }

            i = 16;
            if (i < s.Length && s[i] == ':')
            {
                if (!Digits(s, 17, 2, out second))
                {
                    problem = Grammar;
                    return false;
                }

                i = 19;
                if (i < s.Length && s[i] == '.')
                {
                    var start = ++i;
                    while (i < s.Length && char.IsAsciiDigit(s[i]))
                    {
                        if (i - start < 7)
                        {
                            fraction = (fraction * 10) + (s[i] - '0');
                        }

                        i++;
                    }

                    if (i == start || i - start > 7)
                    {
                        problem = "has a fraction of a second with " + (i == start ? "no digits" : "more than 7 digits (100 ns is the finest)") + "; write 1 to 7 digits after the '.'";
                        return false;
                    }

                    for (var k = i - start; k < 7; k++)
                    {
                        fraction *= 10;
                    }
                }
            }

            if (hour > 23 || minute > 59 || second > 59)
            {
                problem = "is not a time of day (hours 00-23, minutes and seconds 00-59); fix the value";
                return false;
            }
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fraction);
        if (i == s.Length)
        {
            return Localize(local, out value, out problem);
        }

        TimeSpan offset;
        if (s[i] == 'Z' && i + 1 == s.Length && i > 10)
        {
            offset = TimeSpan.Zero;
        }
        else if (i > 10 && (s[i] == '+' || s[i] == '-') && (s.Length - i == 6 && s[i + 3] == ':' || s.Length - i == 5) && Digits(s, i + 1, 2, out var oh) && Digits(s, s.Length - 2, 2, out var om))
        {
            if (oh > 14 || om > 59 || (oh == 14 && om > 0))
            {
                problem = "has an offset beyond ±14:00; fix the offset";
                return false;
            }

            offset = new TimeSpan(oh, om, 0) * (s[i] == '-' ? -1 : 1);
        }
        else
        {
            problem = Grammar;
            return false;
        }

        return Make(local, offset, out value, out problem);
    }

    private bool Localize(DateTime local, out DateTimeOffset value, out string? problem) =>
        Make(local, TimeZone?.GetUtcOffset(local) ?? TimeSpan.Zero, out value, out problem);

    private static bool Make(DateTime local, TimeSpan offset, out DateTimeOffset value, out string? problem)
    {
        var utc = local.Ticks - offset.Ticks;
        if (utc < DateTime.MinValue.Ticks || utc > DateTime.MaxValue.Ticks)
        {
            value = default;
            problem = "overflows: with its offset it falls outside years 0001-9999 in UTC; fix the value";
            return false;
        }

        value = new DateTimeOffset(local, offset);
        problem = null;
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (var k = start; k < start + count; k++)
        {
            var c = s[k];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
