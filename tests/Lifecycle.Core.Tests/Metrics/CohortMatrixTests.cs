using Lifecycle.Metrics;

namespace Lifecycle.Tests.Metrics;

public sealed class CohortMatrixTests
{
    private static readonly PeriodCalendar Months = new(PeriodGranularity.Month);
    private static readonly DateTimeOffset End = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FromTransactions_ShopLog_MatchesHandCountedTriangle()
    {
        // Cohorts: January X, Y, V; February Z; March W; April nobody. W's May purchase is after the end.
        var m = CohortMatrix.FromTransactions(ChurnAnalysisTests.ShopLog(), Months, End);

        Assert.Equal(CohortActivity.Purchased, m.Activity);
        Assert.Equal(4, m.CohortCount);
        Assert.Equal(["2024-01", "2024-02", "2024-03", "2024-04"], Enumerable.Range(0, 4).Select(i => m.Cohort(i).Label));
        Assert.Equal([3, 1, 1, 0], Enumerable.Range(0, 4).Select(m.CohortSize));
        Assert.Equal([4, 3, 2, 1], Enumerable.Range(0, 4).Select(m.Ages));
        Assert.Equal(5, m.TotalCustomers);

        Assert.Equal([3, 2, 0, 1], Enumerable.Range(0, 4).Select(a => m.Customers(0, a)));   // X, V buy in Feb; X in Apr
        Assert.Equal([160m, 80m, 0m, 80m], Enumerable.Range(0, 4).Select(a => m.Revenue(0, a)));
        Assert.Equal([1, 0, 0], Enumerable.Range(0, 3).Select(a => m.Customers(1, a)));
        Assert.Equal(2.0 / 3, m.CustomerRetention(0, 1).Value, 15);
        Assert.Equal(0.5, m.RevenueRetention(0, 1).Value);
        Assert.False(m.CustomerRetention(3, 0).IsDefined); // nobody acquired in April
    }

    [Fact]
    public void FromTransactions_TimeOrderedLog_TakesTheSinglePassAndAgrees()
    {
        var m = CohortMatrix.FromTransactions(ChurnAnalysisTests.ShopLog().OrderBy(t => t.Timestamp).ToArray(), Months, End);

        Assert.Equal([3, 1, 1, 0], Enumerable.Range(0, 4).Select(m.CohortSize));
        Assert.Equal([3, 2, 0, 1], Enumerable.Range(0, 4).Select(a => m.Customers(0, a)));
        Assert.Equal([160m, 80m, 0m, 80m], Enumerable.Range(0, 4).Select(a => m.Revenue(0, a)));
        Assert.Equal([1, 0], Enumerable.Range(0, 2).Select(a => m.Customers(2, a)));
    }

    [Fact]
    public void FromTransactions_WeeklyAndQuarterly_UseTheirCalendars()
    {
        var weekly = CohortMatrix.FromTransactions(ChurnAnalysisTests.ShopLog(), new PeriodCalendar(PeriodGranularity.Week), End);
        Assert.Equal("2024-W01", weekly.Cohort(0).Label); // X on Friday 2024-01-05
        Assert.Equal(5, weekly.TotalCustomers);

        // Quarters: Q1 holds everyone; Q2 (April..June) holds the end, so it is incomplete and excluded.
        var quarterly = CohortMatrix.FromTransactions(ChurnAnalysisTests.ShopLog(), new PeriodCalendar(PeriodGranularity.Quarter), new DateTimeOffset(2024, 7, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(2, quarterly.CohortCount);
        Assert.Equal(5, quarterly.CohortSize(0));
        Assert.Equal(2, quarterly.Customers(0, 1)); // X in April, W in May
        Assert.Equal(80m + 999m, quarterly.Revenue(0, 1));
    }

    [Fact]
    public void FromSubscriptions_SaasBook_CountsActiveAtPeriodEnd()
    {
        var m = CohortMatrix.FromSubscriptions(ChurnAnalysisTests.SaasBook(), Months, End, new SubscriptionChurn<string>());

        Assert.Equal(CohortActivity.ActiveAtPeriodEnd, m.Activity);
        Assert.Equal([4, 1, 0, 0], Enumerable.Range(0, 4).Select(m.CohortSize));
        Assert.Equal([4, 3, 3, 3], Enumerable.Range(0, 4).Select(a => m.Customers(0, a)));   // D leaves Feb 1, back Mar 15
        Assert.Equal([70m, 40m, 65m, 65m], Enumerable.Range(0, 4).Select(a => m.Revenue(0, a)));
        Assert.Equal([0, 0, 0], Enumerable.Range(0, 3).Select(a => m.Customers(1, a)));      // C never reached a month end
        Assert.False(m.RevenueRetention(1, 1).IsDefined);
        Assert.Equal(65.0 / 70, m.RevenueRetention(0, 3).Value, 15);
    }

    [Fact]
    public void Customers_OutsideObservedTriangle_ThrowsSayingCensored()
    {
        var m = CohortMatrix.FromTransactions(ChurnAnalysisTests.ShopLog(), Months, End);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => m.Customers(2, 2));
        Assert.Contains("not observed yet (right-censored", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => m.CohortSize(4));
        Assert.Contains("cohort = 4 must be between 0 and 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTransactions_EmptyOrNegative_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => CohortMatrix.FromTransactions(Array.Empty<Transaction<int>>(), Months, End));
        Assert.Contains("there are no transactions", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => CohortMatrix.FromTransactions([new Transaction<int>(1, End.AddDays(-60), -1m)], Months, End));
        Assert.Contains("must be zero or positive", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => CohortMatrix.FromTransactions([new Transaction<string>("", End.AddDays(-60), 1m)], Months, End));
        Assert.Contains("customer id is null or empty", e.Message, StringComparison.Ordinal);
    }
}
