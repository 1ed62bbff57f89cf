namespace Lifecycle.Clv;

/// <summary>The discrete discounting convention (lifetimes, PyMC-Marketing): K periods of f model units, a rate d per period.</summary>
/// <remarks>
/// CLV = margin · E[M] · Σ_{k=1..K} (E[Y(k·f)] − E[Y((k−1)·f)]) / (1+d)^k: transactions expected during period k are
/// discounted by k whole periods (end-of-period timing). With f = 30 days or 4.345 weeks per month
/// (<see cref="MonthLength.Lifetimes"/>) this is lifetimes' <c>customer_lifetime_value</c> (which has no margin: use 1). Immutable.
/// </remarks>
public sealed record DiscreteDiscounting
{
    private readonly int _periods;
    private readonly double _unitsPerPeriod;
    private readonly double _ratePerPeriod;
    private readonly double _margin = 1;

    /// <summary>Creates a discrete convention.</summary>
    /// <param name="periods">Number of discount periods K, 1..100,000.</param>
    /// <param name="unitsPerPeriod">Model time units per period f, finite and &gt; 0 (30 for months in days, 4.345 for months in weeks).</param>
    /// <param name="ratePerPeriod">Discount rate d per period, finite and &gt;= 0 (0.01 is 1% per month).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    public DiscreteDiscounting(int periods, double unitsPerPeriod, double ratePerPeriod)
    {
        Periods = periods;
        UnitsPerPeriod = unitsPerPeriod;
        RatePerPeriod = ratePerPeriod;
    }

    /// <summary>Gets the number of discount periods K.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..100,000.</exception>
    public int Periods
    {
        get => _periods;
        init
        {
            if (value is < 1 or > 100_000)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(Periods), value, "must be between 1 and 100,000", "pass the number of discount periods (for example 12 months)");
            }

            _periods = value;
        }
    }

    /// <summary>Gets the model time units per discount period f.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN, infinite or not positive.</exception>
    public double UnitsPerPeriod
    {
        get => _unitsPerPeriod;
        init
        {
            ThrowHelper.ThrowIfNotPositiveFinite(value, nameof(UnitsPerPeriod));
            _unitsPerPeriod = value;
        }
    }

    /// <summary>Gets the discount rate per period d.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN, infinite or negative.</exception>
    public double RatePerPeriod
    {
        get => _ratePerPeriod;
        init
        {
            ThrowHelper.ThrowIfNegativeOrNotFinite(value, nameof(RatePerPeriod));
            _ratePerPeriod = value;
        }
    }

    /// <summary>Gets the profit margin applied to spend.</summary>
    /// <value>Default 1 (revenue). Finite and &gt;= 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN, infinite or negative.</exception>
    public double Margin
    {
        get => _margin;
        init
        {
            ThrowHelper.ThrowIfNegativeOrNotFinite(value, nameof(Margin));
            _margin = value;
        }
    }

    /// <summary>Gets the model time unit that <see cref="UnitsPerPeriod"/> is counted in, or <see cref="TimeUnit.None"/> when not stated.</summary>
    /// <value>Set by <see cref="Monthly(TimeUnit, int, double)"/>; default <see cref="TimeUnit.None"/> (the caller vouches for the unit). When set, CLV with a model on another unit throws, naming both units.</value>
    public TimeUnit Unit { get; init; }

    /// <summary>Monthly discounting for a model on <paramref name="unit"/> with calendar months: f = 30.436875 days or 4.348125 weeks (<see cref="TimeUnitConversions.UnitsPerMonth"/>).</summary>
    /// <param name="unit">The model's time unit.</param>
    /// <param name="months">Number of months K.</param>
    /// <param name="monthlyRate">Discount rate per month.</param>
    /// <returns>The convention.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The unit is not Days or Weeks, or a value is outside its range.</exception>
    public static DiscreteDiscounting Monthly(TimeUnit unit, int months, double monthlyRate) => Monthly(unit, months, monthlyRate, MonthLength.Calendar);

    /// <summary>Monthly discounting for a model on <paramref name="unit"/>: f = one month in model units (<see cref="TimeUnitConversions.UnitsPerMonth"/>).</summary>
    /// <param name="unit">The model's time unit.</param>
    /// <param name="months">Number of months K.</param>
    /// <param name="monthlyRate">Discount rate per month.</param>
    /// <param name="month">The month length; <see cref="MonthLength.Lifetimes"/> (30 days, 4.345 weeks) reproduces lifetimes.</param>
    /// <returns>The convention.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The unit is not Days or Weeks, the month length is undefined, or a value is outside its range.</exception>
    public static DiscreteDiscounting Monthly(TimeUnit unit, int months, double monthlyRate, MonthLength month) =>
        new(months, unit.UnitsPerMonth(month), monthlyRate) { Unit = unit };
}

