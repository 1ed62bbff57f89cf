using Lifecycle.Stages;
using static Lifecycle.Tests.Stages.StageTestKit;

namespace Lifecycle.Tests.Stages;

/// <summary>Analytics and stage metrics on five hand-made customers; every expected number is worked out by hand in the comments.</summary>
public sealed class StageAnalyticsTests
{
    private static readonly StageModel Model = StageModels.ReachToLoyalty();
    private static readonly LifecycleEngine Engine = new(Model);

    // a: Reach 0 → Acquisition 10 → Conversion 20 → Retention 50 → Loyalty 60 → AtRisk 140 → Churned 230
    // b: Reach 5 → Acquisition 15
    // c: Reach 30 → Conversion 30 → AtRisk 120 → Churned 210
    // d: Reach 100
    // e: Reach 200 → Conversion 200 → Loyalty 210 → AtRisk 290 (Churned would be 380, after the report date)
    private static readonly IReadOnlyList<CustomerState> States = Engine.Run(
        [
            Touch("a1", 0, "a"), Lead("a2", 10, "a"), Buy("a3", 20, 100m, "a"), Buy("a4", 50, 50m, "a"), Nps("a5", 60, 10, "a"), Csat("a6", 61, 3, "a"),
            Touch("b1", 5, "b"), Lead("b2", 15, "b"), Csat("b3", 16, 5, "b"), Nps("b4", 17, 3, "b"),
            Buy("c1", 30, 30m, "c"),
            Touch("d1", 100, "d"), Touch("d2", 101, "d"), Nps("d3", 102, 9, "d"),
            Buy("e1", 200, 20m, "e"), Of(EventKind.Referral, "e2", 210, "e"), Nps("e3", 220, 8, "e"),
        ],
        Day(365));

    [Fact]
    public void Journeys_MatchTheHandWorkedStory()
    {
        Assert.Equal("Reach > Acquisition > Conversion > Retention > Loyalty > AtRisk > Churned", Path(States[0]));
        Assert.Equal([0.0, 10, 20, 50, 60, 140, 230], Steps(States[0]).Select(s => s.Day));
        Assert.Equal("Reach > Conversion > Loyalty > AtRisk", Path(States[4]));
    }

    [Fact]
    public void Distribution_AsOfEnd_CountsCurrentStages()
    {
        var d = StageAnalytics.Distribution(Model, States, Day(365));
        Assert.Equal([1, 1, 0, 0, 0, 1, 2], d.Select(c => c.Customers));
        Assert.Equal(0.4, d[6].Share, 12);
    }

    [Fact]
    public void Distribution_InThePast_ReadsTheJourneysAndSkipsFutureCustomers()
    {
        var d = StageAnalytics.Distribution(Model, States, Day(55));
        Assert.Equal([0, 1, 1, 1, 0, 0, 0], d.Select(c => c.Customers));
        Assert.Equal(1 / 3.0, d[1].Share, 12);
    }

    [Fact]
    public void Funnel_CountsReachedConversionAndMedianTime()
    {
        var f = StageAnalytics.Funnel(Model, States);
        Assert.Equal(["Reach", "Acquisition", "Conversion", "Retention", "Loyalty"], f.Select(s => s.Stage));
        Assert.Equal([5, 4, 3, 2, 2], f.Select(s => s.Reached));
        Assert.Null(f[0].ConversionFromPrevious);
        Assert.Equal(0.8, f[1].ConversionFromPrevious!.Value, 12);
        Assert.Equal(0.75, f[2].ConversionFromPrevious!.Value, 12);
        Assert.Equal(2 / 3.0, f[3].ConversionFromPrevious!.Value, 12);
        Assert.Equal(1.0, f[4].ConversionFromPrevious!.Value, 12);

        // Acquisition: a 10, b 10, c 0 (skipped), e 0 → median of 0,0,10,10 = 5 days. Retention: a 30, e 10 → 20 days.
        Assert.Equal([TimeSpan.FromDays(5), TimeSpan.Zero, TimeSpan.FromDays(20), TimeSpan.FromDays(5)], f.Skip(1).Select(s => s.MedianTimeFromPrevious!.Value));
    }

    [Fact]
    public void Funnel_AsOf_IgnoresLaterTransitions()
    {
        var f = StageAnalytics.Funnel(Model, States, Day(25));
        Assert.Equal([2, 2, 1, 0, 0], f.Select(s => s.Reached)); // a: Reach 0, Acquisition 10, Conversion 20; b: Reach 5, Acquisition 15; c starts at 30.
        Assert.Null(f[4].ConversionFromPrevious);
        Assert.Null(f[3].MedianTimeFromPrevious);
    }

