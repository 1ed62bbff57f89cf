using FsCheck;
using FsCheck.Fluent;
using Lifecycle.Engagement;
using Lifecycle.Stages;

namespace Lifecycle.Tests.Arbitraries;

/// <summary>FsCheck generators for the engagement area: contexts over the whole valid input space, with and without a previous run and history.</summary>
public static class EngagementArbitraries
{
    public static readonly DateTimeOffset AsOf = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Stages = [StageModels.Ids.Conversion, StageModels.Ids.Retention, StageModels.Ids.Loyalty, StageModels.Ids.AtRisk, StageModels.Ids.Churned];
    private static readonly string[] Segments = ["Champions", "At Risk", "Hibernating", "New Customers"];

    public static Arbitrary<CustomerContext> Context() => ContextGen(withPrevious: true).ToArbitrary();

    private static Gen<CustomerContext> ContextGen(bool withPrevious) =>
        from id in Gen.Choose(0, 1_000_000)
        from stage in Gen.Elements(Stages)
        from daysInStage in Gen.Choose(0, 400)
        from alive in Gen.OneOf(Gen.Constant((double?)null), Gen.Choose(0, 1000).Select(p => (double?)(p / 1000.0)))
        from decile in Gen.OneOf(Gen.Constant((int?)null), Gen.Choose(1, 10).Select(d => (int?)d))
        from value in Gen.OneOf(Gen.Constant((double?)null), Gen.Choose(-100, 5000).Select(v => (double?)v))
        from segments in Gen.SubListOf(Segments)
        from consent in Gen.Elements(ConsentChannels.None, ConsentChannels.Email, ConsentChannels.All)
        from purchases in Gen.Choose(0, 6)
        from csat in Gen.OneOf(Gen.Constant(0), Gen.Choose(1, 5))
        from historyDays in Gen.ListOf(Gen.Choose(0, 200))
        from previous in withPrevious ? Gen.OneOf(Gen.Constant((CustomerContext?)null), ContextGen(false).Select(c => (CustomerContext?)c)) : Gen.Constant((CustomerContext?)null)
        select Build(id, stage, daysInStage, alive, decile, value, [.. segments], consent, purchases, csat, [.. historyDays], previous);

    private static CustomerContext Build(int id, string stage, int daysInStage, double? alive, int? decile, double? value, string[] segments, ConsentChannels consent, int purchases, int csat, int[] historyDays, CustomerContext? previous)
    {
        var facts = CustomerFacts.Empty;
        var customer = "c" + id;
        for (var k = 0; k < purchases; k++)
        {
            facts = facts.Apply(new LifecycleEvent("p" + k, customer, AsOf.AddDays(-300 + (k * 40)), EventKind.Purchase, 20m));
        }

        if (csat > 0)
        {
            facts = facts.Apply(new LifecycleEvent("s", customer, AsOf.AddDays(-1), EventKind.CsatResponse, null, csat));
        }

        var rules = Playbooks.StandardRules();
        return new CustomerContext(customer, AsOf)
        {
            Stage = stage,
            StageEnteredAt = AsOf.AddDays(-daysInStage),
            AliveProbability = alive,
            ValueDecile = decile,
            Value = value,
            Segments = segments,
            Consent = consent,
            Facts = facts,
            History = [.. historyDays.Select((d, i) => new ActionRecord(rules[i % rules.Count].Name, rules[i % rules.Count].Action, AsOf.AddDays(-d), (DecisionArm)(i % 3)))],
            Previous = previous is null ? null : new CustomerContext(customer, AsOf.AddDays(-7)) { Stage = previous.Stage, AliveProbability = previous.AliveProbability, Segments = previous.Segments, Facts = previous.Facts },
        };
    }
}
