using Lifecycle.Metrics;
using Lifecycle.Stages;

namespace Lifecycle.Store;

/// <summary>One stay of a customer in a stage, as CRMs show lifecycle history: entered, exited, time in stage, previous and next stage, and the rule that moved the customer in.</summary>
/// <param name="Stage">The stage id.</param>
/// <param name="Entered">When the customer entered.</param>
/// <param name="Exited">When the customer left; <see langword="null"/> for the current stay.</param>
/// <param name="TimeInStage">Exited − entered, or as-of − entered for the current stay.</param>
/// <param name="PreviousStage">The stage before; <see langword="null"/> for the entry at first contact.</param>
/// <param name="NextStage">The stage after; <see langword="null"/> for the current stay.</param>
/// <param name="Rule">The rule that moved the customer into the stage.</param>
/// <param name="EventId">The event that caused the entry; <see langword="null"/> for time and model rules.</param>
public readonly record struct StageStay(string Stage, DateTimeOffset Entered, DateTimeOffset? Exited, TimeSpan TimeInStage, string? PreviousStage, string? NextStage, string Rule, string? EventId);

/// <summary>The number of moves from one stage to another in one calendar period.</summary>
/// <param name="Period">The period.</param>
/// <param name="From">Source stage; <see langword="null"/> for the entry at first contact.</param>
/// <param name="To">Destination stage.</param>
/// <param name="Count">Number of transitions.</param>
public readonly record struct PeriodFlow(CalendarPeriod Period, string? From, string To, long Count);

/// <summary>Turns stored journeys and flow counts into stage history and stage × period flows.</summary>
public static class JourneyHistory
{
    /// <summary>Lists the stays of a journey.</summary>
    /// <param name="journey">The transitions in order (<see cref="IJourneyStore.ReadJourneyAsync"/> or <see cref="CustomerState.Journey"/>).</param>
    /// <param name="asOf">Where the current stay ends for <see cref="StageStay.TimeInStage"/>; not before the last transition.</param>
    /// <returns>One stay per transition, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="journey"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOf"/> is before the last transition.</exception>
    public static IReadOnlyList<StageStay> Stays(IReadOnlyList<StageTransition> journey, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(journey);
        if (journey.Count > 0 && asOf < journey[^1].At)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(asOf), asOf, FormattableString.Invariant($"is before the last transition ({journey[^1].At:O})"), "pass the journey's as-of instant or later");
        }

        var stays = new StageStay[journey.Count];
        for (var i = 0; i < journey.Count; i++)
        {
            var t = journey[i];
            var next = i + 1 < journey.Count ? journey[i + 1] : (StageTransition?)null;
            var end = next?.At ?? asOf;
            stays[i] = new StageStay(t.To, t.At, next?.At, end - t.At, t.From, next?.To, t.Rule, t.EventId);
        }

        return stays;
    }

    /// <summary>Turns customers by stage into a distribution.</summary>
    /// <param name="customersByStage">Customers by current stage (<see cref="IJourneyStore.CountStagesAsync"/>).</param>
    /// <returns>One count per stage, ordered by stage id (ordinal), with its share of all the customers counted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="customersByStage"/> is null.</exception>
    /// <exception cref="OverflowException">A count exceeds <see cref="int.MaxValue"/>.</exception>
    public static IReadOnlyList<StageCount> Distribution(IReadOnlyDictionary<string, long> customersByStage)
    {
        ArgumentNullException.ThrowIfNull(customersByStage);
        var total = customersByStage.Values.Sum();
        return customersByStage
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new StageCount(p.Key, checked((int)p.Value), total == 0 ? 0 : (double)p.Value / total))
            .ToList();
    }

    /// <summary>Groups daily flow counts into calendar periods.</summary>
    /// <param name="daily">Counts per UTC day (<see cref="IJourneyStore.CountDailyFlowsAsync"/>).</param>
    /// <param name="calendar">The periods; its offset must be zero, since the store counts UTC days.</param>
    /// <returns>Counts per period, source and destination, ordered by period, then source, then destination (ordinal).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="daily"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="calendar"/> is <c>default</c> or has a non-zero offset.</exception>
    public static IReadOnlyList<PeriodFlow> Flows(IEnumerable<StageFlowCount> daily, PeriodCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(daily);
        calendar.ThrowIfDefault(nameof(calendar));
        if (calendar.UtcOffset != TimeSpan.Zero)
        {
            ThrowHelper.Argument(nameof(calendar), FormattableString.Invariant($"The calendar has offset {calendar.UtcOffset}, but stored flows are counted per UTC day; use a calendar with offset zero."));
        }

        var totals = new Dictionary<(int Period, string? From, string To), long>();
        foreach (var d in daily)
        {
            var key = (calendar.IndexOf(d.PeriodStart), d.From, d.To);
            totals[key] = totals.GetValueOrDefault(key) + d.Count;
        }

        return totals
            .OrderBy(p => p.Key.Period)
            .ThenBy(p => p.Key.From, StringComparer.Ordinal)
            .ThenBy(p => p.Key.To, StringComparer.Ordinal)
            .Select(p => new PeriodFlow(calendar.Period(p.Key.Period), p.Key.From, p.Key.To, p.Value))
            .ToList();
    }
}
