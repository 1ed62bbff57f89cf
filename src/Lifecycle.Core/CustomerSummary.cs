namespace Lifecycle;

/// <summary>What the models need to know about one customer: repeat frequency, recency, age and mean spend.</summary>
/// <remarks>
/// <para>Frequency <c>x</c> is the number of repeat purchase periods (purchase periods after the first);
/// recency <c>t_x</c> is the time from the first purchase period to the last; age <c>T</c> is the time from the
/// first purchase period to the observation end. All three are on one <see cref="TimeUnit"/> carried by the
/// enclosing <see cref="SummarySet{TKey}"/>. See docs/data-preparation.md for the exact rules.</para>
/// <para><c>default</c> is a customer with no repeat purchases whose first purchase falls on the observation end
/// (all zero): a valid row that adds nothing to a model's likelihood.</para>
/// </remarks>
public readonly record struct CustomerSummary
{
    private readonly double _frequency;
    private readonly double _recency;
    private readonly double _t;
    private readonly double _monetaryValue;

    /// <summary>Creates a validated summary.</summary>
    /// <param name="frequency">Repeat purchase periods, finite and &gt;= 0.</param>
    /// <param name="recency">Time of the last purchase period after the first, finite, &gt;= 0 and &lt;= <paramref name="t"/>.</param>
    /// <param name="t">Age: time from the first purchase period to the observation end, finite and &gt;= 0.</param>
    /// <param name="monetaryValue">Mean value of the repeat periods (0 when there are none), finite and &gt;= 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is NaN, infinite, negative, or recency exceeds age, or recency is not 0 when frequency is 0.</exception>
    public CustomerSummary(double frequency, double recency, double t, double monetaryValue)
    {
        ThrowHelper.ThrowIfNegativeOrNotFinite(frequency, nameof(frequency));
        ThrowHelper.ThrowIfNegativeOrNotFinite(recency, nameof(recency));
        ThrowHelper.ThrowIfNegativeOrNotFinite(t, nameof(t));
        ThrowHelper.ThrowIfNegativeOrNotFinite(monetaryValue, nameof(monetaryValue));
        Validate(frequency, recency, t);
        _frequency = frequency;
        _recency = recency;
        _t = t;
        _monetaryValue = monetaryValue;
    }

    /// <summary>Gets the number of repeat purchase periods <c>x</c>.</summary>
    public double Frequency
    {
        get => _frequency;
        init
        {
            ThrowHelper.ThrowIfNegativeOrNotFinite(value, nameof(Frequency));
            Validate(value, _recency, _t);
            _frequency = value;
        }
    }

    /// <summary>Gets the recency <c>t_x</c>: time from the first to the last purchase period.</summary>
    public double Recency
    {
        get => _recency;
        init
        {
            ThrowHelper.ThrowIfNegativeOrNotFinite(value, nameof(Recency));
            Validate(_frequency, value, _t);
            _recency = value;
        }
    }

    /// <summary>Gets the age <c>T</c>: time from the first purchase period to the observation end.</summary>
    public double T
    {
        get => _t;
        init
        {
            ThrowHelper.ThrowIfNegativeOrNotFinite(value, nameof(T));
            Validate(_frequency, _recency, value);
            _t = value;
        }
    }

    /// <summary>Gets the mean value of the repeat purchase periods (0 when frequency is 0).</summary>
    public double MonetaryValue
    {
        get => _monetaryValue;
        init
        {
            ThrowHelper.ThrowIfNegativeOrNotFinite(value, nameof(MonetaryValue));
            _monetaryValue = value;
        }
    }

    /// <summary>Gets the timestamp of the first purchase (default when unknown, for example when read from a summary file).</summary>
    public DateTimeOffset FirstPurchase { get; init; }

    /// <summary>Gets the timestamp of the last purchase in the calibration window (default when unknown).</summary>
    public DateTimeOffset LastPurchase { get; init; }

    /// <summary>Gets the number of transactions (rows, before same-period merging) in the calibration window.</summary>
    public long TransactionCount { get; init; }

    /// <summary>Gets the total spend in the calibration window, first purchase included.</summary>
    public decimal TotalSpend { get; init; }

    private static void Validate(double frequency, double recency, double t)
    {
        if (recency > t)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(recency), recency, $"must not exceed T = {t:R}", "recency is measured from the first purchase and cannot be later than the observation end");
        }

        if (frequency == 0 && recency != 0)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(recency), recency, "must be 0 when frequency is 0", "a customer without repeat purchases has recency 0");
        }
    }
}
