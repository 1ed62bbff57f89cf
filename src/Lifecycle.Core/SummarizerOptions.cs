namespace Lifecycle;

/// <summary>How negative transaction amounts (refunds) are treated by <see cref="TransactionSummarizer{TKey}"/>.</summary>
public enum RefundPolicy
{
    /// <summary>A negative amount is an error naming the customer and the amount (the default).</summary>
    Reject = 0,

    /// <summary>Negative amounts are left out of every summary and counted in <see cref="SummarizerCounts.RefundsExcluded"/>.</summary>
    Exclude = 1,
}

/// <summary>Options for <see cref="TransactionSummarizer{TKey}"/>: the observation window, the period rule and the time unit.</summary>
/// <remarks>
/// <para>The period rule: an instant is bucketed into periods of <see cref="Period"/> counted from 0001-01-01 on the
/// wall clock of its own offset (so <c>2024-03-01T23:30+09:00</c> is on 1 March, the customer's Tokyo day), or on the
/// clock of <see cref="TimeZone"/> when one is set (<see cref="TimeZoneInfo.Utc"/> gives UTC days for every instant);
/// <see cref="PeriodOffset"/> then shifts the boundaries on that clock (for example <c>TimeSpan.FromHours(-4)</c> for
/// business days that end at 04:00).</para>
/// Purchases in the same period count as one transaction whose value is their sum. Recency and age are
/// whole numbers of periods converted into <see cref="Unit"/>. The period that contains
/// <see cref="ObservationEnd"/> is included in full; so is the one containing <see cref="CalibrationEnd"/>.
/// </remarks>
public sealed record SummarizerOptions
{
    private readonly TimeSpan _period = TimeSpan.FromDays(1);
    private readonly TimeUnit _unit = TimeUnit.Days;
    private readonly TimeSpan _periodOffset;

    /// <summary>Creates options for an observation window ending at <paramref name="observationEnd"/>.</summary>
    /// <param name="observationEnd">The end of observation; transactions in later periods are excluded and counted.</param>
    public SummarizerOptions(DateTimeOffset observationEnd) => ObservationEnd = observationEnd;

    /// <summary>Gets the end of observation (its period is included).</summary>
    public DateTimeOffset ObservationEnd { get; init; }

    /// <summary>Gets the end of the calibration period, or <c>null</c> for no calibration/holdout split.</summary>
    /// <value>Default <c>null</c>. When set it must not be after <see cref="ObservationEnd"/>; transactions after it (up to <see cref="ObservationEnd"/>) form the holdout.</value>
    public DateTimeOffset? CalibrationEnd { get; init; }

    /// <summary>Gets the model time unit of recency, age and holdout duration.</summary>
    /// <value>Default <see cref="TimeUnit.Days"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The unit is <see cref="TimeUnit.None"/> or not defined.</exception>
    public TimeUnit Unit
    {
        get => _unit;
        init
        {
            if (value is not (TimeUnit.Days or TimeUnit.Weeks))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(Unit), value, "must be TimeUnit.Days or TimeUnit.Weeks", "choose the unit your model should use");
            }

