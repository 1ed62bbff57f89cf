using System.Text.RegularExpressions;
using Lifecycle.Stages;
using Lifecycle.Tests.House;

namespace Lifecycle.Tests.Stages;

/// <summary>The examples of docs/stages.md: each C# block of the page is copied from this file (a test checks), so they compile and run.</summary>
public sealed partial class DocsExamplesTests
{
    [Fact]
    public void Example_QuickStart()
    {
        // docs:quick-start
        var model = StageModels.ReachToLoyalty();
        var engine = new LifecycleEngine(model);
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var state = engine.Start("alice");
        state = engine.Apply(state, LifecycleEvent.Touch("e1", "alice", t0)).State;
        state = engine.Apply(state, LifecycleEvent.Purchase("e2", "alice", t0.AddDays(3), 49.90m)).State;
        state = engine.Apply(state, LifecycleEvent.Purchase("e3", "alice", t0.AddDays(40), 20.00m)).State;
        var result = engine.Evaluate(state, t0.AddDays(250));

        foreach (var t in result.State.Journey)
        {
            Console.WriteLine($"{t.At:yyyy-MM-dd} {t.From ?? "(new)"} -> {t.To} by {t.Rule}");
        }

        // 2025-01-01 (new) -> Reach by first-contact
        // 2025-01-04 Reach -> Conversion by first-purchase
        // 2025-02-10 Conversion -> Retention by repeat-purchase
        // 2025-05-11 Retention -> AtRisk by at-risk
        // 2025-08-09 AtRisk -> Churned by churned
        // docs:end
        Assert.Equal(["Reach", "Conversion", "Retention", "AtRisk", "Churned"], result.State.Journey.ToArray().Select(x => x.To));
        Assert.Equal(new DateTimeOffset(2025, 5, 11, 0, 0, 0, TimeSpan.Zero), result.State.Journey[3].At);
        Assert.Equal(new DateTimeOffset(2025, 8, 9, 0, 0, 0, TimeSpan.Zero), result.State.Journey[4].At);
    }

    [Fact]
    public void Example_CustomModel()
    {
        // docs:custom-model
        var builder = new StageModelBuilder(DirectionPolicy.ExplicitBackward)
            .AddStage("Visitor")
            .AddStage("Trial")
            .AddStage("Paying")
            .AddStage("Expanded")
            .AddStage("Lapsed", StageKind.Terminal)
            .AddEventKind("trial_started");

        builder.Configure("Visitor").Permit("Trial").Permit("Paying");
        builder.Configure("Trial").Permit("Paying").Permit("Lapsed");
        builder.Configure("Paying")
            .PermitIf("Expanded", (in CustomerFacts f) => f.TotalSpend >= 1_000m, "lifetime spend of 1,000 or more")
            .Permit("Lapsed");
        builder.Configure("Expanded").Permit("Lapsed");
        builder.Configure("Lapsed").PermitReactivation("Paying", "resubscribed");

        builder
            .AddRule(LifecycleRule.OnEventOfKind("trial", "Trial", EventKind.Custom("trial_started"), "a trial started", priority: 10))
            .AddRule(LifecycleRule.OnEvent("paid", "Paying",
                (in CustomerFacts f, LifecycleEvent e) => e.Kind == EventKind.Purchase && f.PurchaseCount == 1, "first payment", priority: 20))
            .AddRule(LifecycleRule.OnEventOfKind("expanded", "Expanded", EventKind.Purchase, "a payment while paying", priority: 30))
            .AddRule(LifecycleRule.AfterInactivity("lapsed", "Lapsed", TimeSpan.FromDays(45), "no payment for 45 days", priority: 40))
            .AddRule(LifecycleRule.AtTime("trial-expired", "Lapsed",
                (in CustomerFacts f) => f.PurchaseCount == 0 && f.FirstContact is { } first ? first.AddDays(30) : null,
                "30 days after first contact without paying", priority: 35))
            .AddRule(LifecycleRule.OnEventOfKind("resubscribed", "Paying", EventKind.Purchase, "a lapsed customer pays again", priority: 5));

        StageModel model = builder.Build();   // validates everything at once; throws StageModelException listing every problem
        string diagram = model.ToMermaid();
        // docs:end
        var engine = new LifecycleEngine(model);
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var s = engine.Run(
            [
                new LifecycleEvent("1", "bob", t0, EventKind.Parse("trial_started", model.CustomEventKinds)),
                LifecycleEvent.Purchase("2", "bob", t0.AddDays(10), 600m),
                LifecycleEvent.Purchase("3", "bob", t0.AddDays(20), 600m),
                LifecycleEvent.Purchase("4", "bob", t0.AddDays(100), 50m),
            ],
            t0.AddDays(101))[0];
        // Lapsed at day 65 (45 days after the day-20 payment); the day-100 payment re-activates to Paying, and with
        // lifetime spend 1,250 the guarded expansion follows at once.
        Assert.Equal(["Visitor", "Trial", "Paying", "Expanded", "Lapsed", "Paying", "Expanded"], s.Journey.ToArray().Select(x => x.To));
        Assert.Equal(["first-contact", "trial", "paid", "expanded", "lapsed", "resubscribed", "expanded"], s.Journey.ToArray().Select(x => x.Rule));
        Assert.Equal(t0.AddDays(65), s.Journey[4].At);
        Assert.Contains("Paying --> Expanded : expanded [lifetime spend of 1,000 or more]", diagram, StringComparison.Ordinal);
    }

