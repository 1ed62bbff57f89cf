using BenchmarkDotNet.Attributes;
using Lifecycle.Stages;

namespace Lifecycle.Benchmarks;

/// <summary>
/// Folding events into lifecycle states with the default rules of <see cref="StageModels.ReachToLoyalty"/>:
/// events per second per core is <c>Events / mean time</c> (single thread).
/// </summary>
[MemoryDiagnoser]
public class StagesBenchmarks
{
    private LifecycleEvent[] _events = [];
    private int[] _customerIndex = [];
    private string[] _customerIds = [];
    private LifecycleEngine _engine = null!;

    /// <summary>Events; customers are a tenth of that (1M customers for 10M events).</summary>
    [ParamsSource(nameof(Sizes))]
    public int Events { get; set; }

    public static IEnumerable<int> Sizes => BenchmarkSizes.Of(1_000_000, 10_000_000);

    [GlobalSetup]
    public void Setup()
    {
        var customers = Math.Max(1, Events / 10);
        var random = new Random(42);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _customerIds = [.. Enumerable.Range(0, customers).Select(i => "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        _events = new LifecycleEvent[Events];
        _customerIndex = new int[Events];
        for (var i = 0; i < Events; i++)
        {
            // Two years, time-ordered, customers interleaved: the shape of a real event log.
            var at = start.AddDays((double)i * 730 / Events);
            var c = random.Next(customers);
            var roll = random.Next(1000);
            var id = "e" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var customer = _customerIds[c];
            _customerIndex[i] = c;
            _events[i] = roll switch
            {
                < 380 => new LifecycleEvent(id, customer, at, roll < 200 ? EventKind.Visit : EventKind.Impression),
                < 430 => new LifecycleEvent(id, customer, at, EventKind.LeadCaptured),
                < 830 => new LifecycleEvent(id, customer, at, EventKind.Purchase, random.Next(100, 20_000) / 100m),
                < 850 => new LifecycleEvent(id, customer, at, EventKind.Refund, random.Next(100, 5_000) / 100m),
                < 900 => new LifecycleEvent(id, customer, at, EventKind.NpsResponse, score: random.Next(11)),
                < 930 => new LifecycleEvent(id, customer, at, EventKind.CsatResponse, score: 1 + random.Next(5)),
                < 950 => new LifecycleEvent(id, customer, at, EventKind.Referral),
                < 995 => new LifecycleEvent(id, customer, at, EventKind.SupportContact),
                _ => new LifecycleEvent(id, customer, at, EventKind.Cancellation),
            };
        }

        _engine = new LifecycleEngine(StageModels.ReachToLoyalty(), OutOfOrderPolicy.Reject);
    }

    /// <summary>The floor: folding the facts only (no stages, no rules, no histories).</summary>
    [Benchmark(Baseline = true)]
    public int FactsOnly()
    {
        var facts = new CustomerFacts[_customerIds.Length];
        for (var i = 0; i < _events.Length; i++)
        {
            ref var f = ref facts[_customerIndex[i]];
            f = f.Apply(_events[i]);
        }

        return facts.Length;
    }

    /// <summary>The engine with the default rules: time rules before each event, event rules after, journeys and event histories kept.</summary>
    [Benchmark]
    public int FoldDefaultRules()
    {
        var states = new CustomerState[_customerIds.Length];
        var transitions = 0;
        for (var i = 0; i < _events.Length; i++)
        {
            ref var state = ref states[_customerIndex[i]];
            if (state.Model is null)
            {
                state = _engine.Start(_customerIds[_customerIndex[i]]);
            }

            var r = _engine.Apply(in state, _events[i]);
            state = r.State;
            transitions += r.Transitions.Length;
        }

        return transitions;
    }
}
