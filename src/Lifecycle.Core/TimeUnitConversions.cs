namespace Lifecycle;

/// <summary>How long a month is when horizons and discount periods are given in months.</summary>
public enum MonthLength
{
    /// <summary>The mean Gregorian month, 365.2425 / 12 = 30.436875 days (4.348125 weeks): twelve months are exactly one mean year, so a 12-month horizon in days and in weeks is the same span.</summary>
    Calendar = 0,

    /// <summary>lifetimes' factors: 30 days, or 4.345 weeks (which is 30.415 days, so days and weeks disagree slightly). Use it to reproduce lifetimes' <c>customer_lifetime_value</c>.</summary>
    Lifetimes = 1,
}

/// <summary>The one place where days, weeks, months and years are converted to and from model time units.</summary>
/// <remarks>
/// A day is 24 hours and a week 7 days. A month is <see cref="MonthLength.Calendar"/> (30.436875 days) unless the caller
/// asks for lifetimes' convention, and a year is 12 months (365.2425 days). Everything in the library, the CLI and the
/// DI package that needs one of these numbers asks here. Pure and thread-safe.
/// </remarks>
public static class TimeUnitConversions
{
    /// <summary>Days in a mean Gregorian year: 365.2425.</summary>
    public const double DaysPerYear = 365.2425;

    /// <summary>Days in a mean Gregorian month: 365.2425 / 12 = 30.436875.</summary>
    public const double DaysPerMonth = DaysPerYear / 12;

    /// <summary>Days in one model time unit.</summary>
    /// <param name="unit">Days or Weeks.</param>
    /// <returns>1 or 7.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is not Days or Weeks.</exception>
    public static double DaysPerUnit(this TimeUnit unit) => unit switch
    {
        TimeUnit.Days => 1,
        TimeUnit.Weeks => 7,
        _ => throw Unsupported(unit),
    };

    /// <summary>Converts a number of days into model time units.</summary>
    /// <param name="unit">Days or Weeks.</param>
    /// <param name="days">The days.</param>
    /// <returns><paramref name="days"/> / <see cref="DaysPerUnit"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is not Days or Weeks.</exception>
    public static double FromDays(this TimeUnit unit, double days) => days / unit.DaysPerUnit();

    /// <summary>Converts a time span into model time units.</summary>
    /// <param name="unit">Days or Weeks.</param>
    /// <param name="span">The span.</param>
    /// <returns>The span in units of <paramref name="unit"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is not Days or Weeks.</exception>
    public static double FromTimeSpan(this TimeUnit unit, TimeSpan span) => span.Ticks / (TimeSpan.TicksPerDay * unit.DaysPerUnit());

    /// <summary>Converts model time units into days.</summary>
    /// <param name="unit">Days or Weeks.</param>
    /// <param name="units">The amount in units of <paramref name="unit"/>.</param>
    /// <returns><paramref name="units"/> × <see cref="DaysPerUnit"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is not Days or Weeks.</exception>
    public static double ToDays(this TimeUnit unit, double units) => units * unit.DaysPerUnit();

    /// <summary>Model time units in one month.</summary>
    /// <param name="unit">Days or Weeks.</param>
    /// <param name="month">Which month length; <see cref="MonthLength.Calendar"/> by default.</param>
    /// <returns>30.436875 days or 4.348125 weeks (calendar); 30 days or 4.345 weeks (lifetimes).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is not Days or Weeks, or <paramref name="month"/> is undefined.</exception>
    public static double UnitsPerMonth(this TimeUnit unit, MonthLength month = MonthLength.Calendar) => month switch
    {
        MonthLength.Calendar => unit.FromDays(DaysPerMonth),
        MonthLength.Lifetimes => unit switch
        {
            TimeUnit.Days => 30,
            TimeUnit.Weeks => 4.345,
            _ => throw Unsupported(unit),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(month), month, "month must be MonthLength.Calendar or MonthLength.Lifetimes."),
    };

    /// <summary>Model time units in one year of twelve months.</summary>
    /// <param name="unit">Days or Weeks.</param>
    /// <param name="month">Which month length; <see cref="MonthLength.Calendar"/> by default (365.2425 days).</param>
    /// <returns>12 × <see cref="UnitsPerMonth"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is not Days or Weeks, or <paramref name="month"/> is undefined.</exception>
    public static double UnitsPerYear(this TimeUnit unit, MonthLength month = MonthLength.Calendar) => 12 * unit.UnitsPerMonth(month);

    /// <summary>The unit's name in plain English, plural: "days" or "weeks".</summary>
    /// <param name="unit">Days or Weeks.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is not Days or Weeks.</exception>
    public static string DisplayName(this TimeUnit unit) => unit switch
    {
        TimeUnit.Days => "days",
        TimeUnit.Weeks => "weeks",
        _ => throw Unsupported(unit),
    };

    private static ArgumentOutOfRangeException Unsupported(TimeUnit unit) =>
        new(nameof(unit), unit, "unit must be TimeUnit.Days or TimeUnit.Weeks; pass the model's time unit.");
}
