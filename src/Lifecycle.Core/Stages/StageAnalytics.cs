using System.Globalization;

namespace Lifecycle.Stages;

/// <summary>How many customers are in one stage.</summary>
/// <param name="Stage">Stage id.</param>
/// <param name="Customers">Customers in the stage.</param>
/// <param name="Share">Customers / all customers counted (0 when none are counted).</param>
public readonly record struct StageCount(string Stage, int Customers, double Share);

/// <summary>One step of the funnel.</summary>
/// <param name="Stage">Funnel stage id.</param>
/// <param name="Reached">Customers who reached this stage or a later funnel stage.</param>
/// <param name="ConversionFromPrevious">Reached / reached of the previous funnel step; <see langword="null"/> for the first step or when the previous step reached nobody.</param>
/// <param name="MedianTimeFromPrevious">Median time from reaching the previous step to reaching this one, over customers who reached both; <see langword="null"/> when none did.</param>
public readonly record struct FunnelStep(string Stage, int Reached, double? ConversionFromPrevious, TimeSpan? MedianTimeFromPrevious);

/// <summary>Customers who moved from one stage to another in a period.</summary>
/// <param name="From">Source stage id; <see langword="null"/> for new customers entering the initial stage.</param>
/// <param name="To">Destination stage id.</param>
/// <param name="Count">Number of transitions.</param>
public readonly record struct StageFlow(string? From, string To, int Count);

/// <summary>Time customers spent in one stage.</summary>
/// <param name="Stage">Stage id.</param>
/// <param name="Customers">Customers who were ever in the stage.</param>
/// <param name="Entries">Total entries (re-entries counted).</param>
/// <param name="CurrentlyIn">Customers in the stage at the evaluation instant.</param>
/// <param name="MeanCumulative">Mean, over <paramref name="Customers"/>, of each customer's total time in the stage.</param>
/// <param name="MedianCumulative">Median of the same.</param>
public readonly record struct StageTime(string Stage, int Customers, int Entries, int CurrentlyIn, TimeSpan MeanCumulative, TimeSpan MedianCumulative);

/// <summary>Transitions between stages in a period, as a from × to matrix.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class FlowMatrix
{
    private readonly int[] _counts;
    private readonly int[] _entered;
    private readonly Dictionary<string, int> _index;

    internal FlowMatrix(StageModel model, DateTimeOffset from, DateTimeOffset to, int[] counts, int[] entered)
    {
        Stages = [.. model.Stages.Select(s => s.Id)];
        _index = Stages.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        From = from;
        To = to;
        _counts = counts;
        _entered = entered;
        var flows = new List<StageFlow>();
        for (var t = 0; t < Stages.Count; t++)
        {
            if (entered[t] > 0)
            {
                flows.Add(new StageFlow(null, Stages[t], entered[t]));
            }
        }

        for (var f = 0; f < Stages.Count; f++)
        {
            for (var t = 0; t < Stages.Count; t++)
            {
                if (counts[(f * Stages.Count) + t] > 0)
                {
                    flows.Add(new StageFlow(Stages[f], Stages[t], counts[(f * Stages.Count) + t]));
                }
            }
        }

        Flows = flows;
    }

    /// <summary>Gets the period start (inclusive).</summary>
    public DateTimeOffset From { get; }

    /// <summary>Gets the period end (exclusive).</summary>
    public DateTimeOffset To { get; }

    /// <summary>Gets the stage ids, in model order (rows and columns).</summary>
    public IReadOnlyList<string> Stages { get; }

    /// <summary>Gets the non-zero flows: new customers first (From = null), then from × to in model order.</summary>
    public IReadOnlyList<StageFlow> Flows { get; }

    /// <summary>Gets the number of transitions from one stage to another in the period.</summary>
    /// <param name="fromStage">Source stage id.</param>
    /// <param name="toStage">Destination stage id.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentException">A stage id is unknown.</exception>
    public int this[string fromStage, string toStage] => _counts[(Index(fromStage) * Stages.Count) + Index(toStage)];

    /// <summary>Gets the number of new customers who entered a stage at first contact in the period.</summary>
    /// <param name="stage">Stage id.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentException">The stage id is unknown.</exception>
    public int Entered(string stage) => _entered[Index(stage)];

    private int Index(string stage) => stage is not null && _index.TryGetValue(stage, out var i) ? i
        : ThrowHelper.Argument<int>(nameof(stage), FormattableString.Invariant($"Unknown stage '{stage}'; the matrix has {string.Join(", ", Stages)}."));
}

