using Lifecycle.Stages;

namespace Lifecycle.Tests.Stages;

public sealed class StageModelBuilderTests
{
    private static LifecycleRule Rule(string name, string target, int priority = 0) =>
        LifecycleRule.OnEventOfKind(name, target, EventKind.Purchase, "test rule", priority);

    private static StageModelBuilder Abc(DirectionPolicy direction = DirectionPolicy.ExplicitBackward) =>
        new StageModelBuilder(direction).AddStage("A").AddStage("B").AddStage("C");

    [Fact]
    public void Build_ValidModel_FreezesStagesTransitionsAndRules()
    {
        var b = Abc();
        b.Configure("A").Permit("B");
        b.Configure("B").Permit("C");
        b.AddRule(Rule("to-b", "B", 1)).AddRule(Rule("to-c", "C", 2));
        var model = b.Build();
        Assert.Equal(["A", "B", "C"], model.Stages.Select(s => s.Id));
        Assert.Equal([1, 2, 3], model.Stages.Select(s => s.Order));
        Assert.Equal("A", model.InitialStage.Id);
        Assert.Equal(["to-c", "to-b"], model.Rules.Select(r => r.Name));
        Assert.True(model.Permits("A", "B"));
        Assert.False(model.Permits("A", "C"));

        // Changing the builder afterwards does not change the built model.
        b.Configure("A").Permit("C");
        Assert.False(model.Permits("A", "C"));
        Assert.True(b.Build().Permits("A", "C"));
    }

