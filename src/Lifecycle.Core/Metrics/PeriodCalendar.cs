using System.Globalization;

namespace Lifecycle.Metrics;

/// <summary>The length of a calendar period used by the period metrics and cohort tables.</summary>
/// <remarks><c>default</c> is <see cref="None"/>, which every API rejects, so an unset granularity is an error rather than a guess.</remarks>
public enum PeriodGranularity
{
    /// <summary>Not set. Rejected by every API.</summary>
    None = 0,

    /// <summary>ISO 8601 weeks: Monday 00:00 to the next Monday 00:00, labelled with the ISO week-year (<c>2024-W01</c>).</summary>
    Week = 1,

    /// <summary>Calendar months, labelled <c>2024-01</c>.</summary>
    Month = 2,

    /// <summary>Calendar quarters (January, April, July, October), labelled <c>2024-Q1</c>.</summary>
    Quarter = 3,
}

/// <summary>Maps instants to calendar periods (ISO weeks, months or quarters) on a fixed UTC offset.</summary>
/// <remarks>
/// <para>An instant belongs to the period that contains its wall-clock time at <see cref="UtcOffset"/>: with the default
/// offset zero, periods start at 00:00 UTC. Weeks start on Monday (ISO 8601); 0001-01-01 is a Monday, so week
/// boundaries never depend on the year. Periods are half-open: a period contains its start and not its end.</para>
/// <para>Period indices count from year 1: a week index is the number of whole weeks since 0001-01-01, a month
/// index is <c>12 × (year − 1) + month − 1</c>, a quarter index <c>4 × (year − 1) + quarter − 1</c>. Consecutive
/// periods have consecutive indices.</para>
/// <para><c>default</c> has granularity <see cref="PeriodGranularity.None"/> and is rejected by the metrics. Immutable and thread-safe.</para>
/// </remarks>
public readonly record struct PeriodCalendar
{
    private readonly PeriodGranularity _granularity;
    private readonly TimeSpan _utcOffset;

    /// <summary>Creates a calendar of <paramref name="granularity"/> periods starting at 00:00 UTC.</summary>
    /// <param name="granularity">Week, month or quarter.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="granularity"/> is not week, month or quarter.</exception>
    public PeriodCalendar(PeriodGranularity granularity)
        : this(granularity, TimeSpan.Zero)
    {
    }

    /// <summary>Creates a calendar of <paramref name="granularity"/> periods whose boundaries are midnight at <paramref name="utcOffset"/>.</summary>
    /// <param name="granularity">Week, month or quarter.</param>
    /// <param name="utcOffset">The UTC offset of the business calendar, within ±14 hours and in whole minutes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="granularity"/> is not week, month or quarter, or the offset is outside ±14 hours or not whole minutes.</exception>
    public PeriodCalendar(PeriodGranularity granularity, TimeSpan utcOffset)
    {
        ValidateGranularity(granularity);
        ValidateOffset(utcOffset);
        _granularity = granularity;
        _utcOffset = utcOffset;
    }

    /// <summary>Gets the period length.</summary>
    /// <exception cref="ArgumentOutOfRangeException">(init) The value is not week, month or quarter.</exception>
    public PeriodGranularity Granularity
    {
        get => _granularity;
        init
        {
            ValidateGranularity(value);
            _granularity = value;
        }
    }

    /// <summary>Gets the UTC offset at whose midnight periods start.</summary>
    /// <value>Default zero.</value>
    /// <exception cref="ArgumentOutOfRangeException">(init) The offset is outside ±14 hours or not whole minutes.</exception>
    public TimeSpan UtcOffset
    {
        get => _utcOffset;
        init
        {
            ValidateOffset(value);
            _utcOffset = value;
        }
    }

    /// <summary>Gets the index of the period containing <paramref name="instant"/>.</summary>
    /// <param name="instant">Any instant.</param>
    /// <returns>The period index (see remarks of <see cref="PeriodCalendar"/>).</returns>
    /// <exception cref="InvalidOperationException">The calendar is <c>default</c> (no granularity).</exception>
    public int IndexOf(DateTimeOffset instant)
    {
        var local = instant.UtcDateTime + _utcOffset;
        return _granularity switch
        {
            PeriodGranularity.Week => (int)(local.Ticks / TimeSpan.TicksPerDay / 7),
            PeriodGranularity.Month => ((local.Year - 1) * 12) + local.Month - 1,
            PeriodGranularity.Quarter => ((local.Year - 1) * 4) + ((local.Month - 1) / 3),
            _ => ThrowDefault<int>(),
        };
    }

    /// <summary>Gets the first instant of period <paramref name="index"/>.</summary>
    /// <param name="index">A period index.</param>
    /// <returns>Midnight at <see cref="UtcOffset"/> on the first day of the period.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the years 1 to 9998.</exception>
    /// <exception cref="InvalidOperationException">The calendar is <c>default</c> (no granularity).</exception>
    public DateTimeOffset StartOf(int index)
    {
        var max = _granularity switch
        {
            PeriodGranularity.Week => 9998 * 52,
            PeriodGranularity.Month => 9998 * 12,
            PeriodGranularity.Quarter => 9998 * 4,
            _ => ThrowDefault<int>(),
        };
        if (index < 0 || index > max)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(index), index, FormattableString.Invariant($"must be between 0 and {max}"), "use an index returned by IndexOf");
        }

        var date = _granularity switch
        {
            PeriodGranularity.Week => DateTime.MinValue.AddDays(index * 7.0),
            PeriodGranularity.Month => new DateTime((index / 12) + 1, (index % 12) + 1, 1, 0, 0, 0, DateTimeKind.Unspecified),
            _ => new DateTime((index / 4) + 1, ((index % 4) * 3) + 1, 1, 0, 0, 0, DateTimeKind.Unspecified),
        };
        return new DateTimeOffset(DateTime.SpecifyKind(date, DateTimeKind.Unspecified), _utcOffset);
    }

    /// <summary>Gets period <paramref name="index"/> with its bounds and label.</summary>
    /// <param name="index">A period index.</param>
    /// <returns>The period.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the years 1 to 9998.</exception>
    /// <exception cref="InvalidOperationException">The calendar is <c>default</c> (no granularity).</exception>
    public CalendarPeriod Period(int index) => new(_granularity, index, StartOf(index), StartOf(index + 1), Label(index));

    /// <summary>Gets the period containing <paramref name="instant"/>.</summary>
    /// <param name="instant">Any instant.</param>
    /// <returns>The period.</returns>
    /// <exception cref="InvalidOperationException">The calendar is <c>default</c> (no granularity).</exception>
    public CalendarPeriod PeriodOf(DateTimeOffset instant) => Period(IndexOf(instant));

    internal void ThrowIfDefault(string paramName)
    {
        if (_granularity == PeriodGranularity.None)
        {
            ThrowHelper.ArgumentOutOfRange(paramName, _granularity, "(calendar granularity) must be Week, Month or Quarter", "create the calendar with new PeriodCalendar(PeriodGranularity.Month)");
        }
    }

    private string Label(int index)
    {
        var start = StartOf(index).DateTime;
        return _granularity switch
        {
            PeriodGranularity.Week => string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(start):D4}-W{ISOWeek.GetWeekOfYear(start):D2}"),
            PeriodGranularity.Month => string.Create(CultureInfo.InvariantCulture, $"{start.Year:D4}-{start.Month:D2}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{start.Year:D4}-Q{((start.Month - 1) / 3) + 1}"),
        };
    }

    private static T ThrowDefault<T>()
    {
        ThrowHelper.InvalidOperation("The calendar has no granularity (it is default); create it with new PeriodCalendar(PeriodGranularity.Month) or another granularity.");
        return default;
    }

    private static void ValidateGranularity(PeriodGranularity granularity)
    {
        if (granularity is not (PeriodGranularity.Week or PeriodGranularity.Month or PeriodGranularity.Quarter))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(granularity), granularity, "must be Week, Month or Quarter", "choose the period length of the report");
        }
    }

    private static void ValidateOffset(TimeSpan offset)
    {
        if (offset < TimeSpan.FromHours(-14) || offset > TimeSpan.FromHours(14) || offset.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(offset), offset, "must lie within ±14 hours and be whole minutes", "pass the UTC offset of your business day, for example TimeSpan.FromHours(1)");
        }
    }
}

/// <summary>One calendar period: its index, bounds and label.</summary>
/// <remarks>Obtained from <see cref="PeriodCalendar.Period(int)"/>. The period is half-open: [<see cref="Start"/>, <see cref="End"/>).
/// <c>default</c> has no granularity and an empty label.</remarks>
public readonly record struct CalendarPeriod
{
    internal CalendarPeriod(PeriodGranularity granularity, int index, DateTimeOffset start, DateTimeOffset end, string label)
    {
        Granularity = granularity;
        Index = index;
        Start = start;
        End = end;
        Label = label;
    }

    /// <summary>Gets the period length.</summary>
    public PeriodGranularity Granularity { get; }

    /// <summary>Gets the period index (consecutive periods have consecutive indices).</summary>
    public int Index { get; }

    /// <summary>Gets the first instant of the period.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Gets the first instant after the period (the start of the next one).</summary>
    public DateTimeOffset End { get; }

    /// <summary>Gets the label: <c>2024-W01</c> (ISO week-year and week), <c>2024-01</c> or <c>2024-Q1</c>.</summary>
    public string Label { get; } = string.Empty;

    /// <summary>Returns <see cref="Label"/>.</summary>
    /// <returns>The label.</returns>
    public override string ToString() => Label;
}