/// <summary>Stage distribution, funnel, flows and time in stage over many customers' journeys.</summary>
/// <remarks>
/// <para>Every method reads the recorded journeys (<see cref="CustomerState.Journey"/>); evaluate states as of the
/// report instant first (<see cref="LifecycleEngine.Evaluate"/>) so time rules due by then have fired.</para>
/// <para>Thread safety: pure functions of their inputs.</para>
/// </remarks>
public static class StageAnalytics
{
    /// <summary>Counts customers per stage at an instant.</summary>
    /// <param name="model">The model the states belong to.</param>
    /// <param name="states">The customers.</param>
    /// <param name="asOf">The instant; customers first contacted later are not counted.</param>
    /// <returns>One count per stage, in model order.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A state belongs to another model.</exception>
    public static IReadOnlyList<StageCount> Distribution(StageModel model, IEnumerable<CustomerState> states, DateTimeOffset asOf)
    {
        var counts = new int[Check(model, states)];
        var total = 0;
        foreach (var s in states)
        {
            CheckModel(model, s);
            if (s.StageAt(asOf) is { } stage)
            {
                counts[model.IndexOf(stage)]++;
                total++;
            }
        }

        return [.. model.Stages.Select((st, i) => new StageCount(st.Id, counts[i], total == 0 ? 0 : counts[i] / (double)total))];
    }

    /// <summary>Builds the funnel over the model's funnel stages (in order).</summary>
    /// <param name="model">The model the states belong to.</param>
    /// <param name="states">The customers.</param>
    /// <param name="asOf">Only transitions up to this instant count; all when <see langword="null"/>.</param>
    /// <returns>One step per funnel stage.</returns>
    /// <remarks>
    /// A customer reaches step k at the first instant they enter funnel step k or any later funnel step, so a
    /// customer who skips a step (a purchase without a lead) still counts as having passed it, with zero time in
    /// it; reached counts never grow down the funnel. Stage-to-stage conversion is reached(k) / reached(k − 1);
    /// the median time to convert is over customers who reached both (the mean of the two middle values for an even count).
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A state belongs to another model.</exception>
    public static IReadOnlyList<FunnelStep> Funnel(StageModel model, IEnumerable<CustomerState> states, DateTimeOffset? asOf = null)
    {
        Check(model, states);
        var funnel = model.Stages.Select((s, i) => (s, i)).Where(x => x.s.Kind == StageKind.Funnel).Select(x => x.i).ToArray();
        var position = new int[model.Stages.Count];
        Array.Fill(position, -1);
        for (var k = 0; k < funnel.Length; k++)
        {
            position[funnel[k]] = k;
        }

        var reached = new int[funnel.Length];
        var durations = new List<long>[funnel.Length];
        for (var k = 0; k < funnel.Length; k++)
        {
            durations[k] = [];
        }

        var end = asOf?.UtcTicks ?? long.MaxValue;
        var reachedAt = new long[funnel.Length];
        foreach (var s in states)
        {
            CheckModel(model, s);
            Array.Fill(reachedAt, long.MaxValue);
            foreach (ref readonly var t in s.Journey)
            {
                var at = t.At.UtcTicks;
                if (at > end)
                {
                    break;
                }

                var k = position[model.IndexOf(t.To)];
                for (var j = k; j >= 0; j--)
                {
                    if (reachedAt[j] != long.MaxValue)
                    {
                        break;
                    }

                    reachedAt[j] = at;
                }
            }

            for (var k = 0; k < funnel.Length; k++)
            {
                if (reachedAt[k] == long.MaxValue)
                {
                    break;
                }

                reached[k]++;
                if (k > 0)
                {
                    durations[k].Add(reachedAt[k] - reachedAt[k - 1]);
                }
            }
        }

        var steps = new FunnelStep[funnel.Length];
        for (var k = 0; k < funnel.Length; k++)
        {
            double? conversion = k == 0 || reached[k - 1] == 0 ? null : reached[k] / (double)reached[k - 1];
            steps[k] = new FunnelStep(model.Stages[funnel[k]].Id, reached[k], conversion, Median(durations[k]) is { } m ? TimeSpan.FromTicks(m) : null);
        }

        return steps;
    }

