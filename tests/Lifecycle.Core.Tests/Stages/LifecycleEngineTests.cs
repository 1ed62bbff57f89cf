using Lifecycle.Stages;
using static Lifecycle.Tests.Stages.StageTestKit;

namespace Lifecycle.Tests.Stages;

public sealed class LifecycleEngineTests
{
    private static readonly StageModel Model = StageModels.ReachToLoyalty();
    private static readonly LifecycleEngine Engine = new(Model);

    [Fact]
    public void Apply_FirstEvent_EntersInitialStageAtFirstContact()
    {
        var r = Engine.Apply(Engine.Start("c1"), Touch("t1", 3));
        Assert.Equal(ApplyOutcome.Applied, r.Outcome);
        Assert.Equal([(null, "Reach", 3.0, StageTransition.FirstContactRule, "t1")], Steps(r.State));
        Assert.Equal(1, r.Transitions.Length);
        Assert.Equal("Reach", r.State.CurrentStage!.Value.Id);
    }

    [Fact]
    public void Apply_LeadCaptured_MovesReachToAcquisition()
    {
        var s = Fold(Engine, [Touch("t1", 0), Lead("l1", 2)]);
        Assert.Equal(("Reach", "Acquisition", 2.0, "lead-captured", "l1"), Steps(s)[1]);
    }

    [Fact]
    public void Apply_FirstPurchase_MovesToConversion_RecordsRuleAndEvent()
    {
        var s = Fold(Engine, [Touch("t1", 0), Lead("l1", 2), Buy("p1", 5)]);
        Assert.Equal(("Acquisition", "Conversion", 5.0, "first-purchase", "p1"), Steps(s)[2]);
    }

    [Fact]
    public void Apply_PurchaseWithoutLead_SkipsAcquisition()
    {
        var s = Fold(Engine, [Buy("p1", 1)]);
        Assert.Equal("Reach > Conversion", Path(s));
        Assert.All(s.Journey.ToArray(), t => Assert.Equal(1.0, (t.At - Origin).TotalDays));
    }

    [Fact]
    public void Apply_SecondPurchase_MovesToRetention()
    {
        var s = Fold(Engine, [Buy("p1", 1), Buy("p2", 20)]);
        Assert.Equal(("Conversion", "Retention", 20.0, "repeat-purchase", "p2"), Steps(s)[^1]);
    }

    [Theory]
    [InlineData(9, "Loyalty")]
    [InlineData(10, "Loyalty")]
    [InlineData(8, "Retention")]
    public void Apply_NpsAnswer_PromotersMoveToLoyalty(double score, string expected)
    {
        var s = Fold(Engine, [Buy("p1", 1), Buy("p2", 20), Nps("n1", 30, score)]);
        Assert.Equal(expected, s.CurrentStage!.Value.Id);
        if (expected == "Loyalty")
        {
            Assert.Equal(("Retention", "Loyalty", 30.0, "promoter", "n1"), Steps(s)[^1]);
        }
    }

    [Fact]
    public void Apply_Referral_MovesCustomerToLoyalty()
    {
        var s = Fold(Engine, [Buy("p1", 1), Of(EventKind.Referral, "r1", 10)]);
        Assert.Equal(("Conversion", "Loyalty", 10.0, "referral", "r1"), Steps(s)[^1]);
    }

    [Fact]
    public void Apply_PromoterBeforeAnyPurchase_StaysInReach()
    {
        // Reach → Loyalty is not declared: the rule holds but the model does not permit the move.
        var s = Fold(Engine, [Touch("t1", 0), Nps("n1", 1, 10)]);
        Assert.Equal("Reach", Path(s));
    }

    [Fact]
    public void Evaluate_NoPurchaseFor90Days_AtRiskAtExactDueInstant()
    {
        var s = Fold(Engine, [Buy("p1", 1), Buy("p2", 10)]);
        var r = Engine.Evaluate(s, Day(100));
        Assert.Equal([("Retention", "AtRisk", 100.0, "at-risk", null)], r.Transitions.ToArray().Select(t => (t.From, t.To, (t.At - Origin).TotalDays, t.Rule, t.EventId)));
        Assert.Equal("Retention", Engine.Evaluate(s, Day(99.9)).State.CurrentStage!.Value.Id);
    }