    [Fact]
    public void Example_ModelDrivenRule()
    {
        Func<CustomerSummary, double> bgNbdPAlive = s => s.Frequency == 0 ? 1.0 : Math.Exp(-(s.T - s.Recency) / 60.0);

        // docs:p-alive
        // Any CLV model that scores a (frequency, recency, T) summary serves the rule through the adapter,
        // for example a fitted BG/NBD model's P(alive):
        IAliveProbability alive = AliveProbability.FromSummaryModel(bgNbdPAlive, TimeUnit.Days);
        var model = StageModels.ReachToLoyalty(new DefaultRuleOptions
        {
            AtRiskAfter = TimeSpan.FromDays(60),
            ChurnedAfter = TimeSpan.FromDays(365),
            AliveModel = alive,
            AliveThreshold = 0.5,
        });
        // docs:end
        var engine = new LifecycleEngine(model);
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var s = engine.Run([LifecycleEvent.Purchase("1", "c", t0, 10m), LifecycleEvent.Purchase("2", "c", t0.AddDays(10), 10m)], t0.AddDays(55))[0];

        // exp(-(55 - 10) / 60) = 0.47 < 0.5 → AtRisk at the evaluation instant, before the 60-day inactivity rule.
        Assert.Equal(("Retention", "AtRisk", "low-p-alive", t0.AddDays(55)), (s.Journey[^1].From, s.Journey[^1].To, s.Journey[^1].Rule, s.Journey[^1].At));
    }

    [Fact]
    public void Example_Reports()
    {
        var engine = new LifecycleEngine(StageModels.ReachToLoyalty());
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        IEnumerable<LifecycleEvent> events = [LifecycleEvent.Touch("1", "a", t0), LifecycleEvent.Purchase("2", "a", t0.AddDays(5), 30m)];
        var yearEnd = t0.AddYears(1);

        // docs:reports
        IReadOnlyList<CustomerState> states = engine.Run(events, asOf: yearEnd);
        var distribution = StageAnalytics.Distribution(engine.Model, states, yearEnd);
        var funnel = StageAnalytics.Funnel(engine.Model, states);
        var flows = StageAnalytics.Flows(engine.Model, states, yearEnd.AddMonths(-3), yearEnd);
        var timeInStage = StageAnalytics.TimeInStage(engine.Model, states, yearEnd);
        var metrics = StageMetrics.Compute(engine.Model, states, t0, yearEnd, acquisitionSpend: 5_000m);
        Console.WriteLine($"conversion {metrics.Conversion.ConversionRate:P1}, AOV {metrics.Conversion.AverageOrderValue:F2}, NPS {metrics.Loyalty.Nps}");
        // docs:end
        Assert.Equal(1, distribution.Single(d => d.Stage == "Churned").Customers);
        Assert.Equal(1, funnel[2].Reached);
        Assert.Empty(flows.Flows);
        Assert.Equal(7, timeInStage.Count);
        Assert.Equal(5_000m, metrics.Acquisition.CustomerAcquisitionCost);
    }

    [Fact]
    public void DocsPage_CodeBlocks_AreCopiedFromTheseExamples()
    {
        var root = HouseRulesTests.RepositoryRoot();
        var page = File.ReadAllText(Path.Combine(root, "docs", "stages.md"));
        var source = File.ReadAllText(Path.Combine(root, "tests", "Lifecycle.Core.Tests", "Stages", "DocsExamplesTests.cs"));
        var examples = ExampleRegex().Matches(source).Select(m => Normalize(Dedent(m.Groups[2].Value))).ToArray();
        var blocks = CodeBlockRegex().Matches(page).Select(m => Normalize(m.Groups[1].Value)).ToArray();
        Assert.Equal(4, blocks.Length);
        Assert.All(blocks, b => Assert.Contains(b, examples));
    }

    [Fact]
    public void DocsPage_Diagram_IsTheGeneratedOne()
    {
        var page = File.ReadAllText(Path.Combine(HouseRulesTests.RepositoryRoot(), "docs", "stages.md"));
        Assert.Contains("```mermaid\n" + StageModels.ReachToLoyalty().ToMermaid() + "```", page, StringComparison.Ordinal);
        Assert.Contains("```mermaid\n" + StageModels.AwarenessToAdvocacy().ToMermaid() + "```", page, StringComparison.Ordinal);
    }

    private static string Dedent(string block)
    {
        var lines = block.Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.Trim()));
    }

    private static string Normalize(string s) => string.Join('\n', s.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0));

    [GeneratedRegex(@"// docs:([a-z-]+)\n(.*?)\n\s*// docs:end", RegexOptions.Singleline)]
    private static partial Regex ExampleRegex();

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlockRegex();
}
