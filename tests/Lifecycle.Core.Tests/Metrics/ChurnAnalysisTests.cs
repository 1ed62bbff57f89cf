using Lifecycle.Metrics;

namespace Lifecycle.Tests.Metrics;

public sealed class ChurnAnalysisTests
{
    private static readonly PeriodCalendar Months = new(PeriodGranularity.Month);
    private static readonly DateTimeOffset End = Utc(2024, 5, 1);

    private static DateTimeOffset Utc(int y, int m, int d) => new(y, m, d, 0, 0, 0, TimeSpan.Zero);

    private static Transaction<string> T(string id, int m, int d, decimal amount) => new(id, Utc(2024, m, d), amount);

    private static Subscription<string> S(string id, DateTimeOffset start, DateTimeOffset? end, decimal mrr) => new(id, start, end, mrr);

    /// <summary>
    /// Hand-worked non-contractual example (30-day inactivity window, months Jan..Apr 2024, end 2024-05-01).
    /// X buys Jan 5, Feb 10, Apr 20: spells [Jan 5, Feb 4), [Feb 10, Mar 11), [Apr 20, censored).
    /// Y buys Jan 20, Jan 25: [Jan 20, Feb 24). V buys Jan 10, Feb 15: [Jan 10, Feb 9), [Feb 15, Mar 16).
    /// Z buys Feb 3, Feb 5: [Feb 3, Mar 6). W buys Mar 1: [Mar 1, Mar 31). One transaction after the end.
    /// </summary>
    internal static Transaction<string>[] ShopLog() =>
    [
        T("X", 1, 5, 100), T("X", 2, 10, 50), T("X", 4, 20, 80),
        T("Y", 1, 25, 10), T("Y", 1, 20, 40),
        T("V", 2, 15, 30), T("V", 1, 10, 10),
        T("Z", 2, 3, 30), T("Z", 2, 5, 20),
        T("W", 3, 1, 200),
        T("W", 5, 3, 999),
    ];

    /// <summary>
    /// Hand-worked contractual example (months Jan..Apr 2024, end 2024-05-01). A runs from Jan 1; B Jan 15..Mar 10;
    /// C Feb 1..Feb 20 (new and lost in February); D Jan 1..Feb 1 then again from Mar 15 (reactivation);
    /// E from Jan 10 (ending after the end: censored) plus a second subscription from Mar 1 (expansion).
    /// </summary>
    internal static Subscription<string>[] SaasBook() =>
    [
        S("A", Utc(2024, 1, 1), null, 10),
        S("B", Utc(2024, 1, 15), Utc(2024, 3, 10), 20),
        S("C", Utc(2024, 2, 1), Utc(2024, 2, 20), 5),
        S("D", Utc(2024, 3, 15), null, 40),
        S("D", Utc(2024, 1, 1), Utc(2024, 2, 1), 30),
        S("E", Utc(2024, 1, 10), Utc(2024, 6, 1), 10),
        S("E", Utc(2024, 3, 1), null, 5),
    ];

    [Fact]
    public void Analyze_Transactions_MatchesHandCountedPeriods()
    {
        var report = ChurnAnalysis.Analyze(ShopLog(), Months, End, new InactivityChurn<string>(TimeSpan.FromDays(30)));

        Assert.Equal(["2024-01", "2024-02", "2024-03", "2024-04"], report.Periods.Select(p => p.Period.Label));
        Assert.Equal(5, report.Customers);
        Assert.Equal(1, report.RecordsAfterObservationEnd);
        Assert.Equal("inactivity 30 days", report.Definition);

        //                     start new react lost newLost reactLost end
        AssertCounts(report.Periods[0], 0, 3, 0, 0, 0, 0, 3);
        AssertCounts(report.Periods[1], 3, 1, 2, 3, 0, 0, 3);
        AssertCounts(report.Periods[2], 3, 1, 0, 3, 1, 0, 0);
        AssertCounts(report.Periods[3], 0, 0, 1, 0, 0, 0, 1);

        Assert.Equal(1.0, report.Periods[1].ChurnRate.Value);
        Assert.Equal(0.0, report.Periods[1].RetentionRate.Value); // (3 at end − 1 new − 2 reactivated) / 3
        Assert.Equal(1.0, report.Periods[2].ChurnRate.Value);   // W, acquired and lost in March, is not in it
    }