    [Fact]
    public void Build_ManyProblems_ReportsEveryOneInOneException()
    {
        var b = new StageModelBuilder()
            .AddStage("A")
            .AddStage(new Stage("A", "A again", 10, StageKind.Funnel))
            .AddStage(new Stage("B", "B", 1, StageKind.Funnel))
            .AddRule(Rule("r", "Nowhere"))
            .AddRule(Rule("r", "B"));
        b.Configure("Ghost").Permit("B");
        b.Configure("A").Permit("Phantom");
        var ex = Assert.Throws<StageModelException>(b.Build);
        Assert.Contains(ex.Problems, p => p.Contains("'A' is declared twice", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("share order 1", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("Rule name 'r' is used twice", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("Rule 'r' points to stage 'Nowhere', which is not declared", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("Configure('Ghost')", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("stage 'Phantom' is not declared", StringComparison.Ordinal));
        Assert.Equal(6, ex.Problems.Count);
        Assert.StartsWith("The stage model has 6 problem(s):", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoStages_Throws()
    {
        var ex = Assert.Throws<StageModelException>(() => new StageModelBuilder().Build());
        Assert.Contains("no stages", ex.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnreachableStage_NamesIt()
    {
        var b = Abc();
        b.Configure("A").Permit("B");
        b.AddRule(Rule("to-b", "B")).AddRule(Rule("to-c", "C", 1));
        var ex = Assert.Throws<StageModelException>(b.Build);
        Assert.Equal(["Stage 'C' is unreachable from the initial stage 'A'; permit a transition into it or remove it."], ex.Problems);
    }

    [Fact]
    public void Build_StageNoRuleTargets_IsReported()
    {
        var b = Abc();
        b.Configure("A").Permit("B").Permit("C");
        b.AddRule(Rule("to-b", "B"));
        var ex = Assert.Throws<StageModelException>(b.Build);
        Assert.Contains(ex.Problems, p => p.StartsWith("No rule moves customers into stage 'C'", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_RuleWithNoTransitionIntoItsTarget_IsReported()
    {
        var b = Abc();
        b.Configure("A").Permit("B");
        b.Configure("B").Permit("C");
        b.AddRule(Rule("to-b", "B")).AddRule(Rule("to-c", "C", 1)).AddRule(Rule("back-to-a", "A", 2));
        var ex = Assert.Throws<StageModelException>(b.Build);
        Assert.Equal(["Rule 'back-to-a' targets 'A', but no declared transition into 'A' lets it fire; permit one or remove the rule."], ex.Problems);
    }

    [Fact]
    public void Build_AmbiguousUnguardedRules_IsReportedWithFix()
    {
        var b = Abc();
        b.Configure("A").Permit("B").Permit("C");
        b.AddRule(Rule("to-b", "B", 5)).AddRule(Rule("to-c", "C", 5));
        var ex = Assert.Throws<StageModelException>(b.Build);
        var problem = Assert.Single(ex.Problems);
        Assert.Contains("From stage 'A', event rules 'to-b' (→ B), 'to-c' (→ C) share priority 5", problem, StringComparison.Ordinal);
        Assert.Contains("different priorities or guard one transition with PermitIf", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SamePriorityButOneTransitionGuarded_IsNotAmbiguous()
    {
        var b = Abc();
        b.Configure("A").Permit("B").PermitIf("C", (in CustomerFacts f) => f.PurchaseCount > 3, "more than three purchases");
        b.AddRule(Rule("to-b", "B", 5)).AddRule(Rule("to-c", "C", 5));
        Assert.Equal(2, b.Build().Transitions.Count);
    }

    [Fact]
    public void Build_SamePrioritySameTarget_IsNotAmbiguous()
    {
        var b = Abc();
        b.Configure("A").Permit("B");
        b.Configure("B").Permit("C");
        b.AddRule(Rule("to-b", "B", 5)).AddRule(LifecycleRule.OnEventOfKind("to-b-too", "B", EventKind.Referral, "x", 5)).AddRule(Rule("to-c", "C", 5));
        Assert.Equal(3, b.Build().Rules.Count);
    }

    [Fact]
    public void Build_ForwardOnlyWithBackwardTransition_Throws()
    {
        var b = Abc(DirectionPolicy.ForwardOnly);
        b.Configure("A").Permit("B");
        b.Configure("B").Permit("C");
        b.Configure("C").PermitBackward("B");
        b.AddRule(Rule("to-b", "B")).AddRule(Rule("to-c", "C", 1));
        var ex = Assert.Throws<StageModelException>(b.Build);
        Assert.Equal(["Transition 'C' → 'B' goes backward (order 3 → 2) in a forward-only model; remove it or build with DirectionPolicy.ExplicitBackward."], ex.Problems);
    }

    [Fact]
    public void Build_UndeclaredBackwardTransition_AsksForPermitBackward()
    {
        var b = Abc();
        b.Configure("A").Permit("B");
        b.Configure("B").Permit("C");
        b.Configure("C").Permit("B");
        b.AddRule(Rule("to-b", "B")).AddRule(Rule("to-c", "C", 1));
        var ex = Assert.Throws<StageModelException>(b.Build);
        Assert.Contains("declare it with PermitBackward(\"B\")", Assert.Single(ex.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_PlainTransitionOutOfTerminal_NeedsReactivationRule()
    {
        var b = new StageModelBuilder().AddStage("A").AddStage("B").AddStage("Gone", StageKind.Terminal);
        b.Configure("A").Permit("B");
        b.Configure("B").Permit("Gone");
        b.Configure("Gone").PermitBackward("B");
        b.AddRule(Rule("to-b", "B")).AddRule(Rule("gone", "Gone", 1));
        var ex = Assert.Throws<StageModelException>(b.Build);
        Assert.Contains(ex.Problems, p => p.Contains("leaves terminal stage 'Gone' without a rule; re-activation needs PermitReactivation(\"B\", ruleName)", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_ReactivationNamingUnknownOrWrongRule_IsReported()
    {
        var b = new StageModelBuilder().AddStage("A").AddStage("B").AddStage("Gone", StageKind.Terminal);
        b.Configure("A").Permit("B");
        b.Configure("B").Permit("Gone");
        b.Configure("Gone").PermitReactivation("B", "missing").PermitReactivation("A", "gone");
        b.AddRule(Rule("to-b", "B")).AddRule(Rule("gone", "Gone", 1));
        var ex = Assert.Throws<StageModelException>(b.Build);
        Assert.Contains(ex.Problems, p => p.Contains("names rule 'missing', which is not added", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("names rule 'gone', which targets 'Gone'; name a rule that targets 'A'", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_SelfAndDuplicateTransitions_AreReported()
    {
        var b = Abc();
        b.Configure("A").Permit("A").Permit("B").Permit("B");
        b.Configure("B").Permit("C");
        b.AddRule(Rule("to-b", "B")).AddRule(Rule("to-c", "C", 1));
        var ex = Assert.Throws<StageModelException>(b.Build);
        Assert.Contains(ex.Problems, p => p.Contains("goes to itself", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.Contains("'A' → 'B' is declared twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_UnknownInitialStage_Throws()
    {
        var b = Abc().StartAt("Z");
        var ex = Assert.Throws<StageModelException>(b.Build);
        Assert.Contains(ex.Problems, p => p.Contains("initial stage 'Z' is not declared", StringComparison.Ordinal));
    }

    [Fact]
    public void Stage_InvalidId_ThrowsWithFix()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Stage("At risk", "At risk", 1, StageKind.Risk));
        Assert.Contains("'At risk' is not valid", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Stage("A", " ", 1, StageKind.Funnel));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Stage("A", "A", 1, (StageKind)9));
    }

    [Fact]
    public void GetStage_UnknownStage_ListsKnownOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => StageModels.ReachToLoyalty().GetStage("Lead"));
        Assert.Contains("Unknown stage 'Lead'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'AtRisk'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => LifecycleRule.OnEventOfKind("", "A", EventKind.Purchase, "x"));
        Assert.Throws<ArgumentException>(() => LifecycleRule.OnEventOfKind("r", "A", EventKind.Purchase, " "));
        Assert.Throws<ArgumentOutOfRangeException>(() => LifecycleRule.AfterInactivity("r", "A", TimeSpan.Zero));
        var nan = Assert.Throws<ArgumentOutOfRangeException>(() => LifecycleRule.WhenAliveProbabilityBelow("r", "A", AliveProbability.FromSummaryModel(_ => 1, TimeUnit.Days), double.NaN));
        Assert.Contains("finite", nan.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => LifecycleRule.WhenAliveProbabilityBelow("r", "A", AliveProbability.FromSummaryModel(_ => 1, TimeUnit.Days), 1.5));
    }

    [Fact]
    public void ReadyMadeModels_HaveTheDocumentedStages()
    {
        var seed = StageModels.ReachToLoyalty();
        Assert.Equal(["Reach", "Acquisition", "Conversion", "Retention", "Loyalty", "AtRisk", "Churned"], seed.Stages.Select(s => s.Id));
        Assert.Equal([StageKind.Risk, StageKind.Terminal], seed.Stages.Skip(5).Select(s => s.Kind));
        Assert.Equal(DirectionPolicy.ExplicitBackward, seed.Direction);
        Assert.Contains(seed.Transitions, t => t is { From: "Churned", To: "Retention", ReactivationRule: "win-back" });
        Assert.Contains(seed.Transitions, t => t is { From: "AtRisk", To: "Retention", IsBackward: true });

        var alt = StageModels.AwarenessToAdvocacy();
        Assert.Equal(["Awareness", "Acquisition", "Onboarding", "Engagement", "Retention", "Loyalty", "Advocacy"], alt.Stages.Select(s => s.Id));
        Assert.Equal(DirectionPolicy.ForwardOnly, alt.Direction);
        Assert.All(alt.Transitions, t => Assert.True(alt.GetStage(t.To).Order > alt.GetStage(t.From).Order));
    }

    [Fact]
    public void ToMermaid_SeedModel_IsGeneratedFromTheModel()
    {
        var mermaid = StageModels.ReachToLoyalty().ToMermaid();
        Assert.StartsWith("stateDiagram-v2\n", mermaid, StringComparison.Ordinal);
        Assert.Contains("    state \"At risk\" as AtRisk\n", mermaid, StringComparison.Ordinal);
        Assert.Contains("    [*] --> Reach\n", mermaid, StringComparison.Ordinal);
        Assert.Contains("    Reach --> Acquisition : lead-captured\n", mermaid, StringComparison.Ordinal);
        Assert.Contains("    AtRisk --> Retention : repeat-purchase (backward)\n", mermaid, StringComparison.Ordinal);
        Assert.Contains("    Churned --> Retention : win-back (re-activation)\n", mermaid, StringComparison.Ordinal);
        Assert.Contains("    Conversion --> Loyalty : promoter, referral\n", mermaid, StringComparison.Ordinal);
        Assert.Contains("    class Churned terminal\n", mermaid, StringComparison.Ordinal);
        var edges = mermaid.Split('\n').Count(l => l.Contains(" --> ", StringComparison.Ordinal) && !l.Contains("[*]", StringComparison.Ordinal));
        Assert.Equal(StageModels.ReachToLoyalty().Transitions.Count, edges);
    }

    [Fact]
    public void ToMermaid_GuardedTransition_ShowsGuardDescription()
    {
        var b = Abc();
        b.Configure("A").Permit("B");
        b.Configure("B").PermitIf("C", (in CustomerFacts f) => f.TotalSpend > 100, "spent over 100");
        b.AddRule(Rule("to-b", "B")).AddRule(Rule("to-c", "C", 1));
        Assert.Contains("    B --> C : to-c [spent over 100]\n", b.Build().ToMermaid(), StringComparison.Ordinal);
    }
}
