using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Lifecycle.Engagement;
using Lifecycle.Segmentation;
using Lifecycle.Stages;
using Lifecycle.Tests.Arbitraries;

namespace Lifecycle.Tests.Engagement;

public sealed class PlaybookTests
{
    private static readonly DateTimeOffset Now = EngagementArbitraries.AsOf;

    [Fact]
    public void Condition_Compare_ExplainsWithValueAndThreshold()
    {
        var c = Condition.Compare(Measure.AliveProbability, Comparison.Less, 0.3);
        var r = c.Explain(new CustomerContext("a", Now) { AliveProbability = 0.22 });
        Assert.Equal("P(alive) 0.22 < 0.30", r!.Value.Text);
        Assert.Equal(0.22, r.Value.Value);
        Assert.Equal(0.3, r.Value.Threshold);
        Assert.Null(c.Explain(new CustomerContext("a", Now) { AliveProbability = 0.3 }));

        // Unknown is not 0: a condition on a number the context lacks does not hold.
        Assert.Null(c.Explain(new CustomerContext("a", Now)));
        Assert.Equal("CLV decile 9", Condition.Compare(Measure.ValueDecile, Comparison.GreaterOrEqual, 8).Explain(new CustomerContext("a", Now) { ValueDecile = 9 })!.Value.Text);
    }

    [Fact]
    public void Trigger_StageEntered_FiresOnlyOnFalseToTrue()
    {
        var t = Trigger.StageEntered(StageModels.Ids.AtRisk);
        var before = new CustomerContext("a", Now.AddDays(-7)) { Stage = StageModels.Ids.Retention };
        var now = new CustomerContext("a", Now) { Stage = StageModels.Ids.AtRisk, StageEnteredAt = Now.AddDays(-3), Previous = before };
        Assert.Equal("entered AtRisk 3 days ago", t.Fires(now)!.Value.Text);

        var stayed = new CustomerContext("a", Now.AddDays(7)) { Stage = StageModels.Ids.AtRisk, StageEnteredAt = Now.AddDays(-3), Previous = now };
        Assert.Null(t.Fires(stayed));

        var left = new CustomerContext("a", Now.AddDays(14)) { Stage = StageModels.Ids.Churned, Previous = stayed };
        Assert.Equal("left AtRisk for Churned", Trigger.StageExited(StageModels.Ids.AtRisk).Fires(left)!.Value.Text);
        Assert.Null(Trigger.StageExited(StageModels.Ids.AtRisk).Fires(stayed));
    }

    [Fact]
    public void Trigger_SegmentsAndCrossings_DiffTwoAssignments()
    {
        var before = new CustomerContext("a", Now.AddDays(-7)) { Segments = ["Champions"], AliveProbability = 0.6 };
        var now = new CustomerContext("a", Now) { Segments = ["At Risk"], AliveProbability = 0.25, Previous = before };
        Assert.NotNull(Trigger.SegmentEntered("At Risk").Fires(now));
        Assert.NotNull(Trigger.SegmentExited("Champions").Fires(now));
        Assert.Null(Trigger.SegmentEntered("Champions").Fires(now));
        var falling = Trigger.Becomes(Condition.Compare(Measure.AliveProbability, Comparison.Less, 0.3));
        Assert.Equal("now P(alive) 0.25 < 0.30", falling.Fires(now)!.Value.Text);
        var still = new CustomerContext("a", Now.AddDays(7)) { AliveProbability = 0.2, Previous = now };
        Assert.Null(falling.Fires(still));
    }

