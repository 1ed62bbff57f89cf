using System.Globalization;

namespace Lifecycle.Stages;

/// <summary>What the engine does with an event older than what a customer's state already reflects.</summary>
public enum OutOfOrderPolicy
{
    /// <summary>Re-fold the customer's whole history with the event in its place (timestamp, then event id); the journey is rebuilt. Nothing is lost; costs O(history).</summary>
    Refold = 0,

    /// <summary>Throw <see cref="OutOfOrderEventException"/>; the caller must sort the events. Events with equal timestamps are applied in arrival order.</summary>
    Reject = 1,
}

/// <summary>What happened to an applied event.</summary>
public enum ApplyOutcome
{
    /// <summary>The event was folded in timestamp order.</summary>
    Applied = 0,

    /// <summary>An event with this id was already applied (same content): nothing changed.</summary>
    Duplicate = 1,

    /// <summary>The event was older than the state; the history was re-folded with it.</summary>
    Refolded = 2,

    /// <summary>An evaluation as of an instant (<see cref="LifecycleEngine.Evaluate"/>).</summary>
    Evaluated = 3,
}

/// <summary>The result of one fold step: the new state and the transitions it added.</summary>
public readonly struct ApplyResult
{
    private readonly int _firstNew;

    internal ApplyResult(in CustomerState state, ApplyOutcome outcome, int firstNew)
    {
        State = state;
        Outcome = outcome;
        _firstNew = firstNew;
    }

    /// <summary>Gets the new state (unchanged for a duplicate).</summary>
    public CustomerState State { get; }

    /// <summary>Gets what happened.</summary>
    public ApplyOutcome Outcome { get; }

    /// <summary>Gets the transitions this step added; after a refold, the rebuilt journey from the first transition that changed.</summary>
    public ReadOnlySpan<StageTransition> Transitions => State.Model is null ? [] : State.Journey[_firstNew..];
}

/// <summary>The result of <see cref="LifecycleEngine.ApplyMany"/>: the new state, what happened to the events, and the transitions added.</summary>
public readonly struct ApplyManyResult
{
    private readonly int _firstNew;

    internal ApplyManyResult(in CustomerState state, int applied, int duplicates, int refolded, int firstNew, IReadOnlyList<LifecycleEvent> added, int lateInFoldOrder = 0)
    {
        State = state;
        Applied = applied;
        Duplicates = duplicates;
        Refolded = refolded;
        _firstNew = firstNew;
        Added = added;
        LateInFoldOrder = lateInFoldOrder;
    }

    /// <summary>Gets the new state.</summary>
    public CustomerState State { get; }

    /// <summary>Gets the number of events that were newer than everything before them (<see cref="ApplyOutcome.Applied"/> one by one).</summary>
    public int Applied { get; }

    /// <summary>Gets the number of events whose id was already applied (<see cref="ApplyOutcome.Duplicate"/>).</summary>
    public int Duplicates { get; }

    /// <summary>Gets the number of late events, older than an event or evaluation before them (<see cref="ApplyOutcome.Refolded"/> one by one).</summary>
    public int Refolded { get; }

    /// <summary>Gets the transitions the batch added; after a re-fold, the rebuilt journey from the first transition that changed.</summary>
    public ReadOnlySpan<StageTransition> Transitions => State.Model is null ? [] : State.Journey[_firstNew..];

    /// <summary>Gets the index in the new journey of the first transition that changed.</summary>
    internal int FirstChanged => _firstNew;

    /// <summary>Gets the number of new events older than the input state (the ones re-folded when the batch is applied in fold order).</summary>
    internal int LateInFoldOrder { get; }

    /// <summary>Gets the events that were not duplicates, in fold order.</summary>
    internal IReadOnlyList<LifecycleEvent> Added { get; }
}

