using BenchmarkDotNet.Attributes;
using Lifecycle.Engagement;
using Lifecycle.Stages;

namespace Lifecycle.Benchmarks;

/// <summary>
/// Next-best actions with the standard playbook for 100k seeded contexts (P(alive) uniform, value log-normal with
/// deciles, one to six purchases, a third with a previous run, e-mail consent, a short history for one in five).
/// Baseline: <see cref="Playbook.Decide(CustomerContext, IActionAdvisor)"/> in a loop on one thread; then
/// <see cref="Playbook.DecideAll"/> (parallel, same result).
/// </summary>
[MemoryDiagnoser]
public class EngagementBenchmarks
{
    private static readonly int Customers = BenchmarkSizes.Scale(100_000);
    private readonly Playbook _playbook = Playbooks.Standard().Build();
    private CustomerContext[] _contexts = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var asOf = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var values = new double[Customers];
        for (var i = 0; i < Customers; i++)
        {
            values[i] = Math.Exp(3 + (1.2 * Normal(random)));
        }

        var deciles = CustomerContexts.ValueDeciles(values);
        _contexts = new CustomerContext[Customers];
        for (var i = 0; i < Customers; i++)
        {
            var id = "c" + i;
            var facts = CustomerFacts.Empty;
            var purchases = 1 + random.Next(6);
            for (var k = 0; k < purchases; k++)
            {
                facts = facts.Apply(new LifecycleEvent("p" + k, id, asOf.AddDays(-random.Next(1, 400)), EventKind.Purchase, 25m));
            }

            var alive = random.NextDouble();
            _contexts[i] = new CustomerContext(id, asOf)
            {
                Stage = alive < 0.3 ? StageModels.Ids.AtRisk : StageModels.Ids.Retention,
                StageEnteredAt = asOf.AddDays(-random.Next(0, 200)),
                Facts = facts,
                AliveProbability = alive,
                Value = values[i],
                ValueDecile = deciles[i],
                Consent = ConsentChannels.Email,
                History = i % 5 == 0 ? [new ActionRecord(Playbooks.RuleNames.Upsell, "upsell_offer", asOf.AddDays(-random.Next(1, 60)))] : [],
                Previous = i % 3 == 0 ? new CustomerContext(id, asOf.AddDays(-7)) { AliveProbability = Math.Min(1, alive + 0.1) } : null,
            };
        }
    }

    [Benchmark(Baseline = true)]
    public int DecideLoop()
    {
        var n = 0;
        foreach (var c in _contexts)
        {
            n += _playbook.Decide(c).Count;
        }

        return n;
    }

    [Benchmark]
    public int DecideAll() => _playbook.DecideAll(_contexts).Count;

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
