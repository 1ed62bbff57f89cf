using System.Globalization;

namespace Lifecycle.Stages;

/// <summary>Thresholds of the default rules of the ready-made models.</summary>
/// <remarks>Immutable; validated when set. Defaults follow common retail practice and should be tuned to the purchase cycle of the business.</remarks>
public sealed class DefaultRuleOptions
{
    private readonly TimeSpan _atRiskAfter = TimeSpan.FromDays(90);
    private readonly TimeSpan _churnedAfter = TimeSpan.FromDays(180);
    private readonly int _promoterScore = 9;
    private readonly int _retentionPurchases = 2;
    private readonly double _aliveThreshold = 0.3;

    /// <summary>Gets the inactivity after the last purchase that moves a customer to AtRisk.</summary>
    /// <value>Default 90 days; positive.</value>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public TimeSpan AtRiskAfter
    {
        get => _atRiskAfter;
        init => _atRiskAfter = Positive(value, nameof(AtRiskAfter));
    }

    /// <summary>Gets the inactivity after the last purchase that moves a customer to Churned; must exceed <see cref="AtRiskAfter"/> (checked by the model factories).</summary>
    /// <value>Default 180 days; positive.</value>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public TimeSpan ChurnedAfter
    {
        get => _churnedAfter;
        init => _churnedAfter = Positive(value, nameof(ChurnedAfter));
    }

    /// <summary>Gets the NPS answer from which a customer is a promoter and moves to Loyalty.</summary>
    /// <value>Default 9 (the NPS definition of a promoter); 0–10.</value>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0–10.</exception>
    public int PromoterScore
    {
        get => _promoterScore;
        init
        {
            if (value is < 0 or > 10)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(PromoterScore), value, "must be on the NPS scale 0–10", "use 9 for the standard promoter definition");
            }

            _promoterScore = value;
        }
    }

    /// <summary>Gets the purchase count from which a customer is retained (ReachToLoyalty: Retention; AwarenessToAdvocacy: Engagement, and this + 1 for Retention).</summary>
    /// <value>Default 2 (a repeat purchase); at least 2.</value>
    /// <exception cref="ArgumentOutOfRangeException">Less than 2.</exception>
    public int RetentionPurchases
    {
        get => _retentionPurchases;
        init
        {
            if (value < 2)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(RetentionPurchases), value, "must be at least 2 (the first purchase is conversion)", "use 2 for 'a repeat purchase'");
            }

            _retentionPurchases = value;
        }
    }

    /// <summary>Gets the P(alive) model for the model-driven AtRisk rule; <see langword="null"/> leaves the rule out.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public IAliveProbability? AliveModel { get; init; }

    /// <summary>Gets a value indicating whether, with an <see cref="AliveModel"/>, the <c>churned</c> rule needs both <see cref="ChurnedAfter"/> without a purchase and P(alive) below <see cref="AliveThreshold"/> at the evaluation instant (it becomes a model rule, fired by <see cref="LifecycleEngine.Evaluate"/>; a cancellation still churns).</summary>
    /// <value>Default <see langword="false"/> (inactivity alone churns). The lifecycle analysis turns it on, so no customer is Churned while the model still thinks them likely alive.</value>
    public bool ChurnNeedsLowAlive { get; init; }

    /// <summary>Gets the P(alive) below which the model-driven rule moves a customer to AtRisk.</summary>
    /// <value>Default 0.3; finite, in (0, 1].</value>
    /// <exception cref="ArgumentOutOfRangeException">NaN, infinite or outside (0, 1].</exception>
    public double AliveThreshold
    {
        get => _aliveThreshold;
        init
        {
            ThrowHelper.ThrowIfNotFinite(value, nameof(AliveThreshold));
            if (value <= 0 || value > 1)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(AliveThreshold), value, "must be in (0, 1]", "pass a probability such as 0.3");
            }

            _aliveThreshold = value;
        }
    }

    private static TimeSpan Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            ThrowHelper.ArgumentOutOfRange(name, value, "must be positive", "pass a window such as TimeSpan.FromDays(90)");
        }

        return value;
    }
}

