using FsCheck.Xunit;
using Lifecycle.Stages;
using Lifecycle.Tests.Arbitraries;

namespace Lifecycle.Tests.Stages;

/// <summary>
/// The checkpointed re-fold and <see cref="LifecycleEngine.ApplyMany"/> against the path they replaced: a late event
/// used to re-fold the customer's whole sorted history from <see cref="LifecycleEngine.Start"/> and re-evaluate at the
/// latest evaluation; <see cref="OldRefold"/> is that path, kept here as the reference. Equality is exact (journeys,
/// facts, events, instants), no tolerance: the fold is deterministic integer and decimal arithmetic.
/// </summary>
public sealed class LifecycleEngineRefoldPropertyTests
{
    private static readonly LifecycleEngine Engine = new(StageModels.ReachToLoyalty());

    /// <summary>The old re-fold: sort everything, fold from the start, re-evaluate at the latest evaluation.</summary>
    private static CustomerState OldRefold(in CustomerState state, LifecycleEvent late)
    {
        var events = state.Events.ToArray().Append(late).ToArray();
        Array.Sort(events, LifecycleEngine.FoldOrder);
        var s = Engine.Start(state.CustomerId);
        foreach (var e in events)
        {
            s = Engine.Apply(s, e).State;
        }

        return state.EvaluatedTicks > s.AsOfTicks ? Engine.Evaluate(s, new DateTimeOffset(state.EvaluatedTicks, TimeSpan.Zero)).State : s;
    }

    private static bool Same(in CustomerState a, in CustomerState b) =>
        a.Journey.SequenceEqual(b.Journey) && a.Facts == b.Facts && a.Events.SequenceEqual(b.Events)
        && a.AsOfTicks == b.AsOfTicks && a.EvaluatedTicks == b.EvaluatedTicks && a.StageEnteredTicks == b.StageEnteredTicks
        && a.LastEventTicks == b.LastEventTicks && a.LastEventId == b.LastEventId && a.CurrentStage == b.CurrentStage;

    private static CustomerState SortedFold(IEnumerable<LifecycleEvent> events)
    {
        var s = Engine.Start("c1");
        foreach (var e in events.OrderBy(e => e, Comparer<LifecycleEvent>.Create(LifecycleEngine.FoldOrder)))
        {
            s = Engine.Apply(s, e).State;
        }

        return s;
    }

    [Property(Arbitrary = [typeof(StagesArbitraries)], MaxTest = 60)]
    public bool Apply_EveryLateEvent_EqualsTheOldWholeHistoryRefold(LongCustomerHistory history)
    {
        // Shuffled arrival with evaluations in between: every step, late or not, is compared with the old path.
        var shuffled = history.Events.ToArray();
        new Random(history.ShuffleSeed).Shuffle(shuffled);
        var evaluations = new Queue<DateTimeOffset>(history.Evaluations.Order());
        var s = Engine.Start("c1");
        var ok = true;
        for (var i = 0; i < shuffled.Length; i++)
        {
            var e = shuffled[i];
            var r = Engine.Apply(s, e);
            if (r.Outcome == ApplyOutcome.Refolded)
            {
                var expected = OldRefold(s, e);
                var common = 0;
                var old = s.Journey;
                while (common < old.Length && common < expected.Journey.Length && old[common] == expected.Journey[common])
                {
                    common++;
                }

                ok &= Same(r.State, expected) && r.Transitions.SequenceEqual(expected.Journey[common..]);
            }

            s = r.State;
            if (i % 50 == 49 && evaluations.TryDequeue(out var at) && s.AsOf is { } asOf)
            {
                s = Engine.Evaluate(s, at > asOf ? at : asOf).State;
            }
        }

        return ok;
    }

    [Property(Arbitrary = [typeof(StagesArbitraries)], MaxTest = 60)]
    public bool AnyPermutation_GivesTheSortedFold_OneByOneAndAsABatch(LongCustomerHistory history)
    {
        var sorted = SortedFold(history.Events);
        var shuffled = history.Events.ToArray();
        new Random(history.ShuffleSeed).Shuffle(shuffled);
        var replayed = shuffled.Concat(shuffled.Take(5)).ToArray();

        var oneByOne = Engine.Start("c1");
        int applied = 0, duplicates = 0, refolded = 0;
        foreach (var e in replayed)
        {
            var r = Engine.Apply(oneByOne, e);
            applied += r.Outcome == ApplyOutcome.Applied ? 1 : 0;
            duplicates += r.Outcome == ApplyOutcome.Duplicate ? 1 : 0;
            refolded += r.Outcome == ApplyOutcome.Refolded ? 1 : 0;
            oneByOne = r.State;
        }

        var batch = Engine.ApplyMany(Engine.Start("c1"), replayed);
        var run = Engine.Run(replayed).Single();
        return Same(oneByOne, sorted) && Same(batch.State, sorted) && Same(run, sorted)
            && batch.Applied == applied && batch.Duplicates == duplicates && batch.Refolded == refolded
            && batch.Transitions.SequenceEqual(sorted.Journey)
            && duplicates == Math.Min(5, shuffled.Length) && applied + refolded == history.Events.Count;
    }

    [Property(Arbitrary = [typeof(StagesArbitraries)], MaxTest = 60)]
    public bool ApplyMany_OnAStoredPrefix_EqualsApplyingTheRestInFoldOrder(LongCustomerHistory history)
    {
        // A state with an evaluation, then the rest of the events as one batch: the batch equals applying them one by
        // one in fold order (the order JourneyTracker uses), transitions included.
        var split = history.Events.Count / 2;
        var rest = history.Events.Skip(split).Concat(history.Events.Where((_, i) => i % 7 == 3 && i < split)).ToArray();
        new Random(history.ShuffleSeed).Shuffle(rest);
        var prefix = SortedFold(history.Events.Take(split));
        if (prefix.AsOf is { } asOf)
        {
            prefix = Engine.Evaluate(prefix, asOf.AddDays(history.ShuffleSeed % 200)).State;
        }

        var expected = prefix;
        foreach (var e in rest.OrderBy(e => e, Comparer<LifecycleEvent>.Create(LifecycleEngine.FoldOrder)))
        {
            expected = Engine.Apply(expected, e).State;
        }

        var batch = Engine.ApplyMany(prefix, rest);
        var common = 0;
        while (common < prefix.JourneyCount && common < expected.JourneyCount && prefix.Journey[common] == expected.Journey[common])
        {
            common++;
        }

        return Same(batch.State, expected) && batch.Transitions.SequenceEqual(expected.Journey[common..])
            && batch.Duplicates == rest.Length - (history.Events.Count - split);
    }
}
