using System.Globalization;

namespace Lifecycle.Engagement;

/// <summary>One next-best action for one customer: the rule, the action, its score and arm, the reasons as data and a stable id.</summary>
/// <remarks>Immutable. <see cref="DecisionId"/> is 16 hex digits of the stable hash of (customer, rule, action, instant,
/// salt, epoch): the same decision replays with the same id on every machine.</remarks>
public sealed class Decision
{
    internal Decision(string customerId, PlaybookRule rule, int rank, double score, DecisionArm arm, IReadOnlyList<Reason> reasons, string decisionId, DateTimeOffset at, string? offer)
    {
        CustomerId = customerId;
        Rule = rule.Name;
        Action = rule.Action;
        Priority = rule.Priority;
        Rank = rank;
        Score = score;
        Arm = arm;
        Reasons = reasons;
        DecisionId = decisionId;
        At = at;
        Offer = offer;
    }

    /// <summary>Gets the customer id.</summary>
    public string CustomerId { get; }

    /// <summary>Gets the rule's name.</summary>
    public string Rule { get; }

    /// <summary>Gets the action key.</summary>
    public string Action { get; }

    /// <summary>Gets the rule's priority.</summary>
    public int Priority { get; }

    /// <summary>Gets the rank among the customer's decisions (1 = best).</summary>
    public int Rank { get; }

    /// <summary>Gets the score (by default the expected value gained; see <see cref="PlaybookRule"/>).</summary>
    public double Score { get; }

    /// <summary>Gets the arm: send it (treatment) or record it only (control, holdout).</summary>
    public DecisionArm Arm { get; }

    /// <summary>Gets the reasons, trigger first, then eligibility, then the score.</summary>
    public IReadOnlyList<Reason> Reasons { get; }

    /// <summary>Gets the stable decision id.</summary>
    public string DecisionId { get; }

    /// <summary>Gets the decision instant.</summary>
    public DateTimeOffset At { get; }

    /// <summary>Gets the host's offer, if any.</summary>
    public string? Offer { get; }

    /// <summary>Gets a value indicating whether the action is to be sent.</summary>
    public bool IsTreated => Arm == DecisionArm.Treatment;

    /// <summary>Gets the reasons as one line ("; "-separated).</summary>
    public string ReasonText => string.Join("; ", Reasons.Select(r => r.Text));

    /// <summary>Turns the decision into a history record (to pass in <see cref="CustomerContext.History"/> next time).</summary>
    /// <returns>The record.</returns>
    public ActionRecord ToRecord() => new(Rule, Action, At, Arm);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{CustomerId}: {Action} ({Rule}, {Arm}, score {Score:0.##}) because {ReasonText}");
}
