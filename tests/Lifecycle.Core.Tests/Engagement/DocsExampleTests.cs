using System.Text.RegularExpressions;
using Lifecycle.Engagement;

namespace Lifecycle.Tests.Engagement;

/// <summary>The worked example of docs/engagement.md compiles (it is below), runs, and the page shows exactly this code.</summary>
[Collection(ConsoleRedirection.Name)]
public sealed partial class DocsExampleTests
{
    [Fact]
    public void WorkedExample_Runs()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            WorkedExample();
        }
        finally
        {
            Console.SetOut(original);
        }

        var text = output.ToString();
        Assert.Contains("ann: winback_offer (Treatment) because now P(alive) 0.22 < 0.30; CLV decile 9; expected value 24.00 = uplift 0.05 × CLV 480", text, StringComparison.Ordinal);
        Assert.Contains("bob: no action; win-back: not CLV decile >= 8", text, StringComparison.Ordinal);
        Assert.Contains("win-back: conversion +", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Docs_ShowTheTestedExample()
    {
        var root = House.HouseRulesTests.RepositoryRoot();
        var page = File.ReadAllText(Path.Combine(root, "docs", "engagement.md"));
        var block = CodeBlock().Match(page[page.IndexOf("<!-- example: engagement", StringComparison.Ordinal)..]).Groups[1].Value;
        var source = File.ReadAllText(Path.Combine(root, "tests", "Lifecycle.Core.Tests", "Engagement", "DocsExampleTests.cs"));
        var start = source.LastIndexOf("// begin-snippet", StringComparison.Ordinal);
        var snippet = source[(source.IndexOf('\n', start) + 1)..source.LastIndexOf("// end-snippet", StringComparison.Ordinal)];
        Assert.Equal(Normalize(block), Normalize(snippet));
    }

    private static string Normalize(string code) =>
        string.Join('\n', code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    private static void WorkedExample()
    {
        // begin-snippet
        var playbook = new PlaybookBuilder("spring") { HoldoutShare = 0.05 }
            .Add(new PlaybookRule("win-back", "winback_offer")
            {
                Description = "Valuable customers whose P(alive) just fell below 0.3.",
                Priority = 90,
                Trigger = Trigger.Becomes(Condition.Compare(Measure.AliveProbability, Comparison.Less, 0.3)),
                Eligibility = [Condition.Compare(Measure.ValueDecile, Comparison.GreaterOrEqual, 8)],
                Exit = [Condition.PurchasedSinceRule("win-back")],
                Channel = ConsentChannels.Email,
                Cooldown = TimeSpan.FromDays(30),
                ControlShare = 0.1,
            })
            .Build();

        var lastWeek = new DateTimeOffset(2026, 5, 25, 0, 0, 0, TimeSpan.Zero);
        var today = lastWeek.AddDays(7);
        CustomerContext Customer(string id, double aliveBefore, double aliveNow, int decile, double clv) =>
            new(id, today)
            {
                AliveProbability = aliveNow, ValueDecile = decile, Value = clv, Consent = ConsentChannels.Email,
                Previous = new CustomerContext(id, lastWeek) { AliveProbability = aliveBefore },
            };

        foreach (var customer in new[] { Customer("ann", 0.41, 0.22, 9, 480), Customer("bob", 0.35, 0.18, 3, 40) })
        {
            var decisions = playbook.Decide(customer);
            Console.WriteLine(decisions.Count > 0
                ? $"{customer.CustomerId}: {decisions[0].Action} ({decisions[0].Arm}) because {decisions[0].ReasonText} [{decisions[0].DecisionId}]"
                : $"{customer.CustomerId}: no action; {string.Join("; ", playbook.Explain(customer))}");
        }

        // Weeks later: outcomes per decision (here simulated: treated convert at 12 %, control at 8 %).
        var random = new Random(42);
        var outcomes = Enumerable.Range(0, 4000).Select(i =>
        {
            var arm = playbook.Controls.ArmOf("c" + i, "win-back", 0.1);
            var converted = random.NextDouble() < (arm == DecisionArm.Treatment ? 0.12 : 0.08);
            return new LiftObservation("win-back", arm, converted, converted, converted ? 50 : 0);
        });
        foreach (var lift in LiftAnalysis.Measure(outcomes))
        {
            var c = lift.Conversion!.Value;
            Console.WriteLine($"{lift.Rule}: conversion {c.Difference:+0.0%;-0.0%} [{c.Lower:0.0%}, {c.Upper:0.0%}], {lift.Treated} treated vs {lift.Untreated} untreated; incremental revenue {lift.IncrementalRevenue!.Value.Estimate:0}");
        }

        // end-snippet
    }
}
