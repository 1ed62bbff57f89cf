using System.Globalization;

namespace Lifecycle.Stages;

/// <summary>One move of one customer between stages, with the rule that fired and the event that caused it.</summary>
/// <param name="From">Source stage id; <see langword="null"/> for the entry into the initial stage at first contact.</param>
/// <param name="To">Destination stage id.</param>
/// <param name="At">When the customer moved.</param>
/// <param name="Rule">Name of the rule that fired (<see cref="FirstContactRule"/> for the initial entry).</param>
/// <param name="EventId">Id of the causing event; <see langword="null"/> for time and model rules, which no event causes.</param>
public readonly record struct StageTransition(string? From, string To, DateTimeOffset At, string Rule, string? EventId)
{
    /// <summary>The rule name recorded for the entry into the initial stage at first contact.</summary>
    public const string FirstContactRule = "first-contact";
}

/// <summary>Time a customer spent in one stage, from the journey.</summary>
/// <param name="Stage">Stage id.</param>
/// <param name="Entries">Number of times the customer entered the stage.</param>
/// <param name="FirstEntered">First entry.</param>
/// <param name="LastEntered">Latest entry.</param>
/// <param name="LastExited">Latest exit; <see langword="null"/> while the customer is in the stage.</param>
/// <param name="LatestDuration">Duration of the latest stay (up to the evaluation instant when still in the stage).</param>
/// <param name="CumulativeDuration">Total time over all stays.</param>
public readonly record struct StageVisit(string Stage, int Entries, DateTimeOffset FirstEntered, DateTimeOffset LastEntered, DateTimeOffset? LastExited, TimeSpan LatestDuration, TimeSpan CumulativeDuration)
{
    /// <summary>Gets a value indicating whether the customer is in this stage at the evaluation instant.</summary>
    public bool IsCurrent => LastExited is null;
}

/// <summary>One customer's lifecycle state: current stage, facts, journey and applied events.</summary>
/// <remarks>
/// <para>Made by <see cref="LifecycleEngine.Start"/> and returned by <see cref="LifecycleEngine.Apply"/> and
/// <see cref="LifecycleEngine.Evaluate"/>; state belongs to the caller. A state is a value that never changes:
/// applying an event returns a new one. It is a struct so that folding allocates nothing per event (keep states in an
/// array); the event history and journey live in append-only buffers shared by successive states, so a step costs
/// O(1) and extending an older state copies only its prefix. Every 32 events a state folded without evaluations is kept
/// as a checkpoint, so a late event re-folds from the checkpoint before it.</para>
/// <para><c>default</c> is not a state (its <see cref="Model"/> is null); the engine rejects it.</para>
/// <para>Thread safety: immutable; safe to read from many threads and to extend from many threads.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1815:Override equals and operator equals on value types", Justification = "A state is compared through its journey and facts, not as a whole.")]
public struct CustomerState
{
    internal const int NoStage = -1;

    internal CustomerState(StageModel model, string customerId)
    {
        Model = model;
        CustomerId = customerId;
        StageIndex = NoStage;
    }

    /// <summary>Gets the customer id.</summary>
    public readonly string CustomerId { get; }

    /// <summary>Gets the model the state belongs to (null for <c>default</c>).</summary>
    public readonly StageModel Model { get; }

    /// <summary>Gets the facts folded from the applied events.</summary>
    public readonly CustomerFacts Facts => FactsValue;

    /// <summary>Gets the current stage, or <see langword="null"/> before the first event.</summary>
    public readonly Stage? CurrentStage => StageIndex == NoStage ? null : Model.StageArray[StageIndex];

    /// <summary>Gets when the customer entered the current stage, or <see langword="null"/> before the first event.</summary>
    public readonly DateTimeOffset? StageEnteredAt => StageIndex == NoStage ? null : new DateTimeOffset(StageEnteredTicks, TimeSpan.Zero);

    /// <summary>Gets the instant the state reflects (latest applied event or evaluation, UTC), or <see langword="null"/> for a new customer.</summary>
    public readonly DateTimeOffset? AsOf => AsOfTicks == 0 ? null : new DateTimeOffset(AsOfTicks, TimeSpan.Zero);