    [Fact]
    public void Flows_CountTransitionsInPeriodAndNewEntries()
    {
        var m = StageAnalytics.Flows(Model, States, Day(0), Day(100));
        Assert.Equal(3, m.Entered("Reach"));
        Assert.Equal(2, m["Reach", "Acquisition"]);
        Assert.Equal(1, m["Reach", "Conversion"]);
        Assert.Equal(1, m["Acquisition", "Conversion"]);
        Assert.Equal(1, m["Conversion", "Retention"]);
        Assert.Equal(1, m["Retention", "Loyalty"]);
        Assert.Equal(0, m["Conversion", "AtRisk"]);
        Assert.Equal(9, m.Flows.Sum(x => x.Count));
        Assert.Throws<ArgumentException>(() => m["Nowhere", "Reach"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => StageAnalytics.Flows(Model, States, Day(5), Day(5)));
    }

    [Fact]
    public void TimeInStage_SummarizesCumulativeTimes()
    {
        var t = StageAnalytics.TimeInStage(Model, States, Day(365)).ToDictionary(x => x.Stage);
        Assert.Equal((3, 3, 1), (t["AtRisk"].Customers, t["AtRisk"].Entries, t["AtRisk"].CurrentlyIn));
        Assert.Equal(TimeSpan.FromDays(85), t["AtRisk"].MeanCumulative);
        Assert.Equal(TimeSpan.FromDays(90), t["AtRisk"].MedianCumulative);
        Assert.Equal(TimeSpan.FromDays(145), t["Churned"].MedianCumulative);
    }

    [Fact]
    public void Metrics_WholeYear_MatchHandComputedDefinitions()
    {
        var r = StageMetrics.Compute(Model, States, Day(0), Day(365), acquisitionSpend: 300m);
        Assert.Equal(new ReachMetrics(4, 3), r.Reach);
        Assert.Equal(new AcquisitionMetrics(2, 1, 0.5, 3, 300m, 100m), r.Acquisition);

        // Ratios come from Lifecycle.Metrics (decimal division), so doubles are compared to 1e-12.
        var c = r.Conversion;
        Assert.Equal((5, 3, 4, 200m, 50m, 3), (c.NewContacts, c.Converted, c.Orders, c.Revenue, c.AverageOrderValue!.Value, c.Purchasers));
        Assert.Equal(0.6, c.ConversionRate!.Value, 1e-12);
        Assert.Equal(4 / 3.0, c.PurchaseFrequency!.Value, 1e-12);

        // Nobody was a customer before day 0: churn is undefined, not 0.
        var t = r.Retention;
        Assert.Equal((0, 0, (double?)null, 3, 1, 2), (t.CustomersAtStart, t.Churned, t.ChurnRate, t.Customers, t.RepeatCustomers, t.CsatResponses));
        Assert.Equal(1 / 3.0, t.RepeatPurchaseRate!.Value, 1e-12);
        Assert.Equal(0.5, t.Csat!.Value, 1e-12);

        // Latest answers a 10, b 3, d 9, e 8: 2 promoters, 1 detractor of 4 → NPS 25. Advocates a (NPS 10) and e (referral) of 3 customers.
        var l = r.Loyalty;
        Assert.Equal((4, 2, 1, 1, 2), (l.NpsRespondents, l.Promoters, l.Detractors, l.Referrals, l.Advocates));
        Assert.Equal(25.0, l.Nps!.Value, 1e-12);
        Assert.Equal(1 / 3.0, l.ReferralsPerCustomer!.Value, 1e-12);
        Assert.Equal(2 / 3.0, l.ShareOfAdvocates!.Value, 1e-12);
    }

    [Fact]
    public void Metrics_LaterPeriod_ChurnRateOverCustomersAtStart()
    {
        // At day 100: a (Loyalty) and c (Conversion) are customers; both churn in [100, 365). e is acquired in the period: not in the denominator.
        var r = StageMetrics.Compute(Model, States, Day(100), Day(365));
        Assert.Equal((2, 2, 1.0), (r.Retention.CustomersAtStart, r.Retention.Churned, r.Retention.ChurnRate));
        Assert.Null(r.Acquisition.CustomerAcquisitionCost);
        Assert.Equal(1, r.Acquisition.NewCustomers);
    }

    [Fact]
    public void Metrics_NegativeSpend_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => StageMetrics.Compute(Model, States, Day(0), Day(1), -1m));
        Assert.Contains("acquisitionSpend", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Analytics_StateOfAnotherModel_Throws()
    {
        var other = new LifecycleEngine(StageModels.AwarenessToAdvocacy()).Run([Touch("x", 0)]);
        var ex = Assert.Throws<ArgumentException>(() => StageAnalytics.Distribution(Model, other, Day(1)));
        Assert.Contains("another stage model", ex.Message, StringComparison.Ordinal);
    }
}
