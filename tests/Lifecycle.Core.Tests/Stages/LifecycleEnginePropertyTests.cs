using FsCheck.Xunit;
using Lifecycle.Stages;
using Lifecycle.Tests.Arbitraries;

namespace Lifecycle.Tests.Stages;

public sealed class LifecycleEnginePropertyTests
{
    private static readonly StageModel Seed = StageModels.ReachToLoyalty();
    private static readonly StageModel Forward = StageModels.AwarenessToAdvocacy();

    private static CustomerState Fold(LifecycleEngine engine, IEnumerable<LifecycleEvent> events)
    {
        var s = engine.Start("c1");
        foreach (var e in events)
        {
            s = engine.Apply(s, e).State;
        }

        return s;
    }

    [Property(Arbitrary = [typeof(StagesArbitraries)])]
    public bool Apply_ReplayingTheStreamTwice_ChangesNothing(CustomerHistory history)
    {
        var engine = new LifecycleEngine(Seed, OutOfOrderPolicy.Reject);
        var once = Fold(engine, history.Events);
        var twice = once;
        foreach (var e in history.Events)
        {
            var r = engine.Apply(twice, e);
            if (r.Outcome != ApplyOutcome.Duplicate || r.Transitions.Length != 0)
            {
                return false;
            }

            twice = r.State;
        }

        return twice.EventCount == once.EventCount && twice.Facts == once.Facts && twice.Journey.SequenceEqual(once.Journey);
    }

    [Property(Arbitrary = [typeof(StagesArbitraries)])]
    public bool Apply_EventsInAnyOrder_GiveTheSameJourneyAndFacts(CustomerHistory history)
    {
        var engine = new LifecycleEngine(Seed, OutOfOrderPolicy.Refold);
        var sorted = Fold(engine, history.Events);
        var shuffled = history.Events.ToArray();
        new Random(history.ShuffleSeed).Shuffle(shuffled);

        // Shuffled, with some events replayed on top.
        var s = Fold(engine, shuffled.Concat(shuffled.Take(3)));
        var asOf = history.Events[^1].Timestamp.AddDays(400);
        return s.Journey.SequenceEqual(sorted.Journey)
            && s.Facts == sorted.Facts
            && engine.Evaluate(s, asOf).State.Journey.SequenceEqual(engine.Evaluate(sorted, asOf).State.Journey);
    }

    [Property(Arbitrary = [typeof(StagesArbitraries)])]
    public bool Engine_NeverTakesAnUndeclaredTransition(CustomerHistory history)
    {
        foreach (var model in new[] { Seed, Forward })
        {
            var engine = new LifecycleEngine(model);
            var s = Fold(engine, history.Events);
            s = engine.Evaluate(s, history.Events[^1].Timestamp.AddDays(365)).State;
            var journey = s.Journey.ToArray();
            if (journey[0].From is not null || journey[0].To != model.InitialStage.Id)
            {
                return false;
            }

            foreach (var t in journey.Skip(1))
            {
                var declared = model.Transitions.SingleOrDefault(p => p.From == t.From && p.To == t.To);
                if (declared.From is null || (declared.ReactivationRule is { } only && only != t.Rule))
                {
                    return false;
                }

                if (model.Rules.Single(r => r.Name == t.Rule).TargetStage != t.To)
                {
                    return false;
                }
            }
        }

        return true;
    }

    [Property(Arbitrary = [typeof(StagesArbitraries)])]
    public bool ForwardOnlyModel_NeverMovesBackward(CustomerHistory history)
    {
        var engine = new LifecycleEngine(Forward);
        var s = Fold(engine, history.Events);
        return s.Journey.ToArray().Skip(1).All(t => Forward.GetStage(t.To).Order > Forward.GetStage(t.From!).Order);
    }

    [Property(Arbitrary = [typeof(StagesArbitraries)])]
    public bool TimeInStages_AddsUpToTimeSinceFirstContact(CustomerHistory history, byte extraDays)
    {
        var engine = new LifecycleEngine(Seed);
        var asOf = history.Events[^1].Timestamp.AddDays(extraDays);
        var s = engine.Evaluate(Fold(engine, history.Events), asOf).State;
        var total = s.GetStageVisits(asOf).Aggregate(TimeSpan.Zero, (a, v) => a + v.CumulativeDuration);
        var times = s.Journey.ToArray().Select(t => t.At).ToArray();
        var monotone = times.Zip(times.Skip(1)).All(p => p.First <= p.Second);
        return monotone && total == asOf - s.Facts.FirstContact!.Value;
    }
}