/// <summary>Folds events into customer states over a <see cref="StageModel"/>: (state, event) → (state, transitions), plus evaluation as of an instant.</summary>
/// <remarks>
/// <para><b>Fold.</b> <see cref="Apply"/> first fires the time rules due by the event's timestamp (each at its own due
/// instant), then folds the event into the facts, enters the initial stage at first contact, and fires the event
/// rules: the highest-priority rule whose condition holds and whose transition the model permits (guard passing)
/// moves the customer; rules are tried again from the new stage, each firing at most once per step.
/// <see cref="Evaluate"/> fires the time rules due by an instant and then the model rules (P(alive)) as of it.</para>
/// <para><b>Order and replay.</b> Events apply in timestamp order (ties: event id, ordinal). An event id already
/// applied is ignored (<see cref="ApplyOutcome.Duplicate"/>), so replaying a stream changes nothing; the same id
/// with different content is an error. An event older than the state follows <see cref="OutOfOrder"/>: re-fold the
/// customer's history, or throw <see cref="OutOfOrderEventException"/>. No event is dropped silently.</para>
/// <para>A time rule fires at max(due instant, the instant the state reflected before the step, the entry into the
/// current stage), so journeys never go back in time; for inactivity rules this is exactly the due instant.
/// Model rules fire at the evaluation instant; after a refold the state is re-evaluated at its latest evaluation.</para>
/// <para>Thread safety: the engine holds no state and is safe to share; states are immutable.</para>
/// </remarks>
public sealed class LifecycleEngine
{
    /// <summary>Creates an engine.</summary>
    /// <param name="model">The stage model.</param>
    /// <param name="outOfOrder">What to do with an event older than a state.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="outOfOrder"/> is not defined.</exception>
    public LifecycleEngine(StageModel model, OutOfOrderPolicy outOfOrder = OutOfOrderPolicy.Refold)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!Enum.IsDefined(outOfOrder))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(outOfOrder), outOfOrder, "is not an OutOfOrderPolicy", "use Refold or Reject");
        }

        Model = model;
        OutOfOrder = outOfOrder;
    }

    /// <summary>Gets the model.</summary>
    public StageModel Model { get; }

    /// <summary>Gets the out-of-order policy.</summary>
    public OutOfOrderPolicy OutOfOrder { get; }

    /// <summary>Creates the state of a customer with no events.</summary>
    /// <param name="customerId">The customer id; not empty.</param>
    /// <returns>The empty state.</returns>
    /// <exception cref="ArgumentException"><paramref name="customerId"/> is empty.</exception>
    public CustomerState Start(string customerId)
    {
        if (string.IsNullOrWhiteSpace(customerId))
        {
            ThrowHelper.Argument(nameof(customerId), "The customer id is empty; pass the id of the customer whose events you will apply.");
        }

        return new CustomerState(Model, customerId);
    }

    /// <summary>Folds one event into a customer's state.</summary>
    /// <param name="state">The customer's current state.</param>
    /// <param name="lifecycleEvent">The event.</param>
    /// <returns>The new state and the transitions added.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The state belongs to another model or customer, the event's kind is not declared on the model, or the event id was already applied with different content.</exception>
    /// <exception cref="OutOfOrderEventException">The event is older than the state and the policy is <see cref="OutOfOrderPolicy.Reject"/>.</exception>
    public ApplyResult Apply(in CustomerState state, LifecycleEvent lifecycleEvent)
    {
        ArgumentNullException.ThrowIfNull(lifecycleEvent);
        CheckState(state);
        var e = lifecycleEvent;
        CheckEvent(state, e);
        var key = EventLog.Key(e.Id);
        if (EventLog.Find(state.EventLog, state.EventCount, e.Id, key) is { } existing)
        {
            CheckSameContent(existing, e);
            return new ApplyResult(state, ApplyOutcome.Duplicate, state.JourneyCount);
        }

        var t = e.Timestamp.UtcTicks;
        var late = t < state.AsOfTicks;
        if (OutOfOrder == OutOfOrderPolicy.Reject)
        {
            if (late)
            {
                throw new OutOfOrderEventException(F($"Event '{e.Id}' of customer '{e.CustomerId}' at {e.Timestamp:O} is older than the customer's state, which reflects {state.AsOf:O}; sort the events by timestamp, or use OutOfOrderPolicy.Refold to re-fold the history."))
                {
                    EventId = e.Id,
                    CustomerId = e.CustomerId,
                    EventTimestamp = e.Timestamp,
                    StateAsOf = state.AsOf!.Value,
                };
            }
        }
        else if (late || (t == state.LastEventTicks && string.CompareOrdinal(e.Id, state.LastEventId) < 0))
        {
            return new ApplyResult(Refold(state, [e], out var common), ApplyOutcome.Refolded, common);
        }

        var next = state;
        ApplyInOrder(ref next, e, key);
        return new ApplyResult(next, ApplyOutcome.Applied, state.JourneyCount);
    }

    /// <summary>Folds a batch of one customer's events at once: the result of applying them one by one in fold order (timestamp, then id), with one re-fold for all the late ones.</summary>
    /// <param name="state">The customer's current state.</param>
    /// <param name="events">The customer's events, in any order; repeats of an applied id are duplicates, as in <see cref="Apply"/>.</param>
    /// <returns>The new state, the counts of what <see cref="Apply"/> would have reported for each event in arrival order, and the transitions added.</returns>
    /// <remarks>
    /// <para>Under <see cref="OutOfOrderPolicy.Refold"/> the events are sorted and the late ones (older than the state)
    /// are re-folded together from the checkpoint before the earliest of them, so a batch costs a sort, the events
    /// after that checkpoint and the new ones, whatever their arrival order (events applied one by one newest-first
    /// would re-fold the history once each). The state equals <see cref="Apply"/> of the events in fold order, which for
    /// a state that was never evaluated is the state of any arrival order. Under <see cref="OutOfOrderPolicy.Reject"/>
    /// the events are applied one by one in arrival order.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is null or <paramref name="events"/> contains null.</exception>
    /// <exception cref="ArgumentException">See <see cref="Apply"/>.</exception>
    /// <exception cref="OutOfOrderEventException">See <see cref="Apply"/>.</exception>
    public ApplyManyResult ApplyMany(in CustomerState state, IReadOnlyList<LifecycleEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        CheckState(state);
        int applied = 0, duplicates = 0, refolded = 0;
        if (OutOfOrder == OutOfOrderPolicy.Reject)
        {
            var next = state;
            var added = new List<LifecycleEvent>(events.Count);
            foreach (var e in events)
            {
                ArgumentNullException.ThrowIfNull(e, nameof(events));
                var r = Apply(next, e);
                if (r.Outcome == ApplyOutcome.Duplicate)
                {
                    duplicates++;
                    continue;
                }

                applied++;
                added.Add(e);
                next = r.State;
            }

            return new ApplyManyResult(next, applied, duplicates, 0, state.JourneyCount, added);
        }

        // Classify in arrival order exactly as Apply would (duplicate, late, in order), then fold in fold order.
        var fresh = new List<LifecycleEvent>(events.Count);
        var batchIds = new Dictionary<string, LifecycleEvent>(events.Count, StringComparer.Ordinal);
        var asOf = state.AsOfTicks;
        var lastTicks = state.LastEventTicks;
        var lastId = state.LastEventId;
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            CheckEvent(state, e);
            if ((EventLog.Find(state.EventLog, state.EventCount, e.Id, EventLog.Key(e.Id)) ?? batchIds.GetValueOrDefault(e.Id)) is { } existing)
            {
                CheckSameContent(existing, e);
                duplicates++;
                continue;
            }

            batchIds.Add(e.Id, e);
            fresh.Add(e);
            var t = e.Timestamp.UtcTicks;
            if (t < asOf || (t == lastTicks && string.CompareOrdinal(e.Id, lastId) < 0))
            {
                refolded++;
            }
            else
            {
                applied++;
                (asOf, lastTicks, lastId) = (t, t, e.Id);
            }
        }

        fresh.Sort(FoldOrder);
        var lateCount = 0;
        while (lateCount < fresh.Count && IsLate(state, fresh[lateCount]))
        {
            lateCount++;
        }

        var s = state;
        var firstNew = state.JourneyCount;
        if (lateCount > 0)
        {
            s = Refold(state, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(fresh)[..lateCount], out firstNew);
        }

        for (var i = lateCount; i < fresh.Count; i++)
        {
            ApplyInOrder(ref s, fresh[i], EventLog.Key(fresh[i].Id));
        }

        return new ApplyManyResult(s, applied, duplicates, refolded, firstNew, fresh, lateCount);
    }

    /// <summary>Fires the time and model rules as of an instant.</summary>
    /// <param name="state">The customer's current state.</param>
    /// <param name="asOf">The evaluation instant; not before the instant the state reflects.</param>
    /// <returns>The new state (reflecting <paramref name="asOf"/>) and the transitions added.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="ArgumentException">The state belongs to another model.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOf"/> is before the state's <see cref="CustomerState.AsOf"/>.</exception>
    /// <exception cref="InvalidOperationException">A P(alive) model returned a value that is not a probability.</exception>
    public ApplyResult Evaluate(in CustomerState state, DateTimeOffset asOf)
    {
        CheckState(state);
        var ticks = asOf.UtcTicks;
        if (ticks < state.AsOfTicks)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(asOf), asOf, F($"is before the instant customer '{state.CustomerId}''s state reflects ({state.AsOf:O})"),
                "evaluate as of that instant or later; for the past, read the journey (CustomerState.StageAt, GetStageVisits)");
        }

        var next = state;
        if (state.StageIndex != CustomerState.NoStage)
        {
            FireTimeRules(ref next, ticks, state.AsOfTicks);
            FireModelRules(ref next, asOf);
        }

        next.AsOfTicks = ticks;
        next.EvaluatedTicks = ticks;
        return new ApplyResult(next, ApplyOutcome.Evaluated, state.JourneyCount);
    }

    /// <summary>Folds a whole stream: one state per customer (in order of first appearance), optionally evaluated as of an instant.</summary>
    /// <param name="events">The events, in any order (the policy applies to late events).</param>
    /// <param name="asOf">When given, every state is evaluated as of it; it must not be before any event.</param>
    /// <returns>The customers' states.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="events"/> is null or contains null.</exception>
    /// <exception cref="ArgumentException">See <see cref="Apply"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOf"/> is before an event.</exception>
    /// <exception cref="OutOfOrderEventException">See <see cref="Apply"/>.</exception>
    public IReadOnlyList<CustomerState> Run(IEnumerable<LifecycleEvent> events, DateTimeOffset? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var states = new List<CustomerState>();
        var groups = new List<List<LifecycleEvent>>();
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            if (!index.TryGetValue(e.CustomerId, out var i))
            {
                i = states.Count;
                index.Add(e.CustomerId, i);
                states.Add(Start(e.CustomerId));
                groups.Add([]);
            }

            if (OutOfOrder == OutOfOrderPolicy.Reject)
            {
                states[i] = Apply(states[i], e).State;
            }
            else
            {
                groups[i].Add(e);
            }
        }

        if (OutOfOrder == OutOfOrderPolicy.Refold)
        {
            // New states were never evaluated, so the fold does not depend on arrival order: one batch per customer
            // sorts the events instead of re-folding the history for each late one.
            for (var i = 0; i < states.Count; i++)
            {
                states[i] = ApplyMany(states[i], groups[i]).State;
            }
        }

        if (asOf is { } at)
        {
            for (var i = 0; i < states.Count; i++)
            {
                states[i] = Evaluate(states[i], at).State;
            }
        }

        return states;
    }

    /// <summary>The order of the fold: timestamp (UTC), then event id (ordinal).</summary>
    internal static int FoldOrder(LifecycleEvent a, LifecycleEvent b)
    {
        var c = a.Timestamp.UtcTicks.CompareTo(b.Timestamp.UtcTicks);
        return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
    }

    private static string F(FormattableString s) => FormattableString.Invariant(s);

    private void CheckState(in CustomerState state)
    {
        if (state.Model is null)
        {
            ThrowHelper.Argument(nameof(state), "The state is default(CustomerState); start every customer with LifecycleEngine.Start(customerId).");
        }

        if (!ReferenceEquals(state.Model, Model))
        {
            ThrowHelper.Argument(nameof(state), F($"The state of customer '{state.CustomerId}' was made by another stage model; start states with this engine's Start(customerId)."));
        }
    }

    /// <summary>
    /// Re-folds late events (sorted in fold order, each older than the state) into their places: from the nearest
    /// checkpoint at or before the earliest place (a state folded without evaluations, stored every
    /// <see cref="EventLog.CheckpointInterval"/> events), the history merged with the late events; then re-evaluates at
    /// the latest evaluation. The result equals folding the sorted history from the start (the old path): the
    /// checkpoint is that fold's state at its count, and folding is deterministic.
    /// </summary>
    private CustomerState Refold(in CustomerState state, ReadOnlySpan<LifecycleEvent> late, out int common)
    {
        var events = state.Events;
        int kept;
        CustomerState s;
        if (state.Unsorted)
        {
            // Ties applied in arrival order (by an engine under Reject): the log is not in fold order, so sort it all.
            var all = new LifecycleEvent[events.Length + late.Length];
            events.CopyTo(all);
            late.CopyTo(all.AsSpan(events.Length));
            Array.Sort(all, FoldOrder);
            s = Start(state.CustomerId);
            kept = 0;
            foreach (var ev in all)
            {
                ApplyInOrder(ref s, ev, EventLog.Key(ev.Id));
            }
        }
        else
        {
            var keys = EventLog.Keys(state.EventLog, state.EventCount);
            var i = EventLog.InsertionPoint(events, late[0].Timestamp.UtcTicks, late[0].Id);
            if (!EventLog.TryGetCheckpoint(state.EventLog, i, out s))
            {
                s = Start(state.CustomerId);
            }

            // A branch sized for the whole re-fold, sharing the checkpoints and id index below the restart point.
            s.EventLog = EventLog.Branch(state.EventLog, s.EventCount, events.Length + late.Length + 4);
            kept = s.JourneyCount;
            i = s.EventCount;
            var j = 0;
            while (i < events.Length || j < late.Length)
            {
                if (j < late.Length && (i == events.Length || FoldOrder(late[j], events[i]) < 0))
                {
                    ApplyInOrder(ref s, late[j], EventLog.Key(late[j].Id));
                    j++;
                }
                else
                {
                    ApplyInOrder(ref s, events[i], keys[i]);
                    i++;
                }
            }
        }

        if (state.EvaluatedTicks > s.AsOfTicks)
        {
            s = Evaluate(s, new DateTimeOffset(state.EvaluatedTicks, TimeSpan.Zero)).State;
        }

        // The journey up to the checkpoint is shared; compare from there.
        var old = state.Journey;
        var rebuilt = s.Journey;
        common = kept;
        while (common < old.Length && common < rebuilt.Length && old[common] == rebuilt[common])
        {
            common++;
        }

        return s;
    }

    private static bool IsLate(in CustomerState state, LifecycleEvent e)
    {
        var t = e.Timestamp.UtcTicks;
        return t < state.AsOfTicks || (t == state.LastEventTicks && string.CompareOrdinal(e.Id, state.LastEventId) < 0);
    }

    private void CheckEvent(in CustomerState state, LifecycleEvent e)
    {
        if (!string.Equals(e.CustomerId, state.CustomerId, StringComparison.Ordinal))
        {
            ThrowHelper.Argument("lifecycleEvent", F($"Event '{e.Id}' belongs to customer '{e.CustomerId}' but was applied to the state of '{state.CustomerId}'; keep one state per customer."));
        }

        if (!Model.Accepts(e.Kind))
        {
            ThrowHelper.Argument("lifecycleEvent", F($"Event '{e.Id}' has kind '{e.Kind.Name}', which the model does not declare; declare it with StageModelBuilder.AddEventKind(\"{e.Kind.Name}\") or map it to a built-in kind."));
        }
    }

    private static void CheckSameContent(LifecycleEvent existing, LifecycleEvent e)
    {
        if (!existing.SameContent(e))
        {
            ThrowHelper.Argument("lifecycleEvent", F($"Event id '{e.Id}' of customer '{e.CustomerId}' was already applied with different content ({existing}) than now ({e}); event ids must be unique within a customer's history, fix the source."));
        }
    }

    private void ApplyInOrder(ref CustomerState s, LifecycleEvent e, int key)
    {
        var t = e.Timestamp.UtcTicks;
        var before = s.AsOfTicks;
        if (s.StageIndex != CustomerState.NoStage)
        {
            FireTimeRules(ref s, t, before);
        }

        if (t == s.LastEventTicks && string.CompareOrdinal(e.Id, s.LastEventId) < 0)
        {
            s.Unsorted = true;
        }

        s.FactsValue = s.FactsValue.Apply(e);
        s.EventLog = EventLog.Append(s.EventLog, s.EventCount, e, key);
        s.EventCount++;
        s.LastEventTicks = t;
        s.LastEventId = e.Id;
        s.AsOfTicks = Math.Max(before, t);
        if (s.StageIndex == CustomerState.NoStage)
        {
            Record(ref s, Model.InitialIndex, t, StageTransition.FirstContactRule, e.Id);
        }

        FireEventRules(ref s, e, t);
        if (OutOfOrder == OutOfOrderPolicy.Refold && s.EvaluatedTicks == 0 && !s.Unsorted && s.EventCount % EventLog.CheckpointInterval == 0)
        {
            EventLog.SetCheckpoint(in s);
        }
    }

    private void FireEventRules(ref CustomerState s, LifecycleEvent e, long t)
    {
        var rules = Model.RuleArray;
        var fired = new FiredRules(rules.Length);
        for (var guardLoop = 0; guardLoop <= rules.Length; guardLoop++)
        {
            var candidates = Model.EventRules[s.StageIndex];
            var chosen = -1;
            var facts = s.FactsValue;
            foreach (var r in candidates)
            {
                if (fired.Has(r) || !rules[r].EventCondition!(facts, e))
                {
                    continue;
                }

                var edge = Model.EdgeAt(s.StageIndex, Model.RuleTargets[r])!;
                if (edge.Guard is null || edge.Guard(facts))
                {
                    chosen = r;
                    break;
                }
            }

            if (chosen < 0)
            {
                return;
            }

            fired.Add(chosen);
            Record(ref s, Model.RuleTargets[chosen], t, rules[chosen].Name, e.Id);
        }
    }

    private void FireTimeRules(ref CustomerState s, long asOf, long lowerBound)
    {
        var rules = Model.RuleArray;
        if (rules.Length == 0)
        {
            return;
        }

        var fired = new FiredRules(rules.Length);
        for (var guardLoop = 0; guardLoop <= rules.Length; guardLoop++)
        {
            var candidates = Model.TimeRules[s.StageIndex];
            var chosen = -1;
            var chosenDue = long.MaxValue;
            var facts = s.FactsValue;
            foreach (var r in candidates)
            {
                if (fired.Has(r))
                {
                    continue;
                }

                var due = rules[r].DueTicks(facts);
                if (due > asOf || due >= chosenDue)
                {
                    continue;
                }

                var edge = Model.EdgeAt(s.StageIndex, Model.RuleTargets[r])!;
                if (edge.Guard is null || edge.Guard(facts))
                {
                    chosen = r;
                    chosenDue = due;
                }
            }

            if (chosen < 0)
            {
                return;
            }

            fired.Add(chosen);
            var at = Math.Max(chosenDue, Math.Max(lowerBound, s.StageEnteredTicks));
            Record(ref s, Model.RuleTargets[chosen], at, rules[chosen].Name, null);
        }
    }

    private void FireModelRules(ref CustomerState s, DateTimeOffset asOf)
    {
        var rules = Model.RuleArray;
        if (rules.Length == 0)
        {
            return;
        }

        var fired = new FiredRules(rules.Length);
        for (var guardLoop = 0; guardLoop <= rules.Length; guardLoop++)
        {
            var chosen = -1;
            var facts = s.FactsValue;
            foreach (var r in Model.ModelRules[s.StageIndex])
            {
                if (fired.Has(r))
                {
                    continue;
                }

                var rule = rules[r];
                var p = rule.Model!.Evaluate(facts, asOf);
                if (p is { } v && (!double.IsFinite(v) || v < 0 || v > 1))
                {
                    ThrowHelper.InvalidOperation(F($"Rule '{rule.Name}': the P(alive) model returned {v.ToString("R", CultureInfo.InvariantCulture)} for customer '{s.CustomerId}' as of {asOf:O}; a probability is in [0, 1], check the model's parameters."));
                }

                if (p is null || p.Value >= rule.Threshold!.Value)
                {
                    continue;
                }

                var edge = Model.EdgeAt(s.StageIndex, Model.RuleTargets[r])!;
                if (edge.Guard is null || edge.Guard(facts))
                {
                    chosen = r;
                    break;
                }
            }

            if (chosen < 0)
            {
                return;
            }

            fired.Add(chosen);
            Record(ref s, Model.RuleTargets[chosen], Math.Max(asOf.UtcTicks, s.StageEnteredTicks), rules[chosen].Name, null);
        }
    }

    /// <summary>Rules fired in one step (each fires at most once): a bit mask, with an array only for models of more than 64 rules.</summary>
    private struct FiredRules(int count)
    {
        private readonly bool[]? _many = count > 64 ? new bool[count] : null;
        private ulong _bits;

        public readonly bool Has(int rule) => _many is null ? (_bits & (1UL << rule)) != 0 : _many[rule];

        public void Add(int rule)
        {
            if (_many is null)
            {
                _bits |= 1UL << rule;
            }
            else
            {
                _many[rule] = true;
            }
        }
    }

    private void Record(ref CustomerState s, int to, long at, string rule, string? eventId)
    {
        var from = s.StageIndex == CustomerState.NoStage ? null : Model.StageArray[s.StageIndex].Id;
        var transition = new StageTransition(from, Model.StageArray[to].Id, new DateTimeOffset(at, TimeSpan.Zero), rule, eventId);
        s.JourneyLog = SharedLog<StageTransition>.Append(s.JourneyLog, s.JourneyCount, transition);
        s.JourneyCount++;
        s.StageIndex = to;
        s.StageEnteredTicks = at;
    }
}
