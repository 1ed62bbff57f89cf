using System.Globalization;

namespace Lifecycle.Engagement;

/// <summary>At most <see cref="MaxActions"/> treatments within any <see cref="Window"/> ending at the decision instant.</summary>
/// <param name="MaxActions">The maximum number of actions; at least 1 (checked by <see cref="PlaybookBuilder.Build"/>).</param>
/// <param name="Window">The window; positive (checked by <see cref="PlaybookBuilder.Build"/>).</param>
public readonly record struct FrequencyCap(int MaxActions, TimeSpan Window)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"at most {MaxActions} per {Window.TotalDays:0.###} days");
}

/// <summary>What the host knows about an action for a customer: the offer to make and the uplift it expects.</summary>
/// <param name="Uplift">Expected incremental probability of the outcome if treated (treated minus untreated), in [−1, 1]; <see langword="null"/> to use the rule's <see cref="PlaybookRule.ExpectedUplift"/>.</param>
/// <param name="Offer">The offer or content key to send, if the host picks one.</param>
public readonly record struct ActionAdvice(double? Uplift, string? Offer = null);

/// <summary>One role: the host's offers and propensities (the library has no item data). Must be thread-safe.</summary>
public interface IActionAdvisor
{
    /// <summary>Advises on one eligible action for one customer.</summary>
    /// <param name="context">The customer's context.</param>
    /// <param name="rule">The eligible rule.</param>
    /// <returns>The advice; <c>default</c> for none.</returns>
    ActionAdvice Advise(CustomerContext context, PlaybookRule rule);
}

/// <summary>One rule of a playbook: when it fires, who is eligible, which action it proposes, how it scores, and how often it may act.</summary>
/// <remarks>
/// <para>A rule is eligible for a customer when, at once: its <see cref="Trigger"/> fires (or it has none), every
/// <see cref="Eligibility"/> condition holds, no <see cref="Exit"/> condition holds, the customer consented to its
/// <see cref="Channel"/>, no action of the rule (any arm) lies within <see cref="Cooldown"/>, and no
/// <see cref="Caps"/> cap is reached (caps count treatments only).</para>
/// <para>Score: <see cref="Score"/> when set; otherwise the expected value gained,
/// <c>uplift × max(value, 0)</c>, where uplift is the host's <see cref="ActionAdvice.Uplift"/> or
/// <see cref="ExpectedUplift"/>, and value is the customer's CLV (<see cref="CustomerContext.Value"/>) or, when unknown,
/// the historic net spend.</para>
/// <para>Properties are checked together by <see cref="PlaybookBuilder.Build"/>, which reports every problem at once.
/// Immutable once built; thread-safe when the delegates are.</para>
/// </remarks>
public sealed class PlaybookRule
{
    private IReadOnlyList<Condition> _eligibility = [];
    private IReadOnlyList<Condition> _exit = [];
    private IReadOnlyList<FrequencyCap> _caps = [];

    /// <summary>Creates a rule.</summary>
    /// <param name="name">Unique rule name (checked by the builder).</param>
    /// <param name="action">The action key the host acts on (for example <c>winback_offer</c>).</param>
    public PlaybookRule(string name, string action)
    {
        Name = name;
        Action = action;
    }

    /// <summary>Gets the rule's name.</summary>
    public string Name { get; }

    /// <summary>Gets the action key.</summary>
    public string Action { get; }

    /// <summary>Gets why the rule exists, in a sentence (shown in reports).</summary>
    /// <value>Empty.</value>
    public string Description { get; init; } = string.Empty;

    /// <summary>Gets the priority: among eligible rules the higher comes first, then the higher score.</summary>
    /// <value>0.</value>
    public int Priority { get; init; }

    /// <summary>Gets the trigger, or <see langword="null"/> for a rule that looks at the state only.</summary>
    public Trigger? Trigger { get; init; }

    /// <summary>Gets the conditions that must all hold.</summary>
    /// <value>Empty (everyone).</value>
    public IReadOnlyList<Condition> Eligibility { get => _eligibility; init => _eligibility = [.. value ?? []]; }

    /// <summary>Gets the exit conditions: when any holds the customer leaves the rule (for example purchased since its last action).</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<Condition> Exit { get => _exit; init => _exit = [.. value ?? []]; }

    /// <summary>Gets the channel(s) the customer must have consented to.</summary>
    /// <value><see cref="ConsentChannels.None"/>: no consent needed (for example an in-app message).</value>
    public ConsentChannels Channel { get; init; }

    /// <summary>Gets the minimum time between two actions of this rule for one customer (any arm).</summary>
    /// <value>Zero.</value>
    public TimeSpan Cooldown { get; init; }

    /// <summary>Gets the frequency caps on this rule's treatments.</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<FrequencyCap> Caps { get => _caps; init => _caps = [.. value ?? []]; }

    /// <summary>Gets the share of eligible customers kept as this rule's control, in [0, 1).</summary>
    /// <value>0.1.</value>
    public double ControlShare { get; init; } = 0.1;

    /// <summary>Gets the uplift assumed when the host gives none: the incremental probability that the action works.</summary>
    /// <value>0.05.</value>
    public double ExpectedUplift { get; init; } = 0.05;

    /// <summary>Gets a score of your own (finite), replacing the expected value gained, or <see langword="null"/>.</summary>
    public Func<CustomerContext, double>? Score { get; init; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} → {Action} (priority {Priority})");
}