    [Fact]
    public void Analyze_NoCustomersAtStart_RatesAreUndefinedNotZero()
    {
        var report = ChurnAnalysis.Analyze(ShopLog(), Months, End, new InactivityChurn<string>(TimeSpan.FromDays(30)));

        Assert.False(report.Periods[0].ChurnRate.IsDefined);
        Assert.False(report.Periods[3].ChurnRate.IsDefined);
        Assert.False(report.Periods[3].RetentionRate.IsDefined);
        Assert.Equal("undefined", report.Periods[3].ChurnRate.ToString());
    }

    [Fact]
    public void Analyze_Transactions_RevenueMovementsMatchHandComputation()
    {
        var report = ChurnAnalysis.Analyze(ShopLog(), Months, End, new InactivityChurn<string>(TimeSpan.FromDays(30)));
        var r = report.Revenue;

        //                  start  new  react  exp  contr churn  end
        AssertRevenue(r[0], 0, 160, 0, 0, 0, 0, 160);
        AssertRevenue(r[1], 160, 50, 0, 20, 50, 50, 130);   // X 100→50, Y 50→0, V 10→30, Z new
        AssertRevenue(r[2], 130, 200, 0, 0, 0, 130, 200);   // X, V, Z stop; W new
        AssertRevenue(r[3], 200, 0, 80, 0, 0, 200, 80);     // W stops; X back after a month without purchases

        Assert.Equal(0.375, r[1].GrossRevenueRetention.Value);  // (160 − 50 − 50) / 160
        Assert.Equal(0.5, r[1].NetRevenueRetention.Value);      // (160 + 20 − 100) / 160
        Assert.Equal(0.625, r[1].RevenueChurnRate.Value);
        Assert.False(r[0].GrossRevenueRetention.IsDefined);     // no revenue before the first period
    }

    [Fact]
    public void Analyze_Subscriptions_MatchesHandCountedPeriodsAndRevenue()
    {
        var report = ChurnAnalysis.Analyze(SaasBook(), Months, End, new SubscriptionChurn<string>());

        AssertCounts(report.Periods[0], 0, 4, 0, 0, 0, 0, 4);
        AssertCounts(report.Periods[1], 4, 1, 0, 1, 1, 0, 3);  // D ends Feb 1 (lost in Feb); C new and lost
        AssertCounts(report.Periods[2], 3, 0, 1, 1, 0, 0, 3);  // B lost; D reactivated
        AssertCounts(report.Periods[3], 3, 0, 0, 0, 0, 0, 3);
        Assert.Equal(0.25, report.Periods[1].ChurnRate.Value);
        Assert.Equal(0.75, report.Periods[1].RetentionRate.Value);
        Assert.Equal(1.0 / 3, report.Periods[2].ChurnRate.Value, 15);
        Assert.Equal(2.0 / 3, report.Periods[2].RetentionRate.Value, 15);

        var r = report.Revenue;
        AssertRevenue(r[0], 0, 70, 0, 0, 0, 0, 70);
        AssertRevenue(r[1], 70, 0, 0, 0, 0, 30, 40);     // C never pays at a month end
        AssertRevenue(r[2], 40, 0, 40, 5, 0, 20, 65);
        AssertRevenue(r[3], 65, 0, 0, 0, 0, 0, 65);
        Assert.Equal(0.5, r[2].GrossRevenueRetention.Value);
        Assert.Equal(0.625, r[2].NetRevenueRetention.Value);
        Assert.Equal(1.0, r[3].NetRevenueRetention.Value);
    }

    [Fact]
    public void Analyze_SubscriptionsByQuarter_SamePeriodLossesAndContraction()
    {
        // Q1 2024: A, B, C, D, E acquired; B, C and D's first spell end inside Q1 (new-lost, not churn); D comes back in March.
        // Q2: E's first subscription ends Jun 1 while the second runs: no churn, but MRR 65 → 55 (contraction 10).
        var report = ChurnAnalysis.Analyze(SaasBook(), new PeriodCalendar(PeriodGranularity.Quarter), Utc(2024, 7, 1), new SubscriptionChurn<string>());

        Assert.Equal(["2024-Q1", "2024-Q2"], report.Periods.Select(p => p.Period.Label));
        AssertCounts(report.Periods[0], 0, 5, 1, 0, 3, 0, 3);
        AssertCounts(report.Periods[1], 3, 0, 0, 0, 0, 0, 3);
        Assert.Equal(0.0, report.Periods[1].ChurnRate.Value);
        AssertRevenue(report.Revenue[1], 65, 0, 0, 0, 10, 0, 55);
        Assert.Equal(55.0 / 65, report.Revenue[1].GrossRevenueRetention.Value, 15);
        Assert.Equal(10.0 / 65, report.Revenue[1].RevenueChurnRate.Value, 15);
    }