    [Fact]
    public void Evaluate_NoPurchaseFor180Days_ChurnsThroughAtRisk()
    {
        var s = Fold(Engine, [Buy("p1", 1)]);
        var r = Engine.Evaluate(s, Day(400));
        Assert.Equal(
            [("Conversion", "AtRisk", 91.0, "at-risk"), ("AtRisk", "Churned", 181.0, "churned")],
            r.Transitions.ToArray().Select(t => (t.From, t.To, (t.At - Origin).TotalDays, t.Rule)));
        Assert.Equal(Day(400), r.State.AsOf);
    }

    [Fact]
    public void Apply_EventAfterLongSilence_FiresTimeRulesFirstAtTheirOwnInstants()
    {
        // The same journey whether or not anyone called Evaluate in between.
        var s = Fold(Engine, [Buy("p1", 1), Buy("p2", 10), Touch("t1", 200)]);
        Assert.Equal(
            [("Retention", "AtRisk", 100.0, "at-risk"), ("AtRisk", "Churned", 190.0, "churned")],
            Steps(s)[^2..].Select(x => (x.From, x.To, x.Day, x.Rule)));
    }

    [Fact]
    public void Apply_PurchaseWhileAtRisk_WinsBackToRetention()
    {
        var s = Fold(Engine, [Buy("p1", 1), Buy("p2", 10), Buy("p3", 120)]);
        Assert.Equal(("AtRisk", "Retention", 120.0, "repeat-purchase", "p3"), Steps(s)[^1]);
    }

    [Fact]
    public void Apply_PurchaseWhenChurned_ReactivatesOnlyThroughWinBack()
    {
        var s = Fold(Engine, [Buy("p1", 1), Buy("p2", 300)]);
        Assert.Equal("Reach > Conversion > AtRisk > Churned > Retention", Path(s));
        Assert.Equal(("Churned", "Retention", 300.0, "win-back", "p2"), Steps(s)[^1]);
    }

    [Fact]
    public void Apply_ReferralWhenChurned_DoesNotReactivate()
    {
        var s = Fold(Engine, [Buy("p1", 1), Of(EventKind.Referral, "r1", 300)]);
        Assert.Equal("Churned", s.CurrentStage!.Value.Id);
    }

    [Fact]
    public void Apply_Cancellation_MovesCustomerToChurned()
    {
        var s = Fold(Engine, [Buy("p1", 1), Of(EventKind.Cancellation, "x1", 5)]);
        Assert.Equal(("Conversion", "Churned", 5.0, "cancellation", "x1"), Steps(s)[^1]);
    }

    [Fact]
    public void Evaluate_LowAliveProbability_MovesToAtRiskAtEvaluationInstant()
    {
        var model = StageModels.ReachToLoyalty(new DefaultRuleOptions { AliveModel = new FixedAlive(0.2), AliveThreshold = 0.3 });
        var engine = new LifecycleEngine(model);
        var s = Fold(engine, [Buy("p1", 1), Buy("p2", 10)]);
        var r = engine.Evaluate(s, Day(30));
        Assert.Equal([("Retention", "AtRisk", 30.0, "low-p-alive", null)], r.Transitions.ToArray().Select(t => (t.From, t.To, (t.At - Origin).TotalDays, t.Rule, t.EventId)));
    }

    [Fact]
    public void Evaluate_AliveProbabilityAboveThreshold_StaysPut()
    {
        var engine = new LifecycleEngine(StageModels.ReachToLoyalty(new DefaultRuleOptions { AliveModel = new FixedAlive(0.31), AliveThreshold = 0.3 }));
        var s = engine.Evaluate(Fold(engine, [Buy("p1", 1)]), Day(30)).State;
        Assert.Equal("Conversion", s.CurrentStage!.Value.Id);
    }