/// <summary>Ready-made stage models with their default rules.</summary>
public static class StageModels
{
    /// <summary>Stage ids of <see cref="ReachToLoyalty"/>.</summary>
    public static class Ids
    {
        /// <summary>Reach: the customer has been in contact (first touch).</summary>
        public const string Reach = "Reach";

        /// <summary>Acquisition: a lead was captured.</summary>
        public const string Acquisition = "Acquisition";

        /// <summary>Conversion: first purchase.</summary>
        public const string Conversion = "Conversion";

        /// <summary>Retention: repeat purchases.</summary>
        public const string Retention = "Retention";

        /// <summary>Loyalty: a promoter or a referrer.</summary>
        public const string Loyalty = "Loyalty";

        /// <summary>AtRisk: inactive (or a low P(alive)).</summary>
        public const string AtRisk = "AtRisk";

        /// <summary>Churned: inactive for long, or cancelled.</summary>
        public const string Churned = "Churned";

        /// <summary>Awareness (AwarenessToAdvocacy).</summary>
        public const string Awareness = "Awareness";

        /// <summary>Onboarding (AwarenessToAdvocacy): first purchase.</summary>
        public const string Onboarding = "Onboarding";

        /// <summary>Engagement (AwarenessToAdvocacy): repeat purchase.</summary>
        public const string Engagement = "Engagement";

        /// <summary>Advocacy (AwarenessToAdvocacy): referrals and reviews.</summary>
        public const string Advocacy = "Advocacy";
    }

