namespace Lifecycle.Metrics;

/// <summary>One subscription (contract) of one customer: active from <see cref="Start"/> until <see cref="End"/>, paying <see cref="RecurringRevenue"/> while active.</summary>
/// <typeparam name="TKey">The customer identifier type.</typeparam>
/// <remarks>
/// <para>The subscription is active on the half-open interval [<see cref="Start"/>, <see cref="End"/>); a <c>null</c> end
/// means it is still running (right-censored at the observation end). <see cref="RecurringRevenue"/> is the revenue rate
/// while active, in whatever unit the caller uses (typically monthly recurring revenue); revenue metrics compare it
/// at period ends, so the unit cancels in every rate.</para>
/// <para>A customer may hold several subscriptions, overlapping or not; the contractual churn definition merges them.
/// <c>default</c> is a zero-revenue subscription starting and ending in year 1 (valid only when <typeparamref name="TKey"/>'s default is a valid id).</para>
/// </remarks>
public readonly record struct Subscription<TKey>
    where TKey : notnull, IEquatable<TKey>
{
    private readonly DateTimeOffset _start;
    private readonly DateTimeOffset? _end;
    private readonly decimal _recurringRevenue;

    /// <summary>Creates a validated subscription.</summary>
    /// <param name="customerId">The subscriber.</param>
    /// <param name="start">When the subscription became active.</param>
    /// <param name="end">When it ended (exclusive), or <c>null</c> while it runs.</param>
    /// <param name="recurringRevenue">Revenue per unit of time while active, &gt;= 0.</param>
    /// <exception cref="ArgumentException"><paramref name="end"/> is before <paramref name="start"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="recurringRevenue"/> is negative.</exception>
    public Subscription(TKey customerId, DateTimeOffset start, DateTimeOffset? end, decimal recurringRevenue)
    {
        CustomerId = customerId;
        ValidateRange(start, end);
        ValidateRevenue(recurringRevenue);
        _start = start;
        _end = end;
        _recurringRevenue = recurringRevenue;
    }

    /// <summary>Gets the subscriber.</summary>
    public TKey CustomerId { get; init; }

    /// <summary>Gets when the subscription became active.</summary>
    /// <exception cref="ArgumentException">(init) The start is after <see cref="End"/>.</exception>
    public DateTimeOffset Start
    {
        get => _start;
        init
        {
            ValidateRange(value, _end);
            _start = value;
        }
    }

    /// <summary>Gets when the subscription ended (exclusive), or <c>null</c> while it runs.</summary>
    /// <exception cref="ArgumentException">(init) The end is before <see cref="Start"/>.</exception>
    public DateTimeOffset? End
    {
        get => _end;
        init
        {
            ValidateRange(_start, value);
            _end = value;
        }
    }

    /// <summary>Gets the revenue per unit of time while active (for example monthly recurring revenue).</summary>
    /// <exception cref="ArgumentOutOfRangeException">(init) The value is negative.</exception>
    public decimal RecurringRevenue
    {
        get => _recurringRevenue;
        init
        {
            ValidateRevenue(value);
            _recurringRevenue = value;
        }
    }

    private static void ValidateRange(DateTimeOffset start, DateTimeOffset? end)
    {
        if (end is { } e && e < start)
        {
            ThrowHelper.Argument(nameof(end), FormattableString.Invariant($"end = {e:O} is before start = {start:O}: a subscription cannot end before it starts; swap the dates or pass null for a running subscription."));
        }
    }

    private static void ValidateRevenue(decimal revenue)
    {
        if (revenue < 0)
        {
            ThrowHelper.ArgumentOutOfRange("recurringRevenue", revenue, "must be zero or positive", "record refunds and discounts as a lower recurring revenue, not a negative one");
        }
    }
}

/// <summary>One spell of activity of one customer: from acquisition (or reactivation) until churn.</summary>
/// <remarks>
/// Active on the half-open interval [<see cref="Start"/>, <see cref="End"/>); a <c>null</c> end means the customer was
/// still active at the observation end (right-censored). Spells are what an <see cref="IChurnDefinition{TRecord}"/>
/// produces and what every churn metric and survival curve is computed from. <c>default</c> is a spell starting in
/// year 1 that never ends.
/// </remarks>
public readonly record struct ActivitySpell
{
    private readonly DateTimeOffset _start;
    private readonly DateTimeOffset? _end;

    /// <summary>Creates a validated spell.</summary>
    /// <param name="start">When the customer became active.</param>
    /// <param name="end">When the customer churned, or <c>null</c> if still active at the observation end.</param>
    /// <exception cref="ArgumentException"><paramref name="end"/> is before <paramref name="start"/>.</exception>
    public ActivitySpell(DateTimeOffset start, DateTimeOffset? end)
    {
        Validate(start, end);
        _start = start;
        _end = end;
    }

    /// <summary>Gets when the customer became active.</summary>
    /// <exception cref="ArgumentException">(init) The start is after <see cref="End"/>.</exception>
    public DateTimeOffset Start
    {
        get => _start;
        init
        {
            Validate(value, _end);
            _start = value;
        }
    }

    /// <summary>Gets the churn instant, or <c>null</c> when censored (still active at the observation end).</summary>
    /// <exception cref="ArgumentException">(init) The end is before <see cref="Start"/>.</exception>
    public DateTimeOffset? End
    {
        get => _end;
        init
        {
            Validate(_start, value);
            _end = value;
        }
    }

    private static void Validate(DateTimeOffset start, DateTimeOffset? end)
    {
        if (end is { } e && e < start)
        {
            ThrowHelper.Argument(nameof(end), FormattableString.Invariant($"end = {e:O} is before start = {start:O}: a spell cannot end before it starts; the churn instant must not precede the acquisition."));
        }
    }
}
