using System.Globalization;

namespace Lifecycle.Engagement;

/// <summary>What makes a rule fire: a change from false to true between the previous decision run and this one.</summary>
/// <remarks>
/// <para>Every trigger is a condition watched over time: it fires when the condition holds for
/// <see cref="CustomerContext"/> now and did not hold for <see cref="CustomerContext.Previous"/> (HubSpot's re-enrolment
/// on a not-matching → matching change). A customer who stays in At risk fires "entered At risk" once, not on every run.
/// Without a previous context every condition that holds counts as a change: a first run.</para>
/// <para>Schedules fire when a tick (<c>anchor + k·period</c>) falls in (previous instant, this instant]; on a first run
/// when a tick is at or before this instant.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class Trigger
{
    private readonly Func<CustomerContext, CustomerContext?, Reason?> _fires;

    private Trigger(string name, Func<CustomerContext, CustomerContext?, Reason?> fires)
    {
        Name = name;
        _fires = fires;
    }

    /// <summary>Gets the name (for example <c>entered AtRisk</c>).</summary>
    public string Name { get; }

    /// <summary>Tests whether the trigger fires for a context (diffing against its <see cref="CustomerContext.Previous"/>).</summary>
    /// <param name="context">The context now.</param>
    /// <returns>The reason when it fires, else <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public Reason? Fires(CustomerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _fires(context, context.Previous);
    }

    /// <summary>Fires when the customer enters a stage.</summary>
    /// <param name="stage">The stage id.</param>
    /// <returns>The trigger; its reason reads "entered AtRisk 3 days ago".</returns>
    /// <exception cref="ArgumentException"><paramref name="stage"/> is empty.</exception>
    public static Trigger StageEntered(string stage)
    {
        var inStage = Condition.InStage(stage);
        return new Trigger("entered " + stage, (now, before) =>
            inStage.Matches(now) && (before is null || !inStage.Matches(before))
                ? new Reason("entered_stage", now.TimeInStage is { } t ? string.Create(CultureInfo.InvariantCulture, $"entered {stage} {Condition.DaysText(t)} ago") : "entered " + stage, now.TimeInStage?.TotalDays)
                : null);
    }

    /// <summary>Fires when the customer leaves a stage (needs a previous context).</summary>
    /// <param name="stage">The stage id.</param>
    /// <returns>The trigger; its reason reads "left AtRisk for Retention".</returns>
    /// <exception cref="ArgumentException"><paramref name="stage"/> is empty.</exception>
    public static Trigger StageExited(string stage)
    {
        var inStage = Condition.InStage(stage);
        return new Trigger("left " + stage, (now, before) =>
            before is not null && inStage.Matches(before) && !inStage.Matches(now)
                ? new Reason("exited_stage", string.Create(CultureInfo.InvariantCulture, $"left {stage} for {now.Stage ?? "an unknown stage"}"))
                : null);
    }

    /// <summary>Fires when the customer enters a segment (the two assignments are diffed).</summary>
    /// <param name="segment">The segment name.</param>
    /// <returns>The trigger.</returns>
    /// <exception cref="ArgumentException"><paramref name="segment"/> is empty.</exception>
    public static Trigger SegmentEntered(string segment)
    {
        var inSegment = Condition.InSegment(segment);
        return new Trigger("entered segment " + segment, (now, before) =>
            inSegment.Matches(now) && (before is null || !inSegment.Matches(before)) ? new Reason("entered_segment", "entered segment " + segment) : null);
    }

    /// <summary>Fires when the customer leaves a segment (needs a previous context).</summary>
    /// <param name="segment">The segment name.</param>
    /// <returns>The trigger.</returns>
    /// <exception cref="ArgumentException"><paramref name="segment"/> is empty.</exception>
    public static Trigger SegmentExited(string segment)
    {
        var inSegment = Condition.InSegment(segment);
        return new Trigger("left segment " + segment, (now, before) =>
            before is not null && inSegment.Matches(before) && !inSegment.Matches(now) ? new Reason("exited_segment", "left segment " + segment) : null);
    }

    /// <summary>Fires when a condition becomes true, for example P(alive) falling below 0.3 or CSAT dropping to 2.</summary>
    /// <param name="condition">The condition.</param>
    /// <returns>The trigger; its reason is the condition's, prefixed by "now ".</returns>
    /// <exception cref="ArgumentNullException"><paramref name="condition"/> is null.</exception>
    public static Trigger Becomes(Condition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return new Trigger("becomes " + condition.Name, (now, before) =>
            condition.Explain(now) is { } r && (before is null || !condition.Matches(before)) ? r with { Text = "now " + r.Text } : null);
    }

    /// <summary>Fires on a schedule: at <paramref name="anchor"/> and every <paramref name="period"/> after it.</summary>
    /// <param name="anchor">The first tick.</param>
    /// <param name="period">The period; positive.</param>
    /// <returns>The trigger; its reason names the tick.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is zero or negative.</exception>
    public static Trigger Every(DateTimeOffset anchor, TimeSpan period)
    {
        if (period <= TimeSpan.Zero)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(period), period, "must be positive", "pass for example TimeSpan.FromDays(7)");
        }

        var a = anchor.UtcTicks;
        var p = period.Ticks;
        return new Trigger(string.Create(CultureInfo.InvariantCulture, $"every {period.TotalDays:0.###} days from {anchor:yyyy-MM-dd}"), (now, before) =>
        {
            var t = now.AsOf.UtcTicks;
            if (t < a)
            {
                return null;
            }

            var tick = a + ((t - a) / p * p);
            return before is null || before.AsOf.UtcTicks < tick
                ? new Reason("schedule", string.Create(CultureInfo.InvariantCulture, $"scheduled {new DateTimeOffset(tick, TimeSpan.Zero):yyyy-MM-dd}"))
                : null;
        });
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