    /// <summary>The seven-stage model: Reach → Acquisition → Conversion → Retention → Loyalty, plus AtRisk and Churned, with its default rules.</summary>
    /// <param name="options">Rule thresholds; defaults when <see langword="null"/>.</param>
    /// <returns>The model (direction <see cref="DirectionPolicy.ExplicitBackward"/>: win-back from AtRisk is a declared backward transition, from Churned a declared re-activation).</returns>
    /// <remarks>
    /// Default rules (priority, higher first): <c>cancellation</c> (60) cancellation → Churned;
    /// <c>churned</c> (55) no purchase for <see cref="DefaultRuleOptions.ChurnedAfter"/> → Churned;
    /// <c>at-risk</c> (50) no purchase for <see cref="DefaultRuleOptions.AtRiskAfter"/> → AtRisk;
    /// <c>low-p-alive</c> (45, only with <see cref="DefaultRuleOptions.AliveModel"/>) P(alive) below the threshold → AtRisk;
    /// <c>promoter</c> (40) NPS ≥ <see cref="DefaultRuleOptions.PromoterScore"/> → Loyalty;
    /// <c>referral</c> (39) a referral → Loyalty;
    /// <c>repeat-purchase</c> (30) a purchase making the count ≥ <see cref="DefaultRuleOptions.RetentionPurchases"/> → Retention;
    /// <c>first-purchase</c> (20) first purchase → Conversion;
    /// <c>lead-captured</c> (10) lead captured → Acquisition;
    /// <c>win-back</c> (5) a purchase by a churned customer → Retention (the only re-activation).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="DefaultRuleOptions.ChurnedAfter"/> is not longer than <see cref="DefaultRuleOptions.AtRiskAfter"/>.</exception>
    public static StageModel ReachToLoyalty(DefaultRuleOptions? options = null)
    {
        var o = options ?? new DefaultRuleOptions();
        if (o.ChurnedAfter <= o.AtRiskAfter)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(options), o.ChurnedAfter, string.Create(CultureInfo.InvariantCulture, $"(ChurnedAfter) must be longer than AtRiskAfter ({o.AtRiskAfter})"), "customers become at risk before they churn; lengthen ChurnedAfter");
        }

        var b = new StageModelBuilder(DirectionPolicy.ExplicitBackward)
            .AddStage(new Stage(Ids.Reach, "Reach", 1, StageKind.Funnel))
            .AddStage(new Stage(Ids.Acquisition, "Acquisition", 2, StageKind.Funnel))
            .AddStage(new Stage(Ids.Conversion, "Conversion", 3, StageKind.Funnel))
            .AddStage(new Stage(Ids.Retention, "Retention", 4, StageKind.Funnel))
            .AddStage(new Stage(Ids.Loyalty, "Loyalty", 5, StageKind.Funnel))
            .AddStage(new Stage(Ids.AtRisk, "At risk", 6, StageKind.Risk))
            .AddStage(new Stage(Ids.Churned, "Churned", 7, StageKind.Terminal));
        b.Configure(Ids.Reach).Permit(Ids.Acquisition).Permit(Ids.Conversion);
        b.Configure(Ids.Acquisition).Permit(Ids.Conversion);
        b.Configure(Ids.Conversion).Permit(Ids.Retention).Permit(Ids.Loyalty).Permit(Ids.AtRisk).Permit(Ids.Churned);
        b.Configure(Ids.Retention).Permit(Ids.Loyalty).Permit(Ids.AtRisk).Permit(Ids.Churned);
        b.Configure(Ids.Loyalty).Permit(Ids.AtRisk).Permit(Ids.Churned);
        b.Configure(Ids.AtRisk).PermitBackward(Ids.Retention).Permit(Ids.Churned);
        b.Configure(Ids.Churned).PermitReactivation(Ids.Retention, "win-back");

        var promoter = o.PromoterScore;
        var retained = o.RetentionPurchases;
        b.AddRule(LifecycleRule.OnEventOfKind("cancellation", Ids.Churned, EventKind.Cancellation, "the customer cancelled", 60))
            .AddRule(o.ChurnNeedsLowAlive && o.AliveModel is { } churnAlive
                ? LifecycleRule.WhenAliveProbabilityBelow("churned", Ids.Churned, new InactiveFor(churnAlive, o.ChurnedAfter), o.AliveThreshold, string.Create(CultureInfo.InvariantCulture, $"no purchase for {o.ChurnedAfter.TotalDays:0.###} days and P(alive) below {o.AliveThreshold:0.###}"), 55)
                : LifecycleRule.AfterInactivity("churned", Ids.Churned, o.ChurnedAfter, null, 55))
            .AddRule(LifecycleRule.AfterInactivity("at-risk", Ids.AtRisk, o.AtRiskAfter, null, 50))
            .AddRule(LifecycleRule.OnEvent("promoter", Ids.Loyalty, (in CustomerFacts f, LifecycleEvent e) => e.Kind == EventKind.NpsResponse && f.LatestNps >= promoter,
                string.Create(CultureInfo.InvariantCulture, $"NPS answer of {promoter} or more"), 40))
            .AddRule(LifecycleRule.OnEventOfKind("referral", Ids.Loyalty, EventKind.Referral, "the customer referred someone", 39))
            .AddRule(LifecycleRule.OnEvent("repeat-purchase", Ids.Retention, (in CustomerFacts f, LifecycleEvent e) => e.Kind == EventKind.Purchase && f.PurchaseCount >= retained,
                string.Create(CultureInfo.InvariantCulture, $"purchase number {retained} or later"), 30))
            .AddRule(LifecycleRule.OnEvent("first-purchase", Ids.Conversion, (in CustomerFacts f, LifecycleEvent e) => e.Kind == EventKind.Purchase && f.PurchaseCount == 1, "first purchase", 20))
            .AddRule(LifecycleRule.OnEventOfKind("lead-captured", Ids.Acquisition, EventKind.LeadCaptured, "a lead was captured", 10))
            .AddRule(LifecycleRule.OnEventOfKind("win-back", Ids.Retention, EventKind.Purchase, "a churned customer purchases again", 5));
        if (o.AliveModel is { } alive)
        {
            b.AddRule(LifecycleRule.WhenAliveProbabilityBelow("low-p-alive", Ids.AtRisk, alive, o.AliveThreshold, null, 45));
        }

        return b.Build();
    }

    /// <summary>The seven-stage forward-only model: Awareness → Acquisition → Onboarding → Engagement → Retention → Loyalty → Advocacy, with its default rules.</summary>
    /// <param name="options">Rule thresholds (<see cref="DefaultRuleOptions.PromoterScore"/>, <see cref="DefaultRuleOptions.RetentionPurchases"/>); defaults when <see langword="null"/>.</param>
    /// <returns>The model (direction <see cref="DirectionPolicy.ForwardOnly"/>, like a CRM lifecycle property: every stage can skip ahead, none goes back).</returns>
    /// <remarks>
    /// Default rules (priority, higher first): <c>advocate</c> (60) a referral or a review by a customer (a purchase made) → Advocacy;
    /// <c>promoter</c> (50) NPS ≥ promoter score from a customer → Loyalty; <c>retained</c> (40) purchase count ≥ RetentionPurchases + 1 → Retention;
    /// <c>engaged</c> (30) purchase count = RetentionPurchases → Engagement; <c>first-purchase</c> (20) first purchase → Onboarding;
    /// <c>lead-captured</c> (10) lead captured → Acquisition. Customers enter Awareness at first contact.
    /// </remarks>
    public static StageModel AwarenessToAdvocacy(DefaultRuleOptions? options = null)
    {
        var o = options ?? new DefaultRuleOptions();
        string[] ids = [Ids.Awareness, Ids.Acquisition, Ids.Onboarding, Ids.Engagement, Ids.Retention, Ids.Loyalty, Ids.Advocacy];
        var b = new StageModelBuilder(DirectionPolicy.ForwardOnly);
        for (var i = 0; i < ids.Length; i++)
        {
            b.AddStage(new Stage(ids[i], ids[i], i + 1, StageKind.Funnel));
        }

        for (var i = 0; i < ids.Length; i++)
        {
            var c = b.Configure(ids[i]);
            for (var j = i + 1; j < ids.Length; j++)
            {
                c.Permit(ids[j]);
            }
        }

        var promoter = o.PromoterScore;
        var engaged = o.RetentionPurchases;
        b.AddRule(LifecycleRule.OnEvent("advocate", Ids.Advocacy, (in CustomerFacts f, LifecycleEvent e) => (e.Kind == EventKind.Referral || e.Kind == EventKind.Review) && f.PurchaseCount > 0, "a referral or a review by a customer", 60))
            .AddRule(LifecycleRule.OnEvent("promoter", Ids.Loyalty, (in CustomerFacts f, LifecycleEvent e) => e.Kind == EventKind.NpsResponse && f.LatestNps >= promoter && f.PurchaseCount > 0,
                string.Create(CultureInfo.InvariantCulture, $"NPS answer of {promoter} or more from a customer"), 50))
            .AddRule(LifecycleRule.OnEvent("retained", Ids.Retention, (in CustomerFacts f, LifecycleEvent e) => e.Kind == EventKind.Purchase && f.PurchaseCount > engaged,
                string.Create(CultureInfo.InvariantCulture, $"purchase number {engaged + 1} or later"), 40))
            .AddRule(LifecycleRule.OnEvent("engaged", Ids.Engagement, (in CustomerFacts f, LifecycleEvent e) => e.Kind == EventKind.Purchase && f.PurchaseCount == engaged,
                string.Create(CultureInfo.InvariantCulture, $"purchase number {engaged}"), 30))
            .AddRule(LifecycleRule.OnEvent("first-purchase", Ids.Onboarding, (in CustomerFacts f, LifecycleEvent e) => e.Kind == EventKind.Purchase && f.PurchaseCount == 1, "first purchase", 20))
            .AddRule(LifecycleRule.OnEventOfKind("lead-captured", Ids.Acquisition, EventKind.LeadCaptured, "a lead was captured", 10));
        return b.Build();
    }
}

/// <summary>P(alive) only for customers without a purchase for at least a window as of the instant asked; nothing to say otherwise.</summary>
internal sealed class InactiveFor(IAliveProbability inner, TimeSpan window) : IAliveProbability
{
    public double? Evaluate(in CustomerFacts facts, DateTimeOffset asOf) =>
        facts.LastPurchase is { } last && asOf - last >= window ? inner.Evaluate(facts, asOf) : null;
}
