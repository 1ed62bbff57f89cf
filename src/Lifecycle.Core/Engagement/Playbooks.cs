using Lifecycle.Stages;

namespace Lifecycle.Engagement;

/// <summary>Ready-made playbooks for the classic lifecycle strategies; start from them and edit.</summary>
/// <remarks>See docs/engagement.md for the reasoning behind each rule and its thresholds.</remarks>
public static class Playbooks
{
    /// <summary>Rule names of <see cref="Standard"/>.</summary>
    public static class RuleNames
    {
        /// <summary>Proactive support after a complaint or a low CSAT.</summary>
        public const string ProactiveSupport = "proactive-support";

        /// <summary>Win back high-value customers whose P(alive) is falling.</summary>
        public const string WinBackHighValue = "win-back-high-value";

        /// <summary>Nudge new buyers to a second purchase.</summary>
        public const string SecondPurchase = "second-purchase-nudge";

        /// <summary>Invite valuable, active customers to the next loyalty tier.</summary>
        public const string LoyaltyUpgrade = "loyalty-tier-upgrade";

        /// <summary>Ask promoters and loyal customers for a referral.</summary>
        public const string ReferralAsk = "referral-ask";

        /// <summary>Upsell to the top value deciles.</summary>
        public const string Upsell = "upsell-top-deciles";
    }

    /// <summary>The standard playbook: proactive support, win-back, second-purchase nudge, loyalty-tier upgrade, referral ask and upsell, in that priority.</summary>
    /// <returns>A builder holding the six rules (5 % global holdout, 10 % control per rule, one action per customer); edit and <see cref="PlaybookBuilder.Build"/>.</returns>
    /// <remarks>Stage names are those of <see cref="StageModels.ReachToLoyalty"/>; every rule needs e-mail consent.</remarks>
    public static PlaybookBuilder Standard()
    {
        var b = new PlaybookBuilder("standard");
        foreach (var rule in StandardRules())
        {
            b.Add(rule);
        }

        return b;
    }

    /// <summary>The rules of <see cref="Standard"/>.</summary>
    /// <returns>Six new rules.</returns>
    public static IReadOnlyList<PlaybookRule> StandardRules() =>
    [
        new(RuleNames.ProactiveSupport, "support_outreach")
        {
            Description = "A complaint or a CSAT of 2 or less: reach out before the customer leaves; service comes before selling.",
            Priority = 100,
            Trigger = Trigger.Becomes(Condition.Any(Condition.Compare(Measure.Csat, Comparison.LessOrEqual, 2), Condition.Compare(Measure.SupportContacts, Comparison.GreaterOrEqual, 1))),
            Channel = ConsentChannels.Email,
            Cooldown = TimeSpan.FromDays(14),
            ExpectedUplift = 0.05,
        },
        new(RuleNames.WinBackHighValue, "winback_offer")
        {
            Description = "High-value customers (CLV decile 8 or more) whose P(alive) fell below 0.5: a personal win-back offer while it can still work.",
            Priority = 90,
            Trigger = Trigger.Becomes(Condition.Compare(Measure.AliveProbability, Comparison.Less, 0.5)),
            Eligibility = [Condition.Compare(Measure.ValueDecile, Comparison.GreaterOrEqual, 8), Condition.Compare(Measure.AliveProbability, Comparison.GreaterOrEqual, 0.05)],
            Exit = [Condition.PurchasedSinceRule(RuleNames.WinBackHighValue)],
            Channel = ConsentChannels.Email,
            Cooldown = TimeSpan.FromDays(30),
            Caps = [new FrequencyCap(3, TimeSpan.FromDays(365))],
            ExpectedUplift = 0.05,
        },
        new(RuleNames.SecondPurchase, "second_purchase_nudge")
        {
            Description = "One purchase 7 to 60 days ago: the second purchase is the biggest step to a repeat customer.",
            Priority = 80,
            Eligibility = [Condition.Compare(Measure.Purchases, Comparison.Equal, 1), Condition.Compare(Measure.DaysSinceLastPurchase, Comparison.GreaterOrEqual, 7), Condition.Compare(Measure.DaysSinceLastPurchase, Comparison.LessOrEqual, 60)],
            Channel = ConsentChannels.Email,
            Cooldown = TimeSpan.FromDays(30),
            Caps = [new FrequencyCap(2, TimeSpan.FromDays(90))],
            ExpectedUplift = 0.08,
        },
        new(RuleNames.LoyaltyUpgrade, "loyalty_tier_upgrade")
        {
            Description = "Active customers (P(alive) 0.7 or more) in CLV deciles 7 to 9: one step from the top tier; an upgrade offer rewards and retains them.",
            Priority = 60,
            Eligibility = [Condition.Compare(Measure.ValueDecile, Comparison.GreaterOrEqual, 7), Condition.Compare(Measure.ValueDecile, Comparison.LessOrEqual, 9), Condition.Compare(Measure.AliveProbability, Comparison.GreaterOrEqual, 0.7)],
            Channel = ConsentChannels.Email,
            Cooldown = TimeSpan.FromDays(90),
            ExpectedUplift = 0.03,
        },
        new(RuleNames.ReferralAsk, "referral_ask")
        {
            Description = "Promoters (NPS 9 or 10) and customers in the Loyalty stage: the most credible advocates; ask them to refer a friend.",
            Priority = 40,
            Eligibility = [Condition.Any(Condition.Compare(Measure.Nps, Comparison.GreaterOrEqual, 9), Condition.InStage(StageModels.Ids.Loyalty))],
            Channel = ConsentChannels.Email,
            Cooldown = TimeSpan.FromDays(90),
            ExpectedUplift = 0.02,
        },
        new(RuleNames.Upsell, "upsell_offer")
        {
            Description = "Active customers (P(alive) 0.7 or more) in CLV decile 10: the best response to cross-sell and upsell; the host picks the offer.",
            Priority = 20,
            Eligibility = [Condition.Compare(Measure.ValueDecile, Comparison.GreaterOrEqual, 10), Condition.Compare(Measure.AliveProbability, Comparison.GreaterOrEqual, 0.7)],
            Channel = ConsentChannels.Email,
            Cooldown = TimeSpan.FromDays(30),
            ExpectedUplift = 0.03,
        },
    ];
}
