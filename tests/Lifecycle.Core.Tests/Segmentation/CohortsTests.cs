using Lifecycle.Metrics;
using Lifecycle.Segmentation;

namespace Lifecycle.Tests.Segmentation;

public sealed class CohortsTests
{
    private static DateTimeOffset At(int y, int m, int d) => new(y, m, d, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ByAcquisition_Months_IncludeEmptyPeriodsBetween()
    {
        var cohorts = Cohorts.ByAcquisition([At(2024, 1, 15), At(2024, 3, 2), At(2024, 1, 31)], CohortPeriod.Month, [10, 5, 2.5]);
        Assert.Equal(new[] { new DateOnly(2024, 1, 1), new DateOnly(2024, 2, 1), new DateOnly(2024, 3, 1) }, cohorts.Starts);
        Assert.Equal(new[] { 2, 0, 1 }, cohorts.Counts.ToArray());
        Assert.Equal(new[] { 0, 2, 0 }, cohorts.Cohorts.ToArray());
        Assert.Equal(new[] { 12.5, 0, 5 }, cohorts.Values.ToArray());
        Assert.Equal(new[] { "2024-01", "2024-02", "2024-03" }, cohorts.Labels);
    }

    [Theory]
    [InlineData(CohortPeriod.Day, "2024-01-01")]
    [InlineData(CohortPeriod.Week, "2024-W01")]
    [InlineData(CohortPeriod.Quarter, "2024-Q1")]
    [InlineData(CohortPeriod.Year, "2024")]
    public void ByAcquisition_Labels_FollowTheMetricsConvention(CohortPeriod period, string label) =>
        Assert.Equal(label, Cohorts.ByAcquisition([At(2024, 1, 1)], period, []).Labels[0]);

    [Fact]
    public void ByAcquisition_MetricsCalendar_UsesItsOffsetAndLabels()
    {
        // 02:00 UTC on 1 February is 21:00 on 31 January at UTC−5: a January customer on that calendar.
        var calendar = new PeriodCalendar(PeriodGranularity.Month, TimeSpan.FromHours(-5));
        var cohorts = Cohorts.ByAcquisition([new DateTimeOffset(2024, 2, 1, 2, 0, 0, TimeSpan.Zero), At(2024, 2, 10)], calendar, []);
        Assert.Equal(new[] { "2024-01", "2024-02" }, cohorts.Labels);
        Assert.Equal(new[] { 1, 1 }, cohorts.Counts.ToArray());
        Assert.Equal(new DateOnly(2024, 1, 1), cohorts.Starts[0]);
        Assert.Equal(CohortPeriod.Month, cohorts.Period);

        var weeks = Cohorts.ByAcquisition([At(2024, 1, 7), At(2024, 1, 8)], new PeriodCalendar(PeriodGranularity.Week), []);
        Assert.Equal(new[] { "2024-W01", "2024-W02" }, weeks.Labels);
        Assert.Throws<ArgumentOutOfRangeException>(() => Cohorts.ByAcquisition([At(2024, 1, 1)], default(PeriodCalendar), []));
    }

    [Theory]
    [InlineData(2024, 1, 7, CohortPeriod.Week, 2024, 1, 1)] // Sunday belongs to the ISO week starting Monday 1 January
    [InlineData(2024, 1, 8, CohortPeriod.Week, 2024, 1, 8)]
    [InlineData(2023, 12, 31, CohortPeriod.Week, 2023, 12, 25)]
    [InlineData(2024, 5, 20, CohortPeriod.Quarter, 2024, 4, 1)]
    [InlineData(2024, 12, 31, CohortPeriod.Quarter, 2024, 10, 1)]
    [InlineData(2024, 2, 29, CohortPeriod.Month, 2024, 2, 1)]
    [InlineData(2024, 7, 4, CohortPeriod.Year, 2024, 1, 1)]
    [InlineData(2024, 7, 4, CohortPeriod.Day, 2024, 7, 4)]
    public void PeriodStart_KnownDates(int y, int m, int d, CohortPeriod period, int ey, int em, int ed) =>
        Assert.Equal(new DateOnly(ey, em, ed), Cohorts.PeriodStart(At(y, m, d), period));

    [Fact]
    public void PeriodStart_UsesTheTimestampsOwnCalendarDate()
    {
        // 23:30 at UTC−5 on 31 January is 1 February in UTC; the cohort follows the timestamp's own date.
        var late = new DateTimeOffset(2024, 1, 31, 23, 30, 0, TimeSpan.FromHours(-5));
        Assert.Equal(new DateOnly(2024, 1, 1), Cohorts.PeriodStart(late, CohortPeriod.Month));
    }

    [Fact]
    public void ByAcquisition_Empty_HasNoCohorts()
    {
        var cohorts = Cohorts.ByAcquisition([], CohortPeriod.Week, []);
        Assert.Empty(cohorts.Starts);
        Assert.True(cohorts.Counts.IsEmpty);
    }

    [Fact]
    public void ByAcquisition_UnknownFirstPurchase_ThrowsWithTheFix()
    {
        var ex = Assert.Throws<ArgumentException>(() => Cohorts.ByAcquisition<string>(SegmentationData.Ladder(), CohortPeriod.Month));
        Assert.Contains("customer 0: the first purchase is unknown", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TransactionSummarizer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ByAcquisition_BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => Cohorts.ByAcquisition([At(2024, 1, 1)], CohortPeriod.Month, [double.NaN]));
        Assert.Throws<ArgumentException>(() => Cohorts.ByAcquisition([At(2024, 1, 1)], CohortPeriod.Month, [1, 2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Cohorts.ByAcquisition([At(2024, 1, 1)], (CohortPeriod)9, []));
    }

    [Fact]
    public void ByAcquisition_SummarySet_SumsTotalSpendPerCohort()
    {
        var end = new DateTimeOffset(2024, 6, 30, 0, 0, 0, TimeSpan.Zero);
        var s = new TransactionSummarizer<int>(new SummarizerOptions(end) { Unit = TimeUnit.Days });
        s.Add(1, At(2024, 1, 3), 10m);
        s.Add(1, At(2024, 4, 3), 20m);
        s.Add(2, At(2024, 1, 20), 5m);
        s.Add(3, At(2024, 4, 1), 7m);
        var cohorts = Cohorts.ByAcquisition(s.Build(), CohortPeriod.Quarter);
        Assert.Equal(new[] { new DateOnly(2024, 1, 1), new DateOnly(2024, 4, 1) }, cohorts.Starts);
        Assert.Equal(new[] { 2, 1 }, cohorts.Counts.ToArray());
        Assert.Equal(new[] { 35.0, 7.0 }, cohorts.Values.ToArray());
    }
}