    [Fact]
    public void Analyze_SubscriptionGrace_LateRenewalIsNotChurn()
    {
        Subscription<string>[] book =
        [
            S("A", Utc(2024, 1, 1), Utc(2024, 2, 10), 10),
            S("A", Utc(2024, 2, 12), null, 10),
        ];

        var strict = ChurnAnalysis.Analyze(book, Months, End, new SubscriptionChurn<string>());
        var lenient = ChurnAnalysis.Analyze(book, Months, End, new SubscriptionChurn<string>(TimeSpan.FromDays(7)));

        Assert.Equal(1, strict.Periods[1].Lost);
        Assert.Equal(1, strict.Periods[1].Reactivated);
        Assert.Equal(0, lenient.Periods[1].Lost);
        Assert.Equal(0, lenient.Periods[1].Reactivated);
        Assert.Equal(1, lenient.SpellCount);
    }

    [Fact]
    public void Analyze_CustomDefinition_PlugsInLikeTheBuiltIns()
    {
        // A contributor's definition: a customer churns at their first zero-amount transaction (say, a cancellation record).
        var log = new[] { T("A", 1, 3, 10), T("A", 2, 7, 0), T("B", 1, 9, 5), T("B", 3, 2, 5) };
        var report = ChurnAnalysis.Analyze(log, Months, End, new ZeroAmountMeansChurn());

        Assert.Equal("zero amount", report.Definition);
        Assert.Equal(1, report.Periods[1].Lost);
        Assert.Equal(0.5, report.Periods[1].ChurnRate.Value);
        Assert.Equal(1, report.Periods[3].CustomersAtEnd);
    }