    /// <summary>Counts transitions between stages in a period.</summary>
    /// <param name="model">The model the states belong to.</param>
    /// <param name="states">The customers.</param>
    /// <param name="from">Period start (inclusive).</param>
    /// <param name="to">Period end (exclusive); after <paramref name="from"/>.</param>
    /// <returns>The from × to matrix, plus entries of new customers.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A state belongs to another model.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="to"/> is not after <paramref name="from"/>.</exception>
    public static FlowMatrix Flows(StageModel model, IEnumerable<CustomerState> states, DateTimeOffset from, DateTimeOffset to)
    {
        var n = Check(model, states);
        CheckPeriod(from, to);
        var counts = new int[n * n];
        var entered = new int[n];
        foreach (var s in states)
        {
            CheckModel(model, s);
            foreach (ref readonly var t in s.Journey)
            {
                if (t.At < from)
                {
                    continue;
                }

                if (t.At >= to)
                {
                    break;
                }

                var target = model.IndexOf(t.To);
                if (t.From is null)
                {
                    entered[target]++;
                }
                else
                {
                    counts[(model.IndexOf(t.From) * n) + target]++;
                }
            }
        }

        return new FlowMatrix(model, from, to, counts, entered);
    }

    /// <summary>Summarizes time in stage over customers, as of an instant.</summary>
    /// <param name="model">The model the states belong to.</param>
    /// <param name="states">The customers.</param>
    /// <param name="asOf">The instant; current stays end at it.</param>
    /// <returns>One summary per stage, in model order.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A state belongs to another model.</exception>
    public static IReadOnlyList<StageTime> TimeInStage(StageModel model, IEnumerable<CustomerState> states, DateTimeOffset asOf)
    {
        var n = Check(model, states);
        var cumulative = new List<long>[n];
        var entries = new int[n];
        var current = new int[n];
        for (var i = 0; i < n; i++)
        {
            cumulative[i] = [];
        }

        foreach (var s in states)
        {
            CheckModel(model, s);
            foreach (var v in s.GetStageVisits(asOf))
            {
                var i = model.IndexOf(v.Stage);
                cumulative[i].Add(v.CumulativeDuration.Ticks);
                entries[i] += v.Entries;
                current[i] += v.IsCurrent ? 1 : 0;
            }
        }

        return [.. model.Stages.Select((st, i) => new StageTime(st.Id, cumulative[i].Count, entries[i], current[i],
            cumulative[i].Count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)cumulative[i].Average()),
            Median(cumulative[i]) is { } m ? TimeSpan.FromTicks(m) : TimeSpan.Zero))];
    }

    internal static long? Median(List<long> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : values[mid - 1] + ((values[mid] - values[mid - 1]) / 2);
    }

    internal static int Check(StageModel model, IEnumerable<CustomerState> states)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(states);
        return model.Stages.Count;
    }

    internal static void CheckModel(StageModel model, in CustomerState state)
    {
        if (!ReferenceEquals(state.Model, model))
        {
            ThrowHelper.Argument(nameof(state), string.Create(CultureInfo.InvariantCulture, $"The state of customer '{state.CustomerId}' belongs to another stage model; analyse states of one model at a time."));
        }
    }

    internal static void CheckPeriod(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(to), to, string.Create(CultureInfo.InvariantCulture, $"must be after the period start {from:O}"), "pass a period end later than its start");
        }
    }
}
