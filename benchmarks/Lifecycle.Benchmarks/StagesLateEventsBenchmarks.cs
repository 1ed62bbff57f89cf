using System.Globalization;
using BenchmarkDotNet.Attributes;
using Lifecycle.Stages;

namespace Lifecycle.Benchmarks;

/// <summary>
/// Re-folding late events: one customer's N events (a third purchases, hourly) folded under
/// <see cref="OutOfOrderPolicy.Refold"/> oldest-first (baseline), newest-first through <see cref="LifecycleEngine.ApplyMany"/>,
/// shuffled through <see cref="LifecycleEngine.ApplyMany"/>, and one by one with 1 % of the events up to 10 places late
/// (each re-folds from the checkpoint before it). Linear re-folding shows as ratios that do not grow with N.
/// </summary>
[MemoryDiagnoser]
public class StagesLateEventsBenchmarks
{
    private LifecycleEvent[] _oldestFirst = [];
    private LifecycleEvent[] _newestFirst = [];
    private LifecycleEvent[] _shuffled = [];
    private LifecycleEvent[] _nearlySorted = [];
    private LifecycleEngine _engine = null!;

    /// <summary>Events of the one customer.</summary>
    [ParamsSource(nameof(Sizes))]
    public int Events { get; set; }

    public static IEnumerable<int> Sizes => BenchmarkSizes.Of(30_000);

    [GlobalSetup]
    public void Setup()
    {
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _oldestFirst = new LifecycleEvent[Events];
        for (var i = 0; i < Events; i++)
        {
            var id = "e" + i.ToString("D6", CultureInfo.InvariantCulture);
            _oldestFirst[i] = i % 3 == 0 ? LifecycleEvent.Purchase(id, "c", start.AddHours(i), 10m) : new LifecycleEvent(id, "c", start.AddHours(i), EventKind.Visit);
        }

        _newestFirst = [.. _oldestFirst.Reverse()];
        _shuffled = (LifecycleEvent[])_oldestFirst.Clone();
        new Random(7).Shuffle(_shuffled);
        _nearlySorted = (LifecycleEvent[])_oldestFirst.Clone();
        for (var i = 0; i + 10 < Events; i += 100)
        {
            (_nearlySorted[i], _nearlySorted[i + 10]) = (_nearlySorted[i + 10], _nearlySorted[i]);
        }

        _engine = new LifecycleEngine(StageModels.ReachToLoyalty());
    }

    [Benchmark(Baseline = true)]
    public int OldestFirstOneByOne() => Fold(_oldestFirst);

    [Benchmark]
    public int NearlySortedOneByOne() => Fold(_nearlySorted);

    [Benchmark]
    public int NewestFirstApplyMany() => _engine.ApplyMany(_engine.Start("c"), _newestFirst).State.JourneyCount;

    [Benchmark]
    public int ShuffledApplyMany() => _engine.ApplyMany(_engine.Start("c"), _shuffled).State.JourneyCount;

    private int Fold(LifecycleEvent[] events)
    {
        var s = _engine.Start("c");
        foreach (var e in events)
        {
            s = _engine.Apply(s, e).State;
        }

        return s.JourneyCount;
    }
}