    [Fact]
    public void Analyze_DefinitionBreakingItsContract_ThrowsNamingIt()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ChurnAnalysis.Analyze(ShopLog(), Months, End, new OverlappingSpells()));
        Assert.Contains("Churn definition 'overlapping'", e.Message, StringComparison.Ordinal);
        Assert.Contains("before the previous spell ends", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_DefinitionStartingBeforeFirstRecord_Throws()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ChurnAnalysis.Analyze(ShopLog(), Months, End, new ActiveBeforeFirstSeen()));
        Assert.Contains("before the customer's first record", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_NegativeAmount_ThrowsNamingTransaction()
    {
        var log = new[] { T("A", 1, 3, 10), T("A", 2, 7, -4) };
        var e = Assert.Throws<ArgumentException>(() => ChurnAnalysis.Analyze(log, Months, End, new InactivityChurn<string>(TimeSpan.FromDays(30))));
        Assert.Contains("transaction 1 (customer A", e.Message, StringComparison.Ordinal);
        Assert.Contains("amount = -4 must be zero or positive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_NoRecordsOrNoCompletePeriod_Throws()
    {
        var churn = new InactivityChurn<string>(TimeSpan.FromDays(30));
        var e = Assert.Throws<ArgumentException>(() => ChurnAnalysis.Analyze(Array.Empty<Transaction<string>>(), Months, End, churn));
        Assert.Contains("there are no transactions before the observation end", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ArgumentException>(() => ChurnAnalysis.Analyze(new[] { T("A", 4, 3, 1) }, Months, Utc(2024, 4, 20), churn));
        Assert.Contains("leaves no complete Month", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Subscription_EndBeforeStart_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => S("A", Utc(2024, 2, 1), Utc(2024, 1, 1), 10));
        Assert.Contains("cannot end before it starts", e.Message, StringComparison.Ordinal);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => S("A", Utc(2024, 1, 1), null, -1));
        Assert.Contains("recurringRevenue = -1 must be zero or positive", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InactivityChurn_NonPositiveWindow_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new InactivityChurn<string>(TimeSpan.Zero));
        Assert.Contains("must be positive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InactivityChurn_ChurnAtOrAfterObservationEnd_IsCensored()
    {
        var spells = new List<ActivitySpell>();
        var definition = new InactivityChurn<string>(TimeSpan.FromDays(30));

        // Last purchase Apr 1: churn would be May 1 = the observation end, not yet observed.
        definition.AddSpells([T("A", 4, 1, 5)], End, spells);
        Assert.Null(Assert.Single(spells).End);

        spells.Clear();
        definition.AddSpells([T("A", 3, 31, 5)], End, spells);
        Assert.Equal(Utc(2024, 4, 30), Assert.Single(spells).End);
    }

    [Fact]
    public void Lifetimes_StudyStart_GivesLateEntryAndDropsEarlierChurners()
    {
        var report = ChurnAnalysis.Analyze(SaasBook(), Months, End, new SubscriptionChurn<string>());

        var all = report.Lifetimes(TimeUnit.Days);
        Assert.Equal(5, all.Length);
        Assert.All(all, o => Assert.Equal(0, o.Entry));
        Assert.Contains(new SurvivalObservation(0, 31, true), all);   // D: Jan 1 .. Feb 1 (first spell only)
        Assert.Contains(new SurvivalObservation(0, 121, false), all); // A: Jan 1 .. May 1, censored

        var late = report.Lifetimes(TimeUnit.Days, Utc(2024, 2, 15));

        // D's first spell ended before the study start: left out. The others enter at their age on Feb 15.
        Assert.Equal(4, late.Length);
        Assert.Contains(new SurvivalObservation(45, 121, false), late); // A
        Assert.Contains(new SurvivalObservation(31, 55, true), late);   // B: Jan 15 .. Mar 10
        Assert.Contains(new SurvivalObservation(14, 19, true), late);   // C: Feb 1 .. Feb 20
        Assert.Contains(new SurvivalObservation(36, 112, false), late); // E
    }

    private static void AssertCounts(PeriodChurn p, int start, int newCustomers, int reactivated, int lost, int newLost, int reactivatedLost, int end)
    {
        Assert.Equal(
            (start, newCustomers, reactivated, lost, newLost, reactivatedLost, end),
            (p.CustomersAtStart, p.NewCustomers, p.Reactivated, p.Lost, p.NewLost, p.ReactivatedLost, p.CustomersAtEnd));
    }

    private static void AssertRevenue(PeriodRevenue r, decimal start, decimal newRevenue, decimal reactivation, decimal expansion, decimal contraction, decimal churned, decimal end)
    {
        Assert.Equal(
            (start, newRevenue, reactivation, expansion, contraction, churned, end),
            (r.StartRevenue, r.New, r.Reactivation, r.Expansion, r.Contraction, r.Churned, r.EndRevenue));
    }

    private sealed class ZeroAmountMeansChurn : IChurnDefinition<Transaction<string>>
    {
        public string Name => "zero amount";

        public void AddSpells(ReadOnlySpan<Transaction<string>> customerRecords, DateTimeOffset observationEnd, ICollection<ActivitySpell> spells)
        {
            foreach (var t in customerRecords)
            {
                if (t.Amount == 0)
                {
                    spells.Add(new ActivitySpell(customerRecords[0].Timestamp, t.Timestamp));
                    return;
                }
            }

            spells.Add(new ActivitySpell(customerRecords[0].Timestamp, null));
        }
    }

    private sealed class ActiveBeforeFirstSeen : IChurnDefinition<Transaction<string>>
    {
        public string Name => "early";

        public void AddSpells(ReadOnlySpan<Transaction<string>> customerRecords, DateTimeOffset observationEnd, ICollection<ActivitySpell> spells) =>
            spells.Add(new ActivitySpell(customerRecords[0].Timestamp.AddDays(-1), null));
    }

    private sealed class OverlappingSpells : IChurnDefinition<Transaction<string>>
    {
        public string Name => "overlapping";

        public void AddSpells(ReadOnlySpan<Transaction<string>> customerRecords, DateTimeOffset observationEnd, ICollection<ActivitySpell> spells)
        {
            var t = customerRecords[0].Timestamp;
            spells.Add(new ActivitySpell(t, t.AddDays(10)));
            spells.Add(new ActivitySpell(t.AddDays(5), null));
        }
    }
}
