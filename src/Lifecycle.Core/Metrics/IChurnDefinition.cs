namespace Lifecycle.Metrics;

/// <summary>A churn definition: turns one customer's records into activity spells (acquisition or reactivation, then churn or censoring).</summary>
/// <typeparam name="TRecord">The record type: <see cref="Transaction{TKey}"/> for non-contractual settings, <see cref="Subscription{TKey}"/> for contractual ones, or your own.</typeparam>
/// <remarks>
/// <para>This is the extension point of the churn metrics. The built-ins (<see cref="InactivityChurn{TKey}"/>,
/// <see cref="SubscriptionChurn{TKey}"/>) implement it; a new definition (for example "churned after a refund" or
/// "churned when the plan is downgraded to free") implements <see cref="AddSpells"/> and is passed to
/// <see cref="ChurnAnalysis"/> the same way. Every period count, rate, cohort and survival curve then follows
/// from the spells.</para>
/// <para>Contract, checked by <see cref="ChurnAnalysis"/> (a breach is an <see cref="InvalidOperationException"/> naming
/// the definition): spells are added in time order and do not overlap (a spell starts at or after the previous
/// one's end, and only the last may be open); no spell starts before the customer's first record (nobody is active before we first see them), and every start is before the observation end; an end is before the
/// observation end or <c>null</c> (censored); a churn that would happen at or after the observation end is not yet
/// observed and must be reported as <c>null</c>. Implementations should be immutable and thread-safe.</para>
/// </remarks>
public interface IChurnDefinition<TRecord>
{
    /// <summary>Gets a short name for reports (for example <c>inactivity 90 days</c>).</summary>
    string Name { get; }

    /// <summary>Adds the activity spells of one customer.</summary>
    /// <param name="customerRecords">All records of one customer before the observation end, sorted by time (transaction timestamp or subscription start).</param>
    /// <param name="observationEnd">The end of observation (exclusive): nothing at or after it is known.</param>
    /// <param name="spells">Where to add the spells, in time order.</param>
    void AddSpells(ReadOnlySpan<TRecord> customerRecords, DateTimeOffset observationEnd, ICollection<ActivitySpell> spells);
}

/// <summary>Non-contractual churn: a customer churns once a full inactivity window passes without a purchase.</summary>
/// <typeparam name="TKey">The customer identifier type.</typeparam>
/// <remarks>
/// <para>A spell starts at a purchase and continues while each next purchase comes less than <see cref="Window"/>
/// after the previous one. The churn instant is the last purchase of the spell plus the window. If that instant is
/// at or after the observation end, the customer is right-censored (still active: we cannot know yet). A purchase
/// at or after the churn instant starts a new spell: a reactivation.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class InactivityChurn<TKey> : IChurnDefinition<Transaction<TKey>>
    where TKey : notnull, IEquatable<TKey>
{
    /// <summary>Creates the definition.</summary>
    /// <param name="window">The inactivity that counts as churn; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is zero or negative.</exception>
    public InactivityChurn(TimeSpan window)
    {
        if (window <= TimeSpan.Zero)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(window), window, "must be positive", "pass the inactivity after which a customer counts as lost, for example TimeSpan.FromDays(90)");
        }

        Window = window;
    }

    /// <summary>Gets the inactivity window.</summary>
    public TimeSpan Window { get; }

    /// <inheritdoc/>
    public string Name => FormattableString.Invariant($"inactivity {Window.TotalDays:R} days");

    /// <inheritdoc/>
    public void AddSpells(ReadOnlySpan<Transaction<TKey>> customerRecords, DateTimeOffset observationEnd, ICollection<ActivitySpell> spells)
    {
        ArgumentNullException.ThrowIfNull(spells);
        if (customerRecords.IsEmpty)
        {
            return;
        }

        var start = customerRecords[0].Timestamp;
        var last = start;
        for (var i = 1; i < customerRecords.Length; i++)
        {
            var t = customerRecords[i].Timestamp;
            if (t - last >= Window)
            {
                spells.Add(new ActivitySpell(start, last + Window));
                start = t;
            }

            last = t;
        }

        spells.Add(new ActivitySpell(start, observationEnd - last > Window ? last + Window : null));
    }
}

/// <summary>Contractual churn: a customer is active while holding at least one subscription and churns when the last one ends.</summary>
/// <typeparam name="TKey">The customer identifier type.</typeparam>
/// <remarks>
/// <para>The customer's subscriptions are merged into their union. A gap between two subscriptions is a churn at the
/// end of the first and a reactivation at the start of the next, unless it is shorter than
/// <see cref="ReactivationGrace"/> (a late renewal), in which case the spell continues. A subscription that has no end,
/// or ends at or after the observation end, leaves the customer right-censored.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class SubscriptionChurn<TKey> : IChurnDefinition<Subscription<TKey>>
    where TKey : notnull, IEquatable<TKey>
{
    /// <summary>Creates the definition with no grace: any gap is a churn.</summary>
    public SubscriptionChurn()
    {
    }

    /// <summary>Creates the definition with a renewal grace period.</summary>
    /// <param name="reactivationGrace">Gaps shorter than this are not churn; zero or positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reactivationGrace"/> is negative.</exception>
    public SubscriptionChurn(TimeSpan reactivationGrace)
    {
        if (reactivationGrace < TimeSpan.Zero)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(reactivationGrace), reactivationGrace, "must be zero or positive", "pass the longest gap that still counts as an on-time renewal");
        }

        ReactivationGrace = reactivationGrace;
    }

    /// <summary>Gets the longest gap between subscriptions that is not churn (exclusive).</summary>
    /// <value>Default zero: any gap is churn.</value>
    public TimeSpan ReactivationGrace { get; }

    /// <inheritdoc/>
    public string Name => ReactivationGrace == TimeSpan.Zero ? "subscription" : FormattableString.Invariant($"subscription, grace {ReactivationGrace.TotalDays:R} days");

    /// <inheritdoc/>
    public void AddSpells(ReadOnlySpan<Subscription<TKey>> customerRecords, DateTimeOffset observationEnd, ICollection<ActivitySpell> spells)
    {
        ArgumentNullException.ThrowIfNull(spells);
        if (customerRecords.IsEmpty)
        {
            return;
        }

        var start = customerRecords[0].Start;
        DateTimeOffset? end = Censor(customerRecords[0].End, observationEnd);
        for (var i = 1; i < customerRecords.Length; i++)
        {
            if (end is null)
            {
                break;
            }

            var s = customerRecords[i].Start;
            var e = Censor(customerRecords[i].End, observationEnd);
            if (s - end.Value < ReactivationGrace || s <= end.Value)
            {
                end = e is null || e > end ? e : end;
            }
            else
            {
                spells.Add(new ActivitySpell(start, end));
                start = s;
                end = e;
            }
        }

        spells.Add(new ActivitySpell(start, end));
    }

    private static DateTimeOffset? Censor(DateTimeOffset? end, DateTimeOffset observationEnd) =>
        end is { } e && e < observationEnd ? e : null;
}