    /// <summary>Gets the journey: every transition in time order, the first being the entry into the initial stage.</summary>
    public readonly ReadOnlySpan<StageTransition> Journey => SharedLog<StageTransition>.View(JourneyLog, JourneyCount);

    /// <summary>Gets the applied events in the order they were folded (timestamp order).</summary>
    public readonly ReadOnlySpan<LifecycleEvent> Events => EventLog.View(EventLog, EventCount);

    /// <summary>Gets the number of applied events.</summary>
    public int EventCount { readonly get; internal set; }

    internal CustomerFacts FactsValue { readonly get; set; }

    internal int StageIndex { readonly get; set; }

    internal long StageEnteredTicks { readonly get; set; }

    internal long AsOfTicks { readonly get; set; }

    internal long LastEventTicks { readonly get; set; }

    internal string? LastEventId { readonly get; set; }

    internal long EvaluatedTicks { readonly get; set; }

    /// <summary>Gets or sets whether two events with one timestamp were folded against id order (possible under <see cref="OutOfOrderPolicy.Reject"/> only), so the log is not in fold order.</summary>
    internal bool Unsorted { readonly get; set; }

    internal EventLog? EventLog { readonly get; set; }

    internal SharedLog<StageTransition>? JourneyLog { readonly get; set; }

    internal int JourneyCount { readonly get; set; }

    /// <summary>Gets the stage the customer was in at an instant, from the journey.</summary>
    /// <param name="at">The instant.</param>
    /// <returns>The stage id, or <see langword="null"/> before first contact.</returns>
    public readonly string? StageAt(DateTimeOffset at)
    {
        var journey = Journey;
        var ticks = at.UtcTicks;
        string? stage = null;
        foreach (ref readonly var t in journey)
        {
            if (t.At.UtcTicks > ticks)
            {
                break;
            }

            stage = t.To;
        }

        return stage;
    }

    /// <summary>Summarizes the time spent in each stage as of an instant.</summary>
    /// <param name="asOf">The evaluation instant; transitions after it are ignored and the current stay ends at it.</param>
    /// <returns>One visit summary per stage entered by <paramref name="asOf"/>, in model order. Cumulative durations add up to <paramref name="asOf"/> − first contact.</returns>
    public readonly IReadOnlyList<StageVisit> GetStageVisits(DateTimeOffset asOf)
    {
        var journey = Journey;
        var n = Model.StageArray.Length;
        var entries = new int[n];
        var first = new long[n];
        var lastIn = new long[n];
        var lastOut = new long[n];
        var cumulative = new long[n];
        var end = asOf.UtcTicks;
        var current = NoStage;
        for (var i = 0; i < journey.Length; i++)
        {
            var t = journey[i].At.UtcTicks;
            if (t > end)
            {
                break;
            }

            if (current != NoStage)
            {
                cumulative[current] += t - lastIn[current];
                lastOut[current] = t;
            }

            current = Model.IndexOf(journey[i].To);
            if (entries[current]++ == 0)
            {
                first[current] = t;
            }

            lastIn[current] = t;
            lastOut[current] = 0;
        }

        if (current != NoStage)
        {
            cumulative[current] += end - lastIn[current];
        }

        var result = new List<StageVisit>();
        for (var s = 0; s < n; s++)
        {
            if (entries[s] == 0)
            {
                continue;
            }

            var exited = s == current ? (long?)null : lastOut[s];
            var latest = (exited ?? end) - lastIn[s];
            result.Add(new StageVisit(Model.StageArray[s].Id, entries[s], Utc(first[s]), Utc(lastIn[s]), exited is { } x ? Utc(x) : null, TimeSpan.FromTicks(latest), TimeSpan.FromTicks(cumulative[s])));
        }

        return result;
    }

    /// <inheritdoc/>
    public override readonly string ToString() => string.Create(CultureInfo.InvariantCulture, $"{CustomerId}: {CurrentStage?.Id ?? "(no events)"} as of {AsOf:O}, {EventCount} events, {JourneyCount} transitions");

    private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);
}
