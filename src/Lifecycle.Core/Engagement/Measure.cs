using System.Globalization;

namespace Lifecycle.Engagement;

/// <summary>A number the library knows about a customer (see <see cref="Measure"/>).</summary>
public enum MeasureKind
{
    /// <summary>P(alive) from a transaction model.</summary>
    AliveProbability = 0,

    /// <summary>P(no purchase in the horizon).</summary>
    NoPurchaseProbability,

    /// <summary>Expected purchases in the horizon.</summary>
    ExpectedPurchases,

    /// <summary>Customer lifetime value (discounted, model-based when the host computed one).</summary>
    Value,

    /// <summary>Value decile, 1 (lowest) to 10 (highest).</summary>
    ValueDecile,

    /// <summary>Number of purchases.</summary>
    Purchases,

    /// <summary>Spend net of refunds.</summary>
    Spend,

    /// <summary>Days since the last purchase, as of the context's instant.</summary>
    DaysSinceLastPurchase,

    /// <summary>Days in the current stage, as of the context's instant.</summary>
    DaysInStage,

    /// <summary>Latest NPS answer (0–10).</summary>
    Nps,

    /// <summary>Latest CSAT answer (1–5).</summary>
    Csat,

    /// <summary>Number of support contacts (complaints).</summary>
    SupportContacts,

    /// <summary>Number of referrals made.</summary>
    Referrals,

    /// <summary>A score the host supplied by name in <see cref="CustomerContext.Scores"/> (a propensity, a churn score).</summary>
    Score,
}

