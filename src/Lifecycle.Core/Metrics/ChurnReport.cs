namespace Lifecycle.Metrics;

/// <summary>Period churn, retention and revenue movements computed by <see cref="ChurnAnalysis"/>, plus the activity spells behind them.</summary>
/// <remarks>Immutable and thread-safe. <see cref="Periods"/> and <see cref="Revenue"/> have one entry per complete period, in order.</remarks>
public sealed class ChurnReport
{
    private readonly PeriodChurn[] _periods;
    private readonly PeriodRevenue[] _revenue;
    private readonly ActivitySpell[] _spells;
    private readonly int[] _offsets;

    internal ChurnReport(string definition, PeriodCalendar calendar, DateTimeOffset observationEnd, int customers, long afterEnd, PeriodChurn[] periods, PeriodRevenue[] revenue, ActivitySpell[] spells, int[] offsets)
    {
        Definition = definition;
        Calendar = calendar;
        ObservationEnd = observationEnd;
        Customers = customers;
        RecordsAfterObservationEnd = afterEnd;
        _periods = periods;
        _revenue = revenue;
        _spells = spells;
        _offsets = offsets;
    }

    /// <summary>Gets the name of the churn definition used.</summary>
    public string Definition { get; }

    /// <summary>Gets the calendar of the periods.</summary>
    public PeriodCalendar Calendar { get; }

    /// <summary>Gets the end of observation (exclusive).</summary>
    public DateTimeOffset ObservationEnd { get; }

    /// <summary>Gets the number of distinct customers with a record before the observation end.</summary>
    public int Customers { get; }

    /// <summary>Gets the number of records at or after the observation end (excluded).</summary>
    public long RecordsAfterObservationEnd { get; }

    /// <summary>Gets the customer counts and rates of each complete period.</summary>
    public IReadOnlyList<PeriodChurn> Periods => _periods;

    /// <summary>Gets the revenue movements of each complete period (aligned with <see cref="Periods"/>).</summary>
    public IReadOnlyList<PeriodRevenue> Revenue => _revenue;

    /// <summary>Gets the number of activity spells (acquisitions plus reactivations) over all customers.</summary>
    public int SpellCount => _spells.Length;

    /// <summary>Gets each customer's lifetime until first churn, as survival data for <see cref="KaplanMeier"/>.</summary>
    /// <param name="unit">The unit of the durations.</param>
    /// <param name="studyStart">Optional start of the study window: customers acquired before it enter late (left truncation) at their age on that date; those who churned before it are left out. <c>null</c>: everyone is followed from acquisition.</param>
    /// <returns>One observation per customer (whose first spell did not end before <paramref name="studyStart"/>): entry, exit (churn or observation end) and whether churn was observed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is not days or weeks, or <paramref name="studyStart"/> is not before the observation end.</exception>
    /// <remarks>Only the first spell counts: the lifetime is from acquisition to the first churn; reactivations do not restart it.</remarks>
    public SurvivalObservation[] Lifetimes(TimeUnit unit, DateTimeOffset? studyStart = null)
    {
        if (unit is not (TimeUnit.Days or TimeUnit.Weeks))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(unit), unit, "must be TimeUnit.Days or TimeUnit.Weeks", "choose the unit of the lifetimes");
        }

        if (studyStart is { } ss && ss >= ObservationEnd)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(studyStart), ss, FormattableString.Invariant($"must be before the observation end {ObservationEnd:O}"), "start the study inside the observation window");
        }

        double ticksPerUnit = unit == TimeUnit.Weeks ? TimeSpan.TicksPerDay * 7 : TimeSpan.TicksPerDay;
        var result = new List<SurvivalObservation>(Customers);
        for (var c = 0; c < Customers; c++)
        {
            if (_offsets[c] == _offsets[c + 1])
            {
                continue;
            }

            var spell = _spells[_offsets[c]];
            var end = spell.End ?? ObservationEnd;
            double entry = 0;
            if (studyStart is { } start && spell.Start < start)
            {
                if (end <= start)
                {
                    continue;
                }

                entry = (start - spell.Start).Ticks / ticksPerUnit;
            }

            result.Add(new SurvivalObservation(entry, (end - spell.Start).Ticks / ticksPerUnit, spell.End is not null));
        }

        return [.. result];
    }
}
