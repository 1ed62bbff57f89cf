using System.Globalization;

namespace Lifecycle.Stages;

/// <summary>When a rule is evaluated.</summary>
public enum RuleTrigger
{
    /// <summary>When an event is applied, on the facts after the event.</summary>
    Event = 0,

    /// <summary>At the instant its schedule gives (for example 90 days after the last purchase), checked before every event and by <see cref="LifecycleEngine.Evaluate"/>.</summary>
    Time = 1,

    /// <summary>By <see cref="LifecycleEngine.Evaluate"/> only, asking a model (for example P(alive)) as of the evaluation instant.</summary>
    Model = 2,
}

/// <summary>An event rule's condition, on the facts after the event.</summary>
/// <param name="facts">The customer's facts, the event already folded in.</param>
/// <param name="lifecycleEvent">The event being applied.</param>
/// <returns><see langword="true"/> when the rule wants to move the customer.</returns>
public delegate bool EventCondition(in CustomerFacts facts, LifecycleEvent lifecycleEvent);

/// <summary>A time rule's schedule: the instant from which the rule holds, given the facts.</summary>
/// <param name="facts">The customer's facts.</param>
/// <returns>The instant the rule becomes due, or <see langword="null"/> when it never does with these facts.</returns>
public delegate DateTimeOffset? TimeSchedule(in CustomerFacts facts);

/// <summary>A guard on a declared transition (<see cref="StageConfiguration.PermitIf"/>).</summary>
/// <param name="facts">The customer's facts at the moment of the transition.</param>
/// <returns><see langword="true"/> when the transition may be taken.</returns>
public delegate bool TransitionGuard(in CustomerFacts facts);

/// <summary>The probability that a customer is still alive (active), as any CLV model can give it.</summary>
/// <remarks>Implementations must be thread-safe; <see cref="AliveProbability.FromSummaryModel"/> adapts any model that scores a <see cref="CustomerSummary"/>.</remarks>
public interface IAliveProbability
{
    /// <summary>Gets P(alive) for a customer as of an instant.</summary>
    /// <param name="facts">The customer's facts.</param>
    /// <param name="asOf">The evaluation instant (not before the customer's last event).</param>
    /// <returns>A probability in [0, 1], or <see langword="null"/> when the model has nothing to say (for example no purchase yet).</returns>
    double? Evaluate(in CustomerFacts facts, DateTimeOffset asOf);
}

/// <summary>Adapters from CLV models to <see cref="IAliveProbability"/>.</summary>
public static class AliveProbability
{
    /// <summary>Adapts a model that scores a purchase summary (frequency, recency, T): for example a fitted BG/NBD model's P(alive).</summary>
    /// <param name="pAlive">P(alive) of a summary; must be thread-safe.</param>
    /// <param name="unit">The time unit the model was fitted on.</param>
    /// <returns>An adapter that builds the summary with <see cref="CustomerFacts.ToSummary"/> and returns <see langword="null"/> for customers without a purchase.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pAlive"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is not Days or Weeks.</exception>
    public static IAliveProbability FromSummaryModel(Func<CustomerSummary, double> pAlive, TimeUnit unit)
    {
        ArgumentNullException.ThrowIfNull(pAlive);
        if (unit is not (TimeUnit.Days or TimeUnit.Weeks))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(unit), unit, "must be Days or Weeks", "pass the unit the model was fitted on");
        }

        return new SummaryModelAdapter(pAlive, unit);
    }

    private sealed class SummaryModelAdapter(Func<CustomerSummary, double> pAlive, TimeUnit unit) : IAliveProbability
    {
        public double? Evaluate(in CustomerFacts facts, DateTimeOffset asOf) =>
            facts.PurchaseCount == 0 ? null : pAlive(facts.ToSummary(asOf, unit));
    }
}