/// <summary>The continuous discounting convention (CLVTools): CLV = margin · E[M] · DERT(δ), with DERT the discounted expected residual transactions.</summary>
/// <remarks>
/// DERT(δ) = ∫₀^H e^{−δs} dE[Y(s) | x, t_x, T] at continuous rate δ per model time unit, over horizon H (infinite by
/// default). An annual rate d converts as δ = ln(1+d) / (units per year). Immutable.
/// </remarks>
public sealed record ContinuousDiscounting
{
    private readonly double _ratePerUnit;
    private readonly double _horizon = double.PositiveInfinity;
    private readonly double _margin = 1;

    /// <summary>Creates a continuous convention.</summary>
    /// <param name="ratePerUnit">Continuous discount rate δ per model time unit, finite and &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is NaN, infinite or not positive.</exception>
    public ContinuousDiscounting(double ratePerUnit) => RatePerUnit = ratePerUnit;

    /// <summary>Gets the continuous discount rate δ per model time unit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN, infinite or not positive.</exception>
    public double RatePerUnit
    {
        get => _ratePerUnit;
        init
        {
            ThrowHelper.ThrowIfNotPositiveFinite(value, nameof(RatePerUnit));
            _ratePerUnit = value;
        }
    }

    /// <summary>Gets the horizon H in model time units.</summary>
    /// <value>Default +∞ (the whole residual lifetime). Otherwise finite and &gt; 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or not positive.</exception>
    public double Horizon
    {
        get => _horizon;
        init
        {
            if (double.IsNaN(value) || value <= 0)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(Horizon), value, "must be > 0 (or +∞)", "pass the horizon in model time units");
            }

            _horizon = value;
        }
    }

    /// <summary>Gets the profit margin applied to spend.</summary>
    /// <value>Default 1. Finite and &gt;= 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN, infinite or negative.</exception>
    public double Margin
    {
        get => _margin;
        init
        {
            ThrowHelper.ThrowIfNegativeOrNotFinite(value, nameof(Margin));
            _margin = value;
        }
    }

    /// <summary>Gets the model time unit the rate is per, or <see cref="TimeUnit.None"/> when not stated.</summary>
    /// <value>Set by <see cref="FromAnnualRate"/>; default <see cref="TimeUnit.None"/>. When set, CLV with a model on another unit throws, naming both units.</value>
    public TimeUnit Unit { get; init; }

    /// <summary>The continuous rate per model unit equivalent to an annual rate.</summary>
    /// <param name="unit">The model's time unit.</param>
    /// <param name="annualRate">Annual discount rate, finite and &gt; 0 (0.1 for 10%).</param>
    /// <returns>A convention with δ = ln(1 + annualRate) / (a Julian year: 365.25 days or 52.1786 weeks).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The unit is not Days or Weeks, or the rate is invalid.</exception>
    public static ContinuousDiscounting FromAnnualRate(TimeUnit unit, double annualRate)
    {
        ThrowHelper.ThrowIfNotPositiveFinite(annualRate, nameof(annualRate));
        // A Julian year (365.25 days), not TimeUnitConversions.DaysPerYear: the mpmath reference values of the continuous convention use it.
        return new ContinuousDiscounting(Math.Log(1 + annualRate) / unit.FromDays(365.25)) { Unit = unit };
    }
}
