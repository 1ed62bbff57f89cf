using Lifecycle.Metrics;

namespace Lifecycle.Tests.Metrics;

public sealed class PeriodCalendarTests
{
    private static DateTimeOffset Utc(int y, int m, int d, int h = 0) => new(y, m, d, h, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Week_StartsOnIsoMonday()
    {
        var weeks = new PeriodCalendar(PeriodGranularity.Week);

        // 2024-01-01 is a Monday; 2023-12-31 a Sunday.
        var p = weeks.PeriodOf(Utc(2024, 1, 3, 15));
        Assert.Equal(Utc(2024, 1, 1), p.Start);
        Assert.Equal(Utc(2024, 1, 8), p.End);
        Assert.Equal("2024-W01", p.Label);
        Assert.Equal(p.Index - 1, weeks.IndexOf(Utc(2023, 12, 31, 23)));
        Assert.Equal(DayOfWeek.Monday, weeks.StartOf(weeks.IndexOf(Utc(2026, 11, 23))).DayOfWeek);
    }

    [Fact]
    public void Week_LabelUsesIsoWeekYear()
    {
        var weeks = new PeriodCalendar(PeriodGranularity.Week);

        // 2021-01-03 (Sunday) belongs to ISO week 53 of 2020; 2024-12-30 (Monday) to week 1 of 2025.
        Assert.Equal("2020-W53", weeks.PeriodOf(Utc(2021, 1, 3)).Label);
        Assert.Equal("2025-W01", weeks.PeriodOf(Utc(2024, 12, 30)).Label);
    }

    [Fact]
    public void MonthAndQuarter_HaveCalendarBoundsAndLabels()
    {
        var months = new PeriodCalendar(PeriodGranularity.Month);
        var feb = months.PeriodOf(Utc(2024, 2, 29, 23));
        Assert.Equal(Utc(2024, 2, 1), feb.Start);
        Assert.Equal(Utc(2024, 3, 1), feb.End);
        Assert.Equal("2024-02", feb.ToString());
        Assert.Equal(months.IndexOf(Utc(2023, 12, 31)) + 1, months.IndexOf(Utc(2024, 1, 1)));

        var quarters = new PeriodCalendar(PeriodGranularity.Quarter);
        var q = quarters.PeriodOf(Utc(2024, 9, 30));
        Assert.Equal(Utc(2024, 7, 1), q.Start);
        Assert.Equal(Utc(2024, 10, 1), q.End);
        Assert.Equal("2024-Q3", q.Label);
    }

    [Fact]
    public void UtcOffset_MovesBoundariesToLocalMidnight()
    {
        var months = new PeriodCalendar(PeriodGranularity.Month, TimeSpan.FromHours(2));

        // 2024-01-31 23:00 UTC is 2024-02-01 01:00 at +02:00.
        var p = months.PeriodOf(Utc(2024, 1, 31, 23));
        Assert.Equal("2024-02", p.Label);
        Assert.Equal(new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.FromHours(2)), p.Start);
    }

    [Fact]
    public void Constructor_BadGranularityOrOffset_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new PeriodCalendar(PeriodGranularity.None));
        Assert.Contains("must be Week, Month or Quarter", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new PeriodCalendar(PeriodGranularity.Month, TimeSpan.FromHours(15)));
        Assert.Contains("±14 hours", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_IndexOf_ThrowsInvalidOperation()
    {
        var e = Assert.Throws<InvalidOperationException>(() => default(PeriodCalendar).IndexOf(Utc(2024, 1, 1)));
        Assert.Contains("no granularity", e.Message, StringComparison.Ordinal);
    }
}