/// <summary>A named rule that moves a customer to a target stage: triggered by an event, by time, or by a model.</summary>
/// <remarks>
/// <para>A rule only moves a customer along a transition the model declares (from the current stage to
/// <see cref="TargetStage"/>, guard passing; out of a terminal stage only the rule named in
/// <see cref="StageConfiguration.PermitReactivation"/>). Among rules that could fire, the higher
/// <see cref="Priority"/> wins; equal priorities with different targets from one stage are rejected by
/// <see cref="StageModelBuilder.Build"/> as ambiguous.</para>
/// <para>Thread safety: immutable; the conditions you pass must be pure and thread-safe.</para>
/// </remarks>
public sealed class LifecycleRule
{
    private LifecycleRule(string name, string targetStage, string description, int priority, RuleTrigger trigger)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            ThrowHelper.Argument(nameof(name), string.Create(CultureInfo.InvariantCulture, $"A rule targeting '{targetStage}' has no name; name every rule (transitions record it)."));
        }

        if (string.IsNullOrWhiteSpace(targetStage))
        {
            ThrowHelper.Argument(nameof(targetStage), string.Create(CultureInfo.InvariantCulture, $"Rule '{name}' has no target stage; pass the id of a declared stage."));
        }

        if (string.IsNullOrWhiteSpace(description))
        {
            ThrowHelper.Argument(nameof(description), string.Create(CultureInfo.InvariantCulture, $"Rule '{name}' has no description; say in a sentence when it fires (it is shown in diagrams and reports)."));
        }

        Name = name;
        TargetStage = targetStage;
        Description = description;
        Priority = priority;
        Trigger = trigger;
    }

    /// <summary>Gets the rule's name (recorded on every transition it causes).</summary>
    public string Name { get; }

    /// <summary>Gets the id of the stage the rule moves customers to.</summary>
    public string TargetStage { get; }

    /// <summary>Gets the description (when it fires, in words).</summary>
    public string Description { get; }

    /// <summary>Gets the priority: among rules that could fire together, the highest wins.</summary>
    public int Priority { get; }

    /// <summary>Gets when the rule is evaluated.</summary>
    public RuleTrigger Trigger { get; }

    /// <summary>Gets, for a time rule, the inactivity window after the last purchase, when it was made with <see cref="AfterInactivity"/>.</summary>
    public TimeSpan? Inactivity { get; private init; }

    /// <summary>Gets, for a model rule, the P(alive) threshold below which it fires.</summary>
    public double? Threshold { get; private init; }

    internal EventCondition? EventCondition { get; private init; }

    internal TimeSchedule? Schedule { get; private init; }

    internal IAliveProbability? Model { get; private init; }

    internal long InactivityTicks { get; private init; }

    /// <summary>Creates an event-triggered rule.</summary>
    /// <param name="name">Unique rule name.</param>
    /// <param name="targetStage">Id of the stage to move to.</param>
    /// <param name="condition">Condition on the facts after the event and the event itself; pure and thread-safe.</param>
    /// <param name="description">When it fires, in words.</param>
    /// <param name="priority">Higher wins.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentException">An empty name, target or description.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="condition"/> is null.</exception>
    public static LifecycleRule OnEvent(string name, string targetStage, EventCondition condition, string description, int priority = 0)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return new LifecycleRule(name, targetStage, description, priority, RuleTrigger.Event) { EventCondition = condition };
    }

    /// <summary>Creates an event-triggered rule that fires on every event of one kind.</summary>
    /// <param name="name">Unique rule name.</param>
    /// <param name="targetStage">Id of the stage to move to.</param>
    /// <param name="kind">The event kind.</param>
    /// <param name="description">When it fires, in words.</param>
    /// <param name="priority">Higher wins.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentException">An empty name, target or description, or a default kind.</exception>
    public static LifecycleRule OnEventOfKind(string name, string targetStage, EventKind kind, string description, int priority = 0)
    {
        if (kind.IsDefault)
        {
            ThrowHelper.Argument(nameof(kind), string.Create(CultureInfo.InvariantCulture, $"Rule '{name}' has no event kind (default EventKind); pass a built-in or custom kind."));
        }

        return OnEvent(name, targetStage, (in CustomerFacts _, LifecycleEvent e) => e.Kind == kind, description, priority);
    }

    /// <summary>Creates a time-triggered rule: it fires at the instant its schedule gives, once that instant is reached.</summary>
    /// <param name="name">Unique rule name.</param>
    /// <param name="targetStage">Id of the stage to move to.</param>
    /// <param name="schedule">The due instant given the facts (null: not due); pure and thread-safe.</param>
    /// <param name="description">When it fires, in words.</param>
    /// <param name="priority">Higher wins among rules due at the same instant.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentException">An empty name, target or description.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="schedule"/> is null.</exception>
    public static LifecycleRule AtTime(string name, string targetStage, TimeSchedule schedule, string description, int priority = 0)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return new LifecycleRule(name, targetStage, description, priority, RuleTrigger.Time) { Schedule = schedule };
    }

    /// <summary>Creates a time-triggered rule that fires when a customer with a purchase has not purchased for <paramref name="after"/>.</summary>
    /// <param name="name">Unique rule name.</param>
    /// <param name="targetStage">Id of the stage to move to.</param>
    /// <param name="after">Inactivity window after the last purchase; positive.</param>
    /// <param name="description">When it fires, in words; <see langword="null"/> for a generated one.</param>
    /// <param name="priority">Higher wins among rules due at the same instant.</param>
    /// <returns>The rule; it becomes due at last purchase + <paramref name="after"/>.</returns>
    /// <exception cref="ArgumentException">An empty name or target.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="after"/> is zero or negative.</exception>
    public static LifecycleRule AfterInactivity(string name, string targetStage, TimeSpan after, string? description = null, int priority = 0)
    {
        if (after <= TimeSpan.Zero)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(after), after, string.Create(CultureInfo.InvariantCulture, $"(rule '{name}') must be positive"), "pass the inactivity window, for example TimeSpan.FromDays(90)");
        }

        var ticks = after.Ticks;
        return new LifecycleRule(name, targetStage, description ?? string.Create(CultureInfo.InvariantCulture, $"no purchase for {after.TotalDays:0.###} days"), priority, RuleTrigger.Time)
        {
            Schedule = (in CustomerFacts f) => f.LastPurchaseTicks == 0 ? null : new DateTimeOffset(f.LastPurchaseTicks + ticks, TimeSpan.Zero),
            Inactivity = after,
            InactivityTicks = ticks,
        };
    }

    /// <summary>Creates a model-driven rule: fires in <see cref="LifecycleEngine.Evaluate"/> when P(alive) falls below a threshold.</summary>
    /// <param name="name">Unique rule name.</param>
    /// <param name="targetStage">Id of the stage to move to.</param>
    /// <param name="model">The P(alive) source (any CLV model through an adapter).</param>
    /// <param name="threshold">Fires when P(alive) &lt; threshold; finite, in (0, 1].</param>
    /// <param name="description">When it fires, in words; <see langword="null"/> for a generated one.</param>
    /// <param name="priority">Higher wins.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentException">An empty name or target.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is NaN, infinite or outside (0, 1].</exception>
    public static LifecycleRule WhenAliveProbabilityBelow(string name, string targetStage, IAliveProbability model, double threshold, string? description = null, int priority = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ThrowHelper.ThrowIfNotFinite(threshold, nameof(threshold));
        if (threshold <= 0 || threshold > 1)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(threshold), threshold, string.Create(CultureInfo.InvariantCulture, $"(rule '{name}') must be in (0, 1]"), "pass a probability such as 0.3");
        }

        return new LifecycleRule(name, targetStage, description ?? string.Create(CultureInfo.InvariantCulture, $"P(alive) below {threshold:0.###}"), priority, RuleTrigger.Model)
        {
            Model = model,
            Threshold = threshold,
        };
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} → {TargetStage} ({Trigger}, priority {Priority}): {Description}");

    internal long DueTicks(in CustomerFacts facts)
    {
        if (InactivityTicks != 0)
        {
            var last = facts.LastPurchaseTicks;
            return last == 0 ? long.MaxValue : last + InactivityTicks;
        }

        return Schedule!(facts) is { } due ? due.UtcTicks : long.MaxValue;
    }
}