            _unit = value;
        }
    }

    /// <summary>Gets the length of a purchase period: purchases in one period count once.</summary>
    /// <value>Default one day. Must be between one minute and 366 days.</value>
    /// <exception cref="ArgumentOutOfRangeException">The period is shorter than a minute or longer than 366 days.</exception>
    public TimeSpan Period
    {
        get => _period;
        init
        {
            if (value < TimeSpan.FromMinutes(1) || value > TimeSpan.FromDays(366))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(Period), value, "must be between one minute and 366 days", "use TimeSpan.FromDays(1) for daily periods");
            }

            _period = value;
        }
    }

    /// <summary>Gets the shift of period boundaries from midnight on the period clock (each instant's own offset, or <see cref="TimeZone"/>).</summary>
    /// <value>Default zero (periods start at 00:00 on the period clock). Must lie within ±14 hours.</value>
    /// <exception cref="ArgumentOutOfRangeException">The offset is outside ±14 hours.</exception>
    public TimeSpan PeriodOffset
    {
        get => _periodOffset;
        init
        {
            if (value < TimeSpan.FromHours(-14) || value > TimeSpan.FromHours(14))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(PeriodOffset), value, "must lie within ±14 hours", "pass the UTC offset of your business day");
            }

            _periodOffset = value;
        }
    }

    /// <summary>Gets the time zone whose calendar the periods follow, or <c>null</c> for each instant's own offset.</summary>
    /// <value>Default <c>null</c>: an instant's day is the day of the offset it was written with (UTC for instants without one).</value>
    public TimeZoneInfo? TimeZone { get; init; }

    /// <summary>Gets a value indicating whether the first purchase period is included in the monetary value.</summary>
    /// <value>Default <c>false</c>: monetary value is the mean value of the repeat periods, as the Gamma-Gamma model expects.</value>
    public bool IncludeFirstPurchaseInMonetaryValue { get; init; }

    /// <summary>Gets the treatment of negative amounts.</summary>
    /// <value>Default <see cref="RefundPolicy.Reject"/>.</value>
    public RefundPolicy Refunds { get; init; }

    // Periods are at least a minute long, so indices since year 1 stay below int.MaxValue.
    internal int PeriodOf(DateTimeOffset instant)
    {
        var clock = TimeZone is null ? instant.Ticks
            : ReferenceEquals(TimeZone, TimeZoneInfo.Utc) ? instant.UtcTicks
            : TimeZoneInfo.ConvertTime(instant, TimeZone).Ticks;
        return (int)((clock + _periodOffset.Ticks) / _period.Ticks);
    }

    internal double UnitsPerPeriod => _period.TotalDays / (_unit == TimeUnit.Weeks ? 7.0 : 1.0);

    // The per-customer definitions, in one place for the in-memory summarizer and for totals an engine (DuckDB, SQL)
    // computed: the same .NET operations on the same whole periods and decimals give the same doubles, bit for bit.

    /// <summary>(frequency, recency, T) from whole periods: x = periods − 1, t_x and T in model units.</summary>
    internal static (double Frequency, double Recency, double T) Features(int calibrationPeriods, int recencyPeriods, int firstPeriod, int calibrationEndPeriod, double unitsPerPeriod) =>
        (calibrationPeriods - 1, recencyPeriods * unitsPerPeriod, (calibrationEndPeriod - firstPeriod) * unitsPerPeriod);

    /// <summary>The monetary value: mean of the repeat periods (0 without one), or of every period with the first included.</summary>
    internal double MonetaryValue(decimal calibrationTotal, decimal firstPeriodValue, int calibrationPeriods) =>
        IncludeFirstPurchaseInMonetaryValue ? (double)(calibrationTotal / calibrationPeriods)
        : calibrationPeriods > 1 ? (double)((calibrationTotal - firstPeriodValue) / (calibrationPeriods - 1)) : 0.0;

    /// <summary>The mean value of the holdout periods, 0 without one.</summary>
    internal static double HoldoutMonetaryValue(decimal holdoutTotal, long holdoutPeriods) =>
        holdoutPeriods > 0 ? (double)(holdoutTotal / holdoutPeriods) : 0.0;
}

/// <summary>What a summarizer saw and set aside: nothing is dropped without being counted.</summary>
/// <param name="Transactions">Transactions offered to the summarizer.</param>
/// <param name="AfterObservationEnd">Transactions in periods after the observation end (excluded).</param>
/// <param name="RefundsExcluded">Negative amounts left out under <see cref="RefundPolicy.Exclude"/>.</param>
/// <param name="HoldoutOnlyCustomers">Customers whose first purchase falls in the holdout period (excluded from the summaries).</param>
public readonly record struct SummarizerCounts(long Transactions, long AfterObservationEnd, long RefundsExcluded, int HoldoutOnlyCustomers);
