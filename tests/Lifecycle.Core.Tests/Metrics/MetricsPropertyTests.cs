using FsCheck;
using FsCheck.Xunit;
using Lifecycle.Metrics;
using Lifecycle.Tests.Arbitraries;

namespace Lifecycle.Tests.Metrics;

public sealed class MetricsPropertyTests
{
    private static readonly PeriodGranularity[] Granularities = [PeriodGranularity.Week, PeriodGranularity.Month, PeriodGranularity.Quarter];

    [Property(Arbitrary = [typeof(MetricsArbitraries)], MaxTest = 200)]
    public bool ChurnPlusRetention_IsOne_WheneverDefined(Subscription<int>[] book)
    {
        var report = ChurnAnalysis.Analyze(book, new PeriodCalendar(PeriodGranularity.Month), MetricsArbitraries.End, new SubscriptionChurn<int>());
        return report.Periods.All(p =>
            p.ChurnRate.IsDefined == (p.CustomersAtStart > 0)
            && (!p.ChurnRate.IsDefined || p.ChurnRate.DecimalValue + p.RetentionRate.DecimalValue == 1)
            && p.CustomersAtEnd == p.CustomersAtStart + p.NewCustomers + p.Reactivated - p.Lost - p.NewLost - p.ReactivatedLost);
    }

    [Property(Arbitrary = [typeof(MetricsArbitraries)], MaxTest = 200)]
    public bool ClosedCohort_RetentionPlusChurnIsOne_AndNothingIsGained(Transaction<int>[] log)
    {
        // Close the cohort: keep only customers whose first purchase is in the first month; after it nobody is new.
        var firstMonth = MetricsArbitraries.Start.AddMonths(1);
        var cohort = log.GroupBy(t => t.CustomerId).Where(g => g.Min(t => t.Timestamp) < firstMonth).SelectMany(g => g).ToArray();
        if (cohort.Length == 0)
        {
            return true;
        }

        var report = ChurnAnalysis.Analyze(cohort, new PeriodCalendar(PeriodGranularity.Month), MetricsArbitraries.End, new InactivityChurn<int>(TimeSpan.FromDays(45)));
        return report.Periods.Skip(1).All(p =>
            p.NewCustomers == 0
            && (!p.ChurnRate.IsDefined || p.ChurnRate.DecimalValue + p.RetentionRate.DecimalValue == 1));
    }

    [Property(Arbitrary = [typeof(MetricsArbitraries)], MaxTest = 200)]
    public bool GrossRevenueRetention_LiesInZeroToOne_AndRevenueBalances(Transaction<int>[] log, byte g)
    {
        var calendar = new PeriodCalendar(Granularities[g % 3]);
        var end = MetricsArbitraries.End;
        if (calendar.IndexOf(log.Min(t => t.Timestamp)) >= calendar.IndexOf(end))
        {
            return true;
        }

        var report = ChurnAnalysis.Analyze(log, calendar, end, new InactivityChurn<int>(TimeSpan.FromDays(30)));
        return report.Revenue.All(r =>
            (!r.GrossRevenueRetention.IsDefined || (r.GrossRevenueRetention.DecimalValue is >= 0 and <= 1))
            && (!r.NetRevenueRetention.IsDefined || r.NetRevenueRetention.DecimalValue >= r.GrossRevenueRetention.DecimalValue)
            && r.EndRevenue == r.StartRevenue + r.New + r.Reactivation + r.Expansion - r.Contraction - r.Churned)
            && report.Revenue.Zip(report.Revenue.Skip(1)).All(pair => pair.First.EndRevenue == pair.Second.StartRevenue);
    }

    [Property(Arbitrary = [typeof(MetricsArbitraries)], MaxTest = 200)]
    public bool GrossRevenueRetention_NeverAboveOne_ForSubscriptions(Subscription<int>[] book)
    {
        var report = ChurnAnalysis.Analyze(book, new PeriodCalendar(PeriodGranularity.Month), MetricsArbitraries.End, new SubscriptionChurn<int>());
        return report.Revenue.All(r => !r.GrossRevenueRetention.IsDefined || r.GrossRevenueRetention.DecimalValue <= 1);
    }