    [Fact]
    public void Evaluate_AliveModelReturnsNaN_ThrowsNamingRule()
    {
        var engine = new LifecycleEngine(StageModels.ReachToLoyalty(new DefaultRuleOptions { AliveModel = new FixedAlive(double.NaN) }));
        var s = Fold(engine, [Buy("p1", 1)]);
        var ex = Assert.Throws<InvalidOperationException>(() => engine.Evaluate(s, Day(30)));
        Assert.Contains("low-p-alive", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NaN", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AliveProbability_FromSummaryModel_PassesBtydSummary()
    {
        CustomerSummary seen = default;
        var adapter = AliveProbability.FromSummaryModel(s => { seen = s; return 0.5; }, TimeUnit.Days);
        var facts = CustomerFacts.Empty.Apply(Buy("p1", 1, 10m)).Apply(Buy("p2", 11, 30m)).Apply(Buy("p3", 11.5, 20m));
        Assert.Equal(0.5, adapter.Evaluate(facts, Day(31)));
        Assert.Equal(new CustomerSummary(1, 10, 30, 20), seen);
        Assert.Null(adapter.Evaluate(CustomerFacts.Empty.Apply(Touch("t", 1)), Day(2)));
    }

    [Fact]
    public void Apply_SameEventTwice_IsIgnored()
    {
        var s = Fold(Engine, [Buy("p1", 1), Buy("p2", 5)]);
        var r = Engine.Apply(s, Buy("p1", 1));
        Assert.Equal(ApplyOutcome.Duplicate, r.Outcome);
        Assert.Equal(s.EventCount, r.State.EventCount);
        Assert.Equal(s.Journey.ToArray(), r.State.Journey.ToArray());
        Assert.Equal(0, r.Transitions.Length);
    }

    [Fact]
    public void Apply_DuplicateInLongHistory_IsFoundThroughTheIndex()
    {
        // 300 events: past the 256-event threshold, lookups go through the dictionary index.
        var events = Enumerable.Range(0, 300).Select(i => Touch("t" + i, i)).ToArray();
        var s = Fold(Engine, events);
        Assert.Equal(ApplyOutcome.Duplicate, Engine.Apply(s, Touch("t3", 3)).Outcome);
        Assert.Equal(ApplyOutcome.Duplicate, Engine.Apply(s, Touch("t299", 299)).Outcome);
        var next = Engine.Apply(s, Touch("t300", 300));
        Assert.Equal(ApplyOutcome.Applied, next.Outcome);
        Assert.Equal(ApplyOutcome.Duplicate, Engine.Apply(next.State, Touch("t300", 300)).Outcome);

        // The older state does not see the event appended after it.
        Assert.Equal(ApplyOutcome.Applied, Engine.Apply(s, Touch("t300", 300)).Outcome);
    }

    [Fact]
    public void Apply_SameIdDifferentContent_ThrowsNamingBoth()
    {
        var s = Fold(Engine, [Buy("p1", 1, 10m)]);
        var ex = Assert.Throws<ArgumentException>(() => Engine.Apply(s, Buy("p1", 1, 12m)));
        Assert.Contains("'p1'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unique", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_LateEventUnderReject_ThrowsOutOfOrderWithFix()
    {
        var engine = new LifecycleEngine(Model, OutOfOrderPolicy.Reject);
        var s = Fold(engine, [Buy("p1", 10)]);
        var ex = Assert.Throws<OutOfOrderEventException>(() => engine.Apply(s, Lead("l1", 5)));
        Assert.Equal("l1", ex.EventId);
        Assert.Equal(Day(10), ex.StateAsOf);
        Assert.Contains("sort the events", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Refold", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_LateEventUnderRefold_RebuildsJourneyAsIfSorted()
    {
        var sorted = Fold(Engine, [Touch("t1", 0), Lead("l1", 5), Buy("p1", 10)]);
        var s = Fold(Engine, [Touch("t1", 0), Buy("p1", 10)]);
        var r = Engine.Apply(s, Lead("l1", 5));
        Assert.Equal(ApplyOutcome.Refolded, r.Outcome);
        Assert.Equal(Steps(sorted), Steps(r.State));
        Assert.Equal("Acquisition > Conversion", string.Join(" > ", r.Transitions.ToArray().Select(t => t.To)));
        Assert.Equal(3, r.State.EventCount);
    }

    [Fact]
    public void Apply_EventBeforeEvaluation_RefoldsAndReEvaluates()
    {
        var s = Engine.Evaluate(Fold(Engine, [Buy("p1", 1)]), Day(400)).State;
        var r = Engine.Apply(s, Buy("p0", 0));
        Assert.Equal(ApplyOutcome.Refolded, r.Outcome);
        Assert.Equal(Day(400), r.State.AsOf);
        Assert.Equal("Churned", r.State.CurrentStage!.Value.Id);
        Assert.Equal(181.0, Steps(r.State)[^1].Day);
    }

    [Fact]
    public void Apply_OldStateExtendedTwice_BranchesDoNotSeeEachOther()
    {
        var s = Fold(Engine, [Buy("p1", 1)]);
        var a = Engine.Apply(s, Buy("p2", 5)).State;
        var b = Engine.Apply(s, Lead("l1", 6)).State;
        Assert.Equal(2, a.EventCount);
        Assert.Equal(2, b.EventCount);
        Assert.Equal(["p1", "p2"], a.Events.ToArray().Select(e => e.Id));
        Assert.Equal(["p1", "l1"], b.Events.ToArray().Select(e => e.Id));
        Assert.Equal(1, s.EventCount);
        Assert.Equal("Conversion", s.CurrentStage!.Value.Id);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(40)]
    [InlineData(300)]
    public void Apply_SameStateExtendedFromManyThreads_EachBranchIsIntact(int history)
    {
        var s = Fold(Engine, Enumerable.Range(0, history).Select(i => Touch("t" + i, i)));
        var results = new CustomerState[64];
        Parallel.For(0, results.Length, i => results[i] = Engine.Apply(s, Buy("p" + i, history + i, i)).State);
        for (var i = 0; i < results.Length; i++)
        {
            var events = results[i].Events.ToArray();
            Assert.Equal(history + 1, events.Length);
            Assert.Equal("p" + i, events[^1].Id);
            Assert.Equal(Enumerable.Range(0, history).Select(k => "t" + k), events[..^1].Select(e => e.Id));
            Assert.Equal(ApplyOutcome.Duplicate, Engine.Apply(results[i], Buy("p" + i, history + i, i)).Outcome);
            Assert.Equal(ApplyOutcome.Applied, Engine.Apply(results[i], Buy("p" + ((i + 1) % results.Length), history + 100, 1)).Outcome);
            Assert.Equal("Conversion", results[i].CurrentStage!.Value.Id);
        }

        Assert.Equal(history, s.EventCount);
    }

    [Fact]
    public void Apply_UndeclaredCustomKind_ThrowsWithFix()
    {
        var ex = Assert.Throws<ArgumentException>(() => Engine.Apply(Engine.Start("c1"), new LifecycleEvent("e1", "c1", Day(0), EventKind.Custom("trial_started"))));
        Assert.Contains("'trial_started'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddEventKind", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_EventOfAnotherCustomer_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Engine.Apply(Engine.Start("c1"), Touch("t1", 0, "c2")));
        Assert.Contains("'c2'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_StateOfAnotherModel_Throws()
    {
        var other = new LifecycleEngine(StageModels.AwarenessToAdvocacy());
        var ex = Assert.Throws<ArgumentException>(() => Engine.Apply(other.Start("c1"), Touch("t1", 0)));
        Assert.Contains("another stage model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_BeforeStateAsOf_ThrowsPointingToJourney()
    {
        var s = Fold(Engine, [Buy("p1", 10)]);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Engine.Evaluate(s, Day(5)));
        Assert.Contains("StageAt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_DefaultState_ThrowsPointingToStart()
    {
        var ex = Assert.Throws<ArgumentException>(() => Engine.Apply(default, Touch("t1", 0)));
        Assert.Contains("LifecycleEngine.Start", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_EmptyCustomerId_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Engine.Start(" "));
        Assert.Contains("customer id is empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetStageVisits_ReEntries_CountAndAddUp()
    {
        // Conversion 1..91, AtRisk 91..120, Retention 120..210, AtRisk 210..300, Churned 300..
        var s = Engine.Evaluate(Fold(Engine, [Buy("p1", 1), Buy("p2", 120)]), Day(400)).State;
        var visits = s.GetStageVisits(Day(400)).ToDictionary(v => v.Stage);
        Assert.Equal(2, visits["AtRisk"].Entries);
        Assert.Equal(TimeSpan.FromDays(29 + 90), visits["AtRisk"].CumulativeDuration);
        Assert.Equal(TimeSpan.FromDays(90), visits["AtRisk"].LatestDuration);
        Assert.Equal(Day(300), visits["AtRisk"].LastExited);
        Assert.True(visits["Churned"].IsCurrent);
        Assert.Equal(TimeSpan.FromDays(100), visits["Churned"].LatestDuration);
        Assert.Equal(TimeSpan.FromDays(399), visits.Values.Aggregate(TimeSpan.Zero, (a, v) => a + v.CumulativeDuration));
        Assert.Equal("Retention", s.StageAt(Day(150)));
        Assert.Null(s.StageAt(Day(0.5)));
    }

    [Fact]
    public void AwarenessToAdvocacy_ForwardOnly_SkipsAheadButNeverBack()
    {
        var engine = new LifecycleEngine(StageModels.AwarenessToAdvocacy());
        var s = Fold(engine, [Touch("t1", 0), Buy("p1", 1), Of(EventKind.Review, "r1", 2), Buy("p2", 3), Buy("p3", 4)]);
        Assert.Equal("Awareness > Onboarding > Advocacy", Path(s));
    }

    [Fact]
    public void AwarenessToAdvocacy_DefaultRules_WalkEveryStage()
    {
        var engine = new LifecycleEngine(StageModels.AwarenessToAdvocacy());
        var s = Fold(engine, [Touch("t1", 0), Lead("l1", 1), Buy("p1", 2), Buy("p2", 3), Buy("p3", 4), Nps("n1", 5, 9), Of(EventKind.Referral, "r1", 6)]);
        Assert.Equal("Awareness > Acquisition > Onboarding > Engagement > Retention > Loyalty > Advocacy", Path(s));
        Assert.Equal(["first-contact", "lead-captured", "first-purchase", "engaged", "retained", "promoter", "advocate"], s.Journey.ToArray().Select(t => t.Rule));
    }

    [Fact]
    public void Run_GroupsByCustomerAndEvaluates()
    {
        var states = Engine.Run([Buy("p1", 1, customer: "a"), Touch("t1", 2, "b"), Buy("p2", 3, customer: "a")], Day(10));
        Assert.Equal(["a", "b"], states.Select(s => s.CustomerId));
        Assert.Equal("Retention", states[0].CurrentStage!.Value.Id);
        Assert.Equal(Day(10), states[1].AsOf);
    }

    [Fact]
    public void CustomThresholds_AreParameters()
    {
        var engine = new LifecycleEngine(StageModels.ReachToLoyalty(new DefaultRuleOptions { AtRiskAfter = TimeSpan.FromDays(30), ChurnedAfter = TimeSpan.FromDays(60), PromoterScore = 10, RetentionPurchases = 3 }));
        var s = Fold(engine, [Buy("p1", 0), Buy("p2", 1), Nps("n1", 2, 9)]);
        Assert.Equal("Conversion", s.CurrentStage!.Value.Id);
        s = engine.Evaluate(s, Day(100)).State;
        Assert.Equal([("AtRisk", 31.0), ("Churned", 61.0)], Steps(s)[^2..].Select(x => (x.To, x.Day)));
    }

    [Fact]
    public void DefaultRuleOptions_ChurnNotAfterAtRisk_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => StageModels.ReachToLoyalty(new DefaultRuleOptions { AtRiskAfter = TimeSpan.FromDays(90), ChurnedAfter = TimeSpan.FromDays(90) }));
        Assert.Contains("ChurnedAfter", ex.Message, StringComparison.Ordinal);
    }

    private sealed class FixedAlive(double p) : IAliveProbability
    {
        public double? Evaluate(in CustomerFacts facts, DateTimeOffset asOf) => p;
    }
}
