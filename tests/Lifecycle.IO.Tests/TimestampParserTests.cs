using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Lifecycle.IO.Tests;

public sealed class TimestampParserTests
{
    [Theory]
    [InlineData("2024-03-31", "2024-03-31T00:00:00.0000000+00:00")]
    [InlineData("2024-03-31T14:05", "2024-03-31T14:05:00.0000000+00:00")]
    [InlineData("2024-03-31 14:05:09", "2024-03-31T14:05:09.0000000+00:00")]
    [InlineData("2024-03-31T14:05:09.5Z", "2024-03-31T14:05:09.5000000+00:00")]
    [InlineData("2024-03-31T14:05:09.1234567+09:00", "2024-03-31T14:05:09.1234567+09:00")]
    [InlineData("2024-03-31T14:05-0530", "2024-03-31T14:05:00.0000000-05:30")]
    [InlineData("0001-01-01", "0001-01-01T00:00:00.0000000+00:00")]
    [InlineData("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999+00:00")]
    [InlineData("2024-02-29", "2024-02-29T00:00:00.0000000+00:00")]
    public void Iso8601_Accepts_TheGrammar_KeepingTheOffset(string text, string expected)
    {
        Assert.True(TimestampParser.Iso8601.TryParse(text, out var value, out var problem), problem);
        Assert.Equal(expected, value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("12:00", "is not an ISO 8601")]
    [InlineData("Jan 5", "is not an ISO 8601")]
    [InlineData("3/4/2023", "is not an ISO 8601")]
    [InlineData("2023-3-4", "is not an ISO 8601")]
    [InlineData("20230304", "is not an ISO 8601")]
    [InlineData(" 2023-03-04", "is not an ISO 8601")]
    [InlineData("2023-03-04T", "is not an ISO 8601")]
    [InlineData("2023-03-04T10", "is not an ISO 8601")]
    [InlineData("2023-03-04T10:00:00+25:00", "beyond ±14:00")]
    [InlineData("2023-03-04T10:00:00 +01:00", "is not an ISO 8601")]
    [InlineData("2023-03-04Z", "is not an ISO 8601")]
    [InlineData("2023-02-29", "is not a calendar date")]
    [InlineData("2023-13-01", "is not a calendar date")]
    [InlineData("0000-01-01", "is not a calendar date")]
    [InlineData("2023-01-01T24:00", "is not a time of day")]
    [InlineData("2023-01-01T23:59:60", "is not a time of day")]
    [InlineData("2023-01-01T10:00:00.", "no digits")]
    [InlineData("2023-01-01T10:00:00.12345678", "more than 7 digits")]
    [InlineData("0001-01-01T00:00+01:00", "overflows")]
    [InlineData("9999-12-31T23:00-05:00", "overflows")]
    [InlineData("2023-01-01\0", "is not an ISO 8601")]
    [InlineData("", "is not an ISO 8601")]
    public void Iso8601_Refuses_EverythingElse_SayingWhy(string text, string why)
    {
        Assert.False(TimestampParser.Iso8601.TryParse(text, out _, out var problem));
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Exact_AcceptsOnlyItsFormat()
    {
        var parser = TimestampParser.Exact("yyyyMMdd");
        Assert.Equal(new DateTimeOffset(1997, 1, 1, 0, 0, 0, TimeSpan.Zero), parser.Parse("19970101"));
        Assert.False(parser.TryParse("1997-01-01", out _, out var problem));
        Assert.Contains("--date-format", problem, StringComparison.Ordinal);
        Assert.False(parser.TryParse(" 19970101", out _, out _));
    }

    [Fact]
    public void Exact_WithoutDayMonthYear_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => TimestampParser.Exact("HH:mm"));
        Assert.Contains("needs a year (y), month (M) and day (d)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithTimeZone_GivesOffsetLessValuesTheZonesOffset_AndKeepsWrittenOffsets()
    {
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var parser = TimestampParser.Iso8601.WithTimeZone(tokyo);
        Assert.Equal(TimeSpan.FromHours(9), parser.Parse("2024-03-01T23:30").Offset);
        Assert.Equal(TimeSpan.FromHours(-5), parser.Parse("2024-03-01T23:30-05:00").Offset);
        var berlin = TimestampParser.Iso8601.WithTimeZone(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        Assert.Equal(TimeSpan.FromHours(2), berlin.Parse("2024-07-01").Offset); // summer time
        Assert.Equal(TimeSpan.FromHours(1), berlin.Parse("2024-01-01").Offset);
    }

    /// <summary>Every instant with a whole-minute offset within ±14 h, written in the round-trip form, reads back to the same instant and offset.</summary>
    [Property(MaxTest = 500)]
    public Property Iso8601_RoundTripsEveryInstant() =>
        Prop.ForAll(
            (from ticks in Gen.Choose(0, int.MaxValue).Select(i => (long)i * (DateTime.MaxValue.Ticks / int.MaxValue))
             from minutes in Gen.Choose(-14 * 60, 14 * 60)
             select (ticks, minutes)).ToArbitrary(),
            x =>
            {
                var offset = TimeSpan.FromMinutes(x.minutes);
                var utc = Math.Clamp(x.ticks, Math.Max(0, -offset.Ticks), DateTime.MaxValue.Ticks - Math.Max(0, offset.Ticks));
                var value = new DateTimeOffset(new DateTime(utc + offset.Ticks), offset);
                var text = value.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", System.Globalization.CultureInfo.InvariantCulture);
                return TimestampParser.Iso8601.TryParse(text, out var back, out _) && back == value && back.Offset == value.Offset;
            });
}