    [Property(Arbitrary = [typeof(MetricsArbitraries)], MaxTest = 300)]
    public bool KaplanMeier_IsNonIncreasingWithinZeroOne(SurvivalObservation[] data)
    {
        var curve = KaplanMeier.Fit(data);
        var s = curve.Survival;
        for (var j = 0; j < s.Length; j++)
        {
            if (s[j] is < 0 or > 1 || (j > 0 && s[j] > s[j - 1]) || curve.AtRisk[j] < curve.Events[j])
            {
                return false;
            }

            if (!double.IsNaN(curve.Lower[j]) && !(curve.Lower[j] <= s[j] && s[j] <= curve.Upper[j] && curve.Lower[j] >= 0 && curve.Upper[j] <= 1))
            {
                return false;
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(MetricsArbitraries)], MaxTest = 200)]
    public bool KaplanMeier_WithoutCensoring_IsTheEmpiricalSurvival(SurvivalObservation[] data)
    {
        var exits = data.Select(o => o.Exit).ToArray();
        var curve = KaplanMeier.Fit(exits.Select(x => new SurvivalObservation(x, true)).ToArray());
        for (var j = 0; j < curve.Count; j++)
        {
            var surviving = exits.Count(x => x > curve.Times[j]) / (double)exits.Length;
            if (Math.Abs(curve.Survival[j] - surviving) > 1e-12)
            {
                return false;
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(MetricsArbitraries)], MaxTest = 200)]
    public bool CohortCounts_AddUpToTheCustomers(Transaction<int>[] log, byte g)
    {
        var calendar = new PeriodCalendar(Granularities[g % 3]);
        var end = MetricsArbitraries.End;
        var before = log.Where(t => t.Timestamp < end).ToArray();
        if (before.Length == 0 || calendar.IndexOf(before.Min(t => t.Timestamp)) >= calendar.IndexOf(end))
        {
            return true;
        }

        var m = CohortMatrix.FromTransactions(log, calendar, end);
        var customers = before.Select(t => t.CustomerId).Distinct().Count();
        var sizes = Enumerable.Range(0, m.CohortCount).Sum(m.CohortSize);
        var revenueInComplete = before.Where(t => calendar.IndexOf(t.Timestamp) < calendar.IndexOf(end)).Sum(t => t.Amount);
        var revenueInCells = Enumerable.Range(0, m.CohortCount).Sum(c => Enumerable.Range(0, m.Ages(c)).Sum(a => m.Revenue(c, a)));
        return sizes == m.TotalCustomers
            && sizes + m.CustomersInIncompletePeriod == customers
            && Enumerable.Range(0, m.CohortCount).All(c => m.Customers(c, 0) == m.CohortSize(c)
                && Enumerable.Range(0, m.Ages(c)).All(a => m.Customers(c, a) <= m.CohortSize(c)))
            && revenueInCells == revenueInComplete;
    }

    [Property(Arbitrary = [typeof(MetricsArbitraries)], MaxTest = 200)]
    public bool CohortMatrix_TimeOrderedFastPath_EqualsGroupedPath(Transaction<int>[] log, byte g)
    {
        var calendar = new PeriodCalendar(Granularities[g % 3]);
        var end = MetricsArbitraries.End;
        var ordered = log.OrderBy(t => calendar.IndexOf(t.Timestamp)).ThenByDescending(t => t.Timestamp).ToArray(); // period order, reversed within periods
        var shuffled = ordered.Reverse().ToArray();
        if (ordered[0].Timestamp >= end || calendar.IndexOf(ordered[0].Timestamp) >= calendar.IndexOf(end) || log.Select(t => calendar.IndexOf(t.Timestamp)).Distinct().Count() < 2)
        {
            return true;
        }

        var a = CohortMatrix.FromTransactions(ordered, calendar, end);
        var b = CohortMatrix.FromTransactions(shuffled, calendar, end);
        return a.CohortCount == b.CohortCount
            && a.CustomersInIncompletePeriod == b.CustomersInIncompletePeriod
            && Enumerable.Range(0, a.CohortCount).All(c => a.CohortSize(c) == b.CohortSize(c)
                && Enumerable.Range(0, a.Ages(c)).All(k => a.Customers(c, k) == b.Customers(c, k) && a.Revenue(c, k) == b.Revenue(c, k)));
    }

    [Property(Arbitrary = [typeof(MetricsArbitraries)], MaxTest = 100)]
    public bool SubscriptionCohorts_MatchTheChurnReport(Subscription<int>[] book)
    {
        // Summed over cohorts, "active at the end of period p" is the report's CustomersAtEnd and its revenue the report's EndRevenue.
        var calendar = new PeriodCalendar(PeriodGranularity.Month);
        var report = ChurnAnalysis.Analyze(book, calendar, MetricsArbitraries.End, new SubscriptionChurn<int>());
        var m = CohortMatrix.FromSubscriptions(book, calendar, MetricsArbitraries.End, new SubscriptionChurn<int>());
        for (var p = 0; p < report.Periods.Count; p++)
        {
            var active = 0;
            var revenue = 0m;
            for (var c = 0; c <= p; c++)
            {
                active += m.Customers(c, p - c);
                revenue += m.Revenue(c, p - c);
            }

            if (active != report.Periods[p].CustomersAtEnd || revenue != report.Revenue[p].EndRevenue)
            {
                return false;
            }
        }

        return m.TotalCustomers + m.CustomersInIncompletePeriod == report.Customers;
    }

    [Property(MaxTest = 200)]
    public bool RetentionBased_EqualsItsSeries(PositiveInt margin, byte retentionPercent, byte discountPercent)
    {
        var r = Math.Min((int)retentionPercent, 95) / 100m;
        var d = ((discountPercent % 50) + 1) / 100m;
        var clv = (double)SimpleClv.RetentionBased(margin.Get, r, d);
        double series = 0;
        for (var t = 0; t < 2000; t++)
        {
            series += margin.Get * Math.Pow((double)r / (1 + (double)d), t);
        }

        return Math.Abs(clv - series) <= 1e-9 * series;
    }
}
