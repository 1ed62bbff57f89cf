using System.Globalization;

namespace Lifecycle.Stages;

/// <summary>What is known about one customer, folded from their events: the input of every rule.</summary>
/// <remarks>
/// <para>Facts are folded with <see cref="Apply"/>, one event at a time in timestamp order. Instants are kept in UTC
/// (the offset of the original timestamp is not kept). Counts include every applied event; money is the sum of
/// event amounts (<see cref="TotalSpend"/> is gross: refunds are in <see cref="RefundTotal"/>).</para>
/// <para><c>default</c> (same as <see cref="Empty"/>) is a customer with no events. Thread safety: an immutable value.</para>
/// </remarks>
public readonly record struct CustomerFacts
{

    /// <summary>Gets the facts of a customer with no events.</summary>
    public static CustomerFacts Empty => default;

    /// <summary>Gets the instant of the first event of any kind (first contact), or <see langword="null"/>.</summary>
    public DateTimeOffset? FirstContact => ToInstant(FirstContactTicks);

    /// <summary>Gets the instant of the latest event of any kind, or <see langword="null"/>.</summary>
    public DateTimeOffset? LastContact => ToInstant(LastContactTicks);

    /// <summary>Gets the number of events folded.</summary>
    public int EventCount { get; private init; }

    /// <summary>Gets the instant of the first touch (touch, impression or visit), or <see langword="null"/>.</summary>
    public DateTimeOffset? FirstTouch => ToInstant(FirstTouchTicks);

    /// <summary>Gets the number of touches (touch, impression and visit events).</summary>
    public int TouchCount { get; private init; }

    /// <summary>Gets the instant the first lead was captured, or <see langword="null"/>.</summary>
    public DateTimeOffset? LeadCaptured => ToInstant(LeadCapturedTicks);

    /// <summary>Gets the instant of the first purchase, or <see langword="null"/>.</summary>
    public DateTimeOffset? FirstPurchase => ToInstant(FirstPurchaseTicks);

    /// <summary>Gets the instant of the latest purchase, or <see langword="null"/>.</summary>
    public DateTimeOffset? LastPurchase => ToInstant(LastPurchaseTicks);

    /// <summary>Gets the number of purchases.</summary>
    public int PurchaseCount { get; private init; }

    /// <summary>Gets the number of distinct UTC calendar days with a purchase (the purchase periods of the buy-till-you-die models).</summary>
    public int PurchaseDays { get; private init; }

    /// <summary>Gets the sum of purchase amounts (gross, before refunds).</summary>
    public decimal TotalSpend { get; private init; }

    /// <summary>Gets the number of refunds.</summary>
    public int RefundCount { get; private init; }

    /// <summary>Gets the sum of refund amounts.</summary>
    public decimal RefundTotal { get; private init; }

    /// <summary>Gets the spend net of refunds.</summary>
    public decimal NetSpend => TotalSpend - RefundTotal;

    /// <summary>Gets the latest NPS answer (0–10), or <see langword="null"/>.</summary>
    public int? LatestNps { get; private init; }

    /// <summary>Gets the instant of the latest NPS answer, or <see langword="null"/>.</summary>
    public DateTimeOffset? LatestNpsAt => ToInstant(LatestNpsTicks);

    /// <summary>Gets the number of NPS answers.</summary>
    public int NpsResponses { get; private init; }

    /// <summary>Gets the latest CSAT answer (1–5), or <see langword="null"/>.</summary>
    public int? LatestCsat { get; private init; }

    /// <summary>Gets the number of CSAT answers.</summary>
    public int CsatResponses { get; private init; }

    /// <summary>Gets the number of CSAT answers of 4 or 5 (satisfied).</summary>
    public int SatisfiedCsatResponses { get; private init; }

    /// <summary>Gets the number of referrals made.</summary>
    public int ReferralCount { get; private init; }

    /// <summary>Gets the number of reviews written.</summary>
    public int ReviewCount { get; private init; }

    /// <summary>Gets the number of support contacts.</summary>
    public int SupportContactCount { get; private init; }

    /// <summary>Gets the instant of the latest cancellation, or <see langword="null"/>.</summary>
    public DateTimeOffset? CancelledAt => ToInstant(CancelledTicks);

    internal long FirstContactTicks { get; private init; }

    internal long LastContactTicks { get; private init; }

    internal long FirstTouchTicks { get; private init; }

    internal long LeadCapturedTicks { get; private init; }

    internal long FirstPurchaseTicks { get; private init; }

    internal long LastPurchaseTicks { get; private init; }

    internal long LatestNpsTicks { get; private init; }

    internal long CancelledTicks { get; private init; }

    /// <summary>Folds one event into the facts.</summary>
    /// <param name="lifecycleEvent">The event; events are folded in timestamp order (the engine guarantees it).</param>
    /// <returns>The facts after the event.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="lifecycleEvent"/> is null.</exception>
    public CustomerFacts Apply(LifecycleEvent lifecycleEvent)
    {
        ArgumentNullException.ThrowIfNull(lifecycleEvent);
        var t = lifecycleEvent.Timestamp.UtcTicks;

        // One copy per event: the fields every event changes, plus the ones of its kind.
        var first = FirstContactTicks == 0 ? t : FirstContactTicks;
        var last = Math.Max(LastContactTicks, t);
        var count = EventCount + 1;
        switch (lifecycleEvent.Kind.Code)
        {
            case 1 or 2 or 3:
                return this with { FirstContactTicks = first, LastContactTicks = last, EventCount = count, TouchCount = TouchCount + 1, FirstTouchTicks = FirstTouchTicks == 0 ? t : FirstTouchTicks };
            case 4:
                return this with { FirstContactTicks = first, LastContactTicks = last, EventCount = count, LeadCapturedTicks = LeadCapturedTicks == 0 ? t : LeadCapturedTicks };
            case 5:
                var newDay = LastPurchaseTicks == 0 || t / TimeSpan.TicksPerDay != LastPurchaseTicks / TimeSpan.TicksPerDay;
                return this with
                {
                    FirstContactTicks = first,
                    LastContactTicks = last,
                    EventCount = count,
                    FirstPurchaseTicks = FirstPurchaseTicks == 0 ? t : FirstPurchaseTicks,
                    LastPurchaseTicks = Math.Max(LastPurchaseTicks, t),
                    PurchaseCount = PurchaseCount + 1,
                    PurchaseDays = PurchaseDays + (newDay ? 1 : 0),
                    TotalSpend = TotalSpend + lifecycleEvent.Amount.GetValueOrDefault(),
                };
            case 6:
                return this with { FirstContactTicks = first, LastContactTicks = last, EventCount = count, RefundCount = RefundCount + 1, RefundTotal = RefundTotal + lifecycleEvent.Amount.GetValueOrDefault() };
            case 7:
                return this with { FirstContactTicks = first, LastContactTicks = last, EventCount = count, LatestNps = (int)lifecycleEvent.Score.GetValueOrDefault(), LatestNpsTicks = t, NpsResponses = NpsResponses + 1 };
            case 8:
                var csat = (int)lifecycleEvent.Score.GetValueOrDefault();
                return this with { FirstContactTicks = first, LastContactTicks = last, EventCount = count, LatestCsat = csat, CsatResponses = CsatResponses + 1, SatisfiedCsatResponses = SatisfiedCsatResponses + (csat >= 4 ? 1 : 0) };
            case 9:
                return this with { FirstContactTicks = first, LastContactTicks = last, EventCount = count, ReferralCount = ReferralCount + 1 };
            case 10:
                return this with { FirstContactTicks = first, LastContactTicks = last, EventCount = count, ReviewCount = ReviewCount + 1 };
            case 11:
                return this with { FirstContactTicks = first, LastContactTicks = last, EventCount = count, SupportContactCount = SupportContactCount + 1 };
            case 12:
                return this with { FirstContactTicks = first, LastContactTicks = last, EventCount = count, CancelledTicks = t };
            default:
                return this with { FirstContactTicks = first, LastContactTicks = last, EventCount = count };
        }
    }

    /// <summary>Summarizes the purchases as the buy-till-you-die models see them, as of an instant.</summary>
    /// <param name="asOf">Observation end; not before the first purchase.</param>
    /// <param name="unit">Time unit of recency and age (days or weeks).</param>
    /// <returns>Frequency = purchase days − 1, recency = last − first purchase day, T = asOf − first purchase day, monetary value = mean order value over all purchases when there are repeat purchase days, else 0 (facts keep no per-period spend, so this approximates the mean of the repeat periods).</returns>
    /// <exception cref="InvalidOperationException">The customer has no purchase.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOf"/> is before the last purchase, or <paramref name="unit"/> is <see cref="TimeUnit.None"/>.</exception>
    public CustomerSummary ToSummary(DateTimeOffset asOf, TimeUnit unit)
    {
        if (FirstPurchaseTicks == 0)
        {
            ThrowHelper.InvalidOperation("The customer has no purchase, so there is no purchase summary; check PurchaseCount before asking for one.");
        }

        if (asOf.UtcTicks < LastPurchaseTicks)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(asOf), asOf, string.Create(CultureInfo.InvariantCulture, $"is before the last purchase ({LastPurchase:O})"), "summarize as of the last purchase or later");
        }

        var perUnit = TimeSpan.TicksPerDay * unit.DaysPerUnit();
        var firstDay = FirstPurchaseTicks / TimeSpan.TicksPerDay * TimeSpan.TicksPerDay;
        var lastDay = LastPurchaseTicks / TimeSpan.TicksPerDay * TimeSpan.TicksPerDay;
        var repeat = PurchaseDays - 1;
        var monetary = PurchaseDays > 1 ? (double)(TotalSpend / PurchaseCount) : 0.0;
        return new CustomerSummary(repeat, (lastDay - firstDay) / perUnit, (asOf.UtcTicks - firstDay) / perUnit, monetary);
    }


    /// <summary>Writes every field (snapshot format version 2): 11 × i32 counts, 2 × decimal, 2 × optional i32, 8 × i64 ticks.</summary>
    internal void WriteTo(System.IO.BinaryWriter w)
    {
        foreach (var n in (ReadOnlySpan<int>)[EventCount, TouchCount, PurchaseCount, PurchaseDays, RefundCount, NpsResponses, CsatResponses, SatisfiedCsatResponses, ReferralCount, ReviewCount, SupportContactCount])
        {
            w.Write(n);
        }

        w.Write(TotalSpend);
        w.Write(RefundTotal);
        w.Write(LatestNps.HasValue);
        w.Write(LatestNps.GetValueOrDefault());
        w.Write(LatestCsat.HasValue);
        w.Write(LatestCsat.GetValueOrDefault());
        foreach (var t in (ReadOnlySpan<long>)[FirstContactTicks, LastContactTicks, FirstTouchTicks, LeadCapturedTicks, FirstPurchaseTicks, LastPurchaseTicks, LatestNpsTicks, CancelledTicks])
        {
            w.Write(t);
        }
    }

    /// <summary>Reads the fields written by <see cref="WriteTo"/>.</summary>
    internal static CustomerFacts ReadFrom(System.IO.BinaryReader r) => new()
    {
        EventCount = r.ReadInt32(),
        TouchCount = r.ReadInt32(),
        PurchaseCount = r.ReadInt32(),
        PurchaseDays = r.ReadInt32(),
        RefundCount = r.ReadInt32(),
        NpsResponses = r.ReadInt32(),
        CsatResponses = r.ReadInt32(),
        SatisfiedCsatResponses = r.ReadInt32(),
        ReferralCount = r.ReadInt32(),
        ReviewCount = r.ReadInt32(),
        SupportContactCount = r.ReadInt32(),
        TotalSpend = r.ReadDecimal(),
        RefundTotal = r.ReadDecimal(),
        LatestNps = r.ReadBoolean() ? r.ReadInt32() : DiscardInt(r),
        LatestCsat = r.ReadBoolean() ? r.ReadInt32() : DiscardInt(r),
        FirstContactTicks = r.ReadInt64(),
        LastContactTicks = r.ReadInt64(),
        FirstTouchTicks = r.ReadInt64(),
        LeadCapturedTicks = r.ReadInt64(),
        FirstPurchaseTicks = r.ReadInt64(),
        LastPurchaseTicks = r.ReadInt64(),
        LatestNpsTicks = r.ReadInt64(),
        CancelledTicks = r.ReadInt64(),
    };

    private static int? DiscardInt(System.IO.BinaryReader r)
    {
        r.ReadInt32();
        return null;
    }

    private static DateTimeOffset? ToInstant(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
}