/// <summary>Names one number of a <see cref="CustomerContext"/>: a built-in measure or a host score by name.</summary>
/// <remarks>Parse names with <see cref="Parse"/>: <c>p_alive</c>, <c>p_no_purchase</c>, <c>expected_purchases</c>,
/// <c>clv</c>, <c>clv_decile</c>, <c>purchases</c>, <c>spend</c>, <c>days_since_purchase</c>, <c>days_in_stage</c>,
/// <c>nps</c>, <c>csat</c>, <c>support_contacts</c>, <c>referrals</c>, or <c>score:NAME</c> for a host score.
/// <c>default</c> is P(alive).</remarks>
public readonly record struct Measure
{
    private static readonly (string Name, MeasureKind Kind, string Label)[] Names =
    [
        ("p_alive", MeasureKind.AliveProbability, "P(alive)"),
        ("p_no_purchase", MeasureKind.NoPurchaseProbability, "P(no purchase)"),
        ("expected_purchases", MeasureKind.ExpectedPurchases, "expected purchases"),
        ("clv", MeasureKind.Value, "CLV"),
        ("clv_decile", MeasureKind.ValueDecile, "CLV decile"),
        ("purchases", MeasureKind.Purchases, "purchases"),
        ("spend", MeasureKind.Spend, "spend"),
        ("days_since_purchase", MeasureKind.DaysSinceLastPurchase, "days since last purchase"),
        ("days_in_stage", MeasureKind.DaysInStage, "days in stage"),
        ("nps", MeasureKind.Nps, "NPS"),
        ("csat", MeasureKind.Csat, "CSAT"),
        ("support_contacts", MeasureKind.SupportContacts, "support contacts"),
        ("referrals", MeasureKind.Referrals, "referrals"),
    ];

    private Measure(MeasureKind kind, string? scoreName)
    {
        Kind = kind;
        ScoreName = scoreName;
    }

    /// <summary>Gets P(alive).</summary>
    public static Measure AliveProbability => new(MeasureKind.AliveProbability, null);

    /// <summary>Gets P(no purchase in the horizon).</summary>
    public static Measure NoPurchaseProbability => new(MeasureKind.NoPurchaseProbability, null);

    /// <summary>Gets expected purchases in the horizon.</summary>
    public static Measure ExpectedPurchases => new(MeasureKind.ExpectedPurchases, null);

    /// <summary>Gets the CLV.</summary>
    public static Measure Value => new(MeasureKind.Value, null);

    /// <summary>Gets the value decile.</summary>
    public static Measure ValueDecile => new(MeasureKind.ValueDecile, null);

    /// <summary>Gets the number of purchases.</summary>
    public static Measure Purchases => new(MeasureKind.Purchases, null);

    /// <summary>Gets the net spend.</summary>
    public static Measure Spend => new(MeasureKind.Spend, null);

    /// <summary>Gets the days since the last purchase.</summary>
    public static Measure DaysSinceLastPurchase => new(MeasureKind.DaysSinceLastPurchase, null);

    /// <summary>Gets the days in the current stage.</summary>
    public static Measure DaysInStage => new(MeasureKind.DaysInStage, null);

    /// <summary>Gets the latest NPS.</summary>
    public static Measure Nps => new(MeasureKind.Nps, null);

    /// <summary>Gets the latest CSAT.</summary>
    public static Measure Csat => new(MeasureKind.Csat, null);

    /// <summary>Gets the number of support contacts.</summary>
    public static Measure SupportContacts => new(MeasureKind.SupportContacts, null);

    /// <summary>Gets the number of referrals.</summary>
    public static Measure Referrals => new(MeasureKind.Referrals, null);

    /// <summary>Gets the kind.</summary>
    public MeasureKind Kind { get; }

    /// <summary>Gets the host score's name for <see cref="MeasureKind.Score"/>, else <see langword="null"/>.</summary>
    public string? ScoreName { get; }

    /// <summary>Gets the stable name (as <see cref="Parse"/> reads it).</summary>
    public string Name => Kind == MeasureKind.Score ? "score:" + ScoreName : Names[(int)Kind].Name;

    /// <summary>Gets the label used in reasons (for example <c>P(alive)</c>).</summary>
    public string Label => Kind == MeasureKind.Score ? ScoreName! : Names[(int)Kind].Label;

    /// <summary>A host score by name (looked up in <see cref="CustomerContext.Scores"/>).</summary>
    /// <param name="name">The score's name; not empty.</param>
    /// <returns>The measure.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static Measure Score(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            ThrowHelper.Argument(nameof(name), "A host score needs a name (the key in CustomerContext.Scores), for example \"upsell_propensity\".");
        }

        return new Measure(MeasureKind.Score, name);
    }

    /// <summary>Reads a measure name.</summary>
    /// <param name="name">A built-in name or <c>score:NAME</c>.</param>
    /// <param name="measure">The measure when the name is known.</param>
    /// <returns><see langword="true"/> when the name is known.</returns>
    public static bool TryParse(string? name, out Measure measure)
    {
        measure = default;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        if (name.StartsWith("score:", StringComparison.Ordinal) && name.Length > 6)
        {
            measure = Score(name[6..]);
            return true;
        }

        foreach (var (n, kind, _) in Names)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                measure = new Measure(kind, null);
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a measure name.</summary>
    /// <param name="name">A built-in name or <c>score:NAME</c>.</param>
    /// <returns>The measure.</returns>
    /// <exception cref="ArgumentException">The name is not known; the message lists the known names.</exception>
    public static Measure Parse(string name) =>
        TryParse(name, out var m) ? m : ThrowHelper.Argument<Measure>(nameof(name), string.Create(CultureInfo.InvariantCulture, $"'{name}' is not a measure; use one of {KnownNames} or score:NAME for a host score."));

    /// <summary>Gets the built-in names, comma-separated.</summary>
    public static string KnownNames => string.Join(", ", Names.Select(n => n.Name));

    /// <summary>Reads the measure from a context.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The value, or <see langword="null"/> when the context does not know it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public double? Of(CustomerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var f = context.Facts;
        return Kind switch
        {
            MeasureKind.AliveProbability => context.AliveProbability,
            MeasureKind.NoPurchaseProbability => context.NoPurchaseProbability,
            MeasureKind.ExpectedPurchases => context.ExpectedPurchases,
            MeasureKind.Value => context.Value,
            MeasureKind.ValueDecile => context.ValueDecile,
            MeasureKind.Purchases => f.PurchaseCount,
            MeasureKind.Spend => (double)f.NetSpend,
            MeasureKind.DaysSinceLastPurchase => f.LastPurchase is { } last ? (context.AsOf - last).TotalDays : null,
            MeasureKind.DaysInStage => context.StageEnteredAt is { } entered ? (context.AsOf - entered).TotalDays : null,
            MeasureKind.Nps => f.LatestNps,
            MeasureKind.Csat => f.LatestCsat,
            MeasureKind.SupportContacts => f.SupportContactCount,
            MeasureKind.Referrals => f.ReferralCount,
            _ => context.Scores.TryGetValue(ScoreName ?? string.Empty, out var s) ? s : null,
        };
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