    [Fact]
    public void Trigger_Every_FiresOncePerTick()
    {
        var weekly = Trigger.Every(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(7));
        var monday = new CustomerContext("a", new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
        var tuesday = new CustomerContext("a", monday.AsOf.AddDays(1)) { Previous = monday };
        var nextMonday = new CustomerContext("a", monday.AsOf.AddDays(7)) { Previous = tuesday };
        Assert.NotNull(weekly.Fires(monday));
        Assert.Null(weekly.Fires(tuesday));
        Assert.Equal("scheduled 2026-06-08", weekly.Fires(nextMonday)!.Value.Text);
    }

    [Fact]
    public void Build_ManyProblems_ReportsEveryOneAtOnce()
    {
        var b = new PlaybookBuilder("p") { HoldoutShare = 1.5, MaxActionsPerCustomer = 0 }
            .Add(new PlaybookRule("a", "") { ControlShare = double.NaN })
            .Add(new PlaybookRule("a", "x") { Cooldown = TimeSpan.FromDays(-1), Caps = [new FrequencyCap(0, TimeSpan.FromDays(7))], ExpectedUplift = 2 })
            .AddCap(new FrequencyCap(1, TimeSpan.Zero));
        var e = Assert.Throws<PlaybookException>(b.Build);
        Assert.Equal(9, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.Contains("HoldoutShare = 1.5", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("used twice", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("no action key", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("ControlShare = NaN", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("ExpectedUplift = 2", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("negative", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("MaxActionsPerCustomer = 0", StringComparison.Ordinal));
        Assert.Equal(2, e.Problems.Count(p => p.Contains("needs at least 1 action", StringComparison.Ordinal)));
    }

    [Fact]
    public void Decide_RanksByPriorityThenScore_LimitsAndExplains()
    {
        var playbook = new PlaybookBuilder("p") { HoldoutShare = 0, MaxActionsPerCustomer = 2 }
            .Add(new PlaybookRule("low", "a") { Priority = 1, ControlShare = 0, Eligibility = [Condition.Compare(Measure.Value, Comparison.Greater, 0)] })
            .Add(new PlaybookRule("high-small", "b") { Priority = 5, ControlShare = 0, ExpectedUplift = 0.01 })
            .Add(new PlaybookRule("high-big", "c") { Priority = 5, ControlShare = 0, ExpectedUplift = 0.10 })
            .Build();
        var context = new CustomerContext("x", Now) { Value = 200 };
        var d = playbook.Decide(context);
        Assert.Equal(["high-big", "high-small"], d.Select(x => x.Rule));
        Assert.Equal([1, 2], d.Select(x => x.Rank));
        Assert.Equal(20, d[0].Score, 12);
        Assert.Equal("expected value 20.00 = uplift 0.10 × CLV 200", d[0].ReasonText);
        Assert.All(d, x => Assert.Equal(DecisionArm.Treatment, x.Arm));
        Assert.Matches("^[0-9a-f]{16}$", d[0].DecisionId);
        Assert.NotEqual(d[0].DecisionId, d[1].DecisionId);
    }

    [Fact]
    public void Decide_CooldownCapsConsentAndExit_Block()
    {
        var rule = new PlaybookRule("win-back", "offer")
        {
            Channel = ConsentChannels.Email,
            Cooldown = TimeSpan.FromDays(30),
            Caps = [new FrequencyCap(2, TimeSpan.FromDays(365))],
            Exit = [Condition.PurchasedSinceRule("win-back")],
            ControlShare = 0,
        };
        var playbook = new PlaybookBuilder("p") { HoldoutShare = 0 }.Add(rule).Build();
        var fresh = new CustomerContext("x", Now) { Consent = ConsentChannels.Email, Value = 10 };
        Assert.Single(playbook.Decide(fresh));
        Assert.Empty(playbook.Decide(new CustomerContext("x", Now) { Value = 10 }));
        Assert.Contains("no consent", playbook.Explain(new CustomerContext("x", Now))[0], StringComparison.Ordinal);

        // Control-arm records count for the cooldown (so control stays comparable) but not for caps.
        var cooling = new CustomerContext("x", Now) { Consent = ConsentChannels.Email, History = [new ActionRecord("win-back", "offer", Now.AddDays(-10), DecisionArm.Control)] };
        Assert.Empty(playbook.Decide(cooling));
        Assert.Contains("cooling down (10 days", playbook.Explain(cooling)[0], StringComparison.Ordinal);
        var capped = new CustomerContext("x", Now) { Consent = ConsentChannels.Email, History = [new ActionRecord("win-back", "offer", Now.AddDays(-100)), new ActionRecord("win-back", "offer", Now.AddDays(-50)), new ActionRecord("win-back", "offer", Now.AddDays(-40), DecisionArm.Control)] };
        Assert.Equal("win-back: frequency cap reached", playbook.Explain(capped)[0]);

        var facts = CustomerFacts.Empty.Apply(new LifecycleEvent("e", "x", Now.AddDays(-35), EventKind.Purchase, 5m));
        var converted = new CustomerContext("x", Now) { Consent = ConsentChannels.Email, Facts = facts, History = [new ActionRecord("win-back", "offer", Now.AddDays(-40))] };
        Assert.StartsWith("win-back: exited: purchased 5 days after win-back", playbook.Explain(converted)[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SegmentRuleVocabulary_IsReused()
    {
        // Any ISegmentRule over contexts is a condition, and a condition is a segment rule.
        var rule = SegmentRule.Always<CustomerContext>("everyone", "every customer");
        var condition = Condition.FromSegmentRule(rule);
        Assert.Equal("every customer", condition.Explain(new CustomerContext("x", Now))!.Value.Text);
        var list = new SegmentRuleList<CustomerContext>([Condition.Compare(Measure.AliveProbability, Comparison.Less, 0.3)], "rest");
        Assert.Equal(0, list.Assign(new CustomerContext("x", Now) { AliveProbability = 0.1 }));
    }

    [Property(Arbitrary = [typeof(EngagementArbitraries)], MaxTest = 300)]
    public Property Decide_AnyContext_IsDeterministicLimitedExplainedAndHonoursEveryRule(CustomerContext context)
    {
        var playbook = Playbooks.Standard().Build();
        var first = playbook.Decide(context);
        var again = playbook.Decide(context);
        var same = first.Select(d => (d.Rule, d.Arm, d.DecisionId, d.Score)).SequenceEqual(again.Select(d => (d.Rule, d.Arm, d.DecisionId, d.Score)));
        var limited = first.Count <= playbook.MaxActionsPerCustomer;
        var explained = first.All(d => d.Reasons.Count > 0 && d.Reasons.All(r => r.Text.Length > 0) && double.IsFinite(d.Score));
        var consented = first.All(d => (context.Consent & playbook.Rules.Single(r => r.Name == d.Rule).Channel) == playbook.Rules.Single(r => r.Name == d.Rule).Channel);
        var eligible = first.All(d => playbook.Explain(context).Contains(d.Rule + ": eligible"));
        var arms = first.All(d => d.Arm == playbook.Controls.ArmOf(context.CustomerId, d.Rule, playbook.Rules.Single(r => r.Name == d.Rule).ControlShare));
        return (same && limited && explained && consented && eligible && arms)
            .Label($"same {same}, limited {limited}, explained {explained}, consented {consented}, eligible {eligible}, arms {arms}")
            .Classify(first.Count > 0, "decided")
            .Classify(first.Count == 0, "no action");
    }

    [Fact]
    public void Definition_FromJson_BuildsTheSameRulesAndReportsEveryProblem()
    {
        const string json = """
        { "name": "spring", "holdoutShare": 0.1, "maxActionsPerCustomer": 2, "includeStandard": true,
          "caps": [ { "max": 2, "windowDays": 7 } ],
          "rules": [ { "name": "win-back", "action": "winback_offer", "priority": 95, "channel": "email",
                       "trigger": { "becomes": { "measure": "p_alive", "op": "<", "value": 0.3 } },
                       "when": [ { "measure": "clv_decile", "op": ">=", "value": 8 }, { "stage": "Churned", "not": true } ],
                       "exit": [ { "purchasedSince": "win-back" } ], "cooldownDays": 30 } ] }
        """;
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        var playbook = JsonSerializer.Deserialize<PlaybookDefinition>(json, options)!.ToPlaybook();
        Assert.Equal(7, playbook.Rules.Count);
        Assert.Equal("win-back", playbook.Rules[1].Name);
        Assert.Equal(2, playbook.MaxActionsPerCustomer);
        var before = new CustomerContext("x", Now.AddDays(-7)) { AliveProbability = 0.5 };
        var d = playbook.Decide(new CustomerContext("x", Now) { AliveProbability = 0.2, ValueDecile = 9, Value = 100, Stage = "AtRisk", Consent = ConsentChannels.Email, Previous = before });
        Assert.Contains(d, x => x.Rule == "win-back" && x.ReasonText.StartsWith("now P(alive) 0.20 < 0.30; CLV decile 9; not in stage Churned", StringComparison.Ordinal));

        const string bad = """
        { "name": "", "rules": [ { "name": "a", "action": "x", "channel": "pigeon", "when": [ { "measure": "p_dead", "op": "<", "value": 1 }, { "stage": "A", "segment": "B" } ] },
                                  { "name": "b", "action": "y", "cooldownDays": -3, "trigger": { "anchor": "2026-01-01" } } ] }
        """;
        var e = Assert.Throws<PlaybookException>(() => JsonSerializer.Deserialize<PlaybookDefinition>(bad, options)!.ToPlaybook());
        Assert.Contains(e.Problems, p => p.StartsWith("rules[0].channel: 'pigeon'", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("rules[0].when[0].measure: 'p_dead'", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("rules[0].when[1] must have exactly one", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("rules[1].trigger: a schedule needs", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("rules[1].cooldownDays = -3", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Contains("no name", StringComparison.Ordinal));
    }
}
