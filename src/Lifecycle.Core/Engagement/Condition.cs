using System.Globalization;
using Lifecycle.Segmentation;

namespace Lifecycle.Engagement;

/// <summary>How a measure is compared with a threshold.</summary>
public enum Comparison
{
    /// <summary>value &lt; threshold.</summary>
    Less = 0,

    /// <summary>value ≤ threshold.</summary>
    LessOrEqual,

    /// <summary>value &gt; threshold.</summary>
    Greater,

    /// <summary>value ≥ threshold.</summary>
    GreaterOrEqual,

    /// <summary>value = threshold.</summary>
    Equal,
}

/// <summary>A named test of a <see cref="CustomerContext"/> that explains itself: the eligibility and exit vocabulary of playbook rules.</summary>
/// <remarks>
/// <para>Each condition gives, when it holds, the <see cref="Reason"/> as data ("P(alive) 0.22 &lt; 0.30", "CLV decile 9",
/// "in stage AtRisk for 3 days"); a condition on a number the context does not know does not hold. Any
/// <see cref="ISegmentRule{T}"/> of <see cref="CustomerContext"/> is a condition too (<see cref="FromSegmentRule"/>), and
/// a condition is an <see cref="ISegmentRule{T}"/>, so segment rule lists and sets can use it.</para>
/// <para>Immutable and thread-safe when the delegates you pass are.</para>
/// </remarks>
public sealed class Condition : ISegmentRule<CustomerContext>
{
    private readonly Func<CustomerContext, Reason?> _test;

    private Condition(string name, string description, Func<CustomerContext, Reason?> test)
    {
        Name = name;
        Description = description;
        _test = test;
    }

    /// <summary>Gets the name (for example <c>p_alive &lt; 0.3</c>).</summary>
    public string Name { get; }

    /// <summary>Gets what the condition means.</summary>
    public string Description { get; }

    /// <summary>Tests a context and explains the answer.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The reason when the condition holds, else <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public Reason? Explain(CustomerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _test(context);
    }

    /// <inheritdoc/>
    public bool Matches(CustomerContext customer) => Explain(customer) is not null;

    /// <summary>A measure compared with a threshold, for example <c>Compare(Measure.AliveProbability, Comparison.Less, 0.3)</c>.</summary>
    /// <param name="measure">The measure.</param>
    /// <param name="comparison">The comparison.</param>
    /// <param name="threshold">The threshold; finite.</param>
    /// <returns>The condition; its reason reads "P(alive) 0.22 &lt; 0.3".</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not finite, or <paramref name="comparison"/> is not defined.</exception>
    public static Condition Compare(Measure measure, Comparison comparison, double threshold)
    {
        ThrowHelper.ThrowIfNotFinite(threshold, nameof(threshold));
        if (!Enum.IsDefined(comparison))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(comparison), comparison, "is not a Comparison", "use Less, LessOrEqual, Greater, GreaterOrEqual or Equal");
        }

        var symbol = Symbol(comparison);
        var name = string.Create(CultureInfo.InvariantCulture, $"{measure.Name} {symbol} {threshold}");
        return new Condition(name, string.Create(CultureInfo.InvariantCulture, $"{measure.Label} {symbol} {Reason.Number(threshold)}"), c =>
        {
            if (measure.Of(c) is not { } v || !Holds(v, comparison, threshold))
            {
                return null;
            }

            var whole = measure.Kind is MeasureKind.ValueDecile or MeasureKind.Purchases or MeasureKind.Nps or MeasureKind.Csat or MeasureKind.SupportContacts or MeasureKind.Referrals;
            var text = measure.Kind == MeasureKind.ValueDecile && comparison is Comparison.GreaterOrEqual or Comparison.Greater or Comparison.Equal
                ? string.Create(CultureInfo.InvariantCulture, $"CLV decile {v:0}")
                : whole
                ? string.Create(CultureInfo.InvariantCulture, $"{measure.Label} {v:0.##} {symbol} {threshold:0.##}")
                : string.Create(CultureInfo.InvariantCulture, $"{measure.Label} {Reason.Number(v)} {symbol} {Reason.Number(threshold)}");
            return new Reason(measure.Name, text, v, threshold);
        });
    }

    /// <summary>The customer is in a stage now.</summary>
    /// <param name="stage">The stage id.</param>
    /// <returns>The condition; its reason reads "in stage AtRisk for 3 days".</returns>
    /// <exception cref="ArgumentException"><paramref name="stage"/> is empty.</exception>
    public static Condition InStage(string stage)
    {
        CheckName(stage, nameof(stage), "a stage id such as \"AtRisk\"");
        return new Condition("stage = " + stage, "in stage " + stage, c =>
            !string.Equals(c.Stage, stage, StringComparison.Ordinal) ? null
            : new Reason("stage", c.TimeInStage is { } t ? string.Create(CultureInfo.InvariantCulture, $"in stage {stage} for {DaysText(t)}") : "in stage " + stage, c.TimeInStage?.TotalDays));
    }

    /// <summary>The customer is in a segment now.</summary>
    /// <param name="segment">The segment name.</param>
    /// <returns>The condition; its reason reads "in segment Champions".</returns>
    /// <exception cref="ArgumentException"><paramref name="segment"/> is empty.</exception>
    public static Condition InSegment(string segment)
    {
        CheckName(segment, nameof(segment), "a segment name such as \"Champions\"");
        return new Condition("segment = " + segment, "in segment " + segment, c => c.IsIn(segment) ? new Reason("segment", "in segment " + segment) : null);
    }

    /// <summary>The customer agreed to every one of the channels.</summary>
    /// <param name="channels">The channels; not <see cref="ConsentChannels.None"/>.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="channels"/> is None or holds undefined bits.</exception>
    public static Condition HasConsent(ConsentChannels channels)
    {
        if (channels == ConsentChannels.None || (channels & ~ConsentChannels.All) != 0)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(channels), channels, "must name one or more channels", "pass for example ConsentChannels.Email");
        }

        return new Condition("consent " + channels, "consented to " + channels, c => (c.Consent & channels) == channels ? new Reason("consent", "consented to " + channels) : null);
    }

    /// <summary>The customer purchased after the latest action of a rule (any arm): the usual exit condition ("converted").</summary>
    /// <param name="rule">The rule's name.</param>
    /// <returns>The condition; it does not hold when the rule never acted on the customer.</returns>
    /// <exception cref="ArgumentException"><paramref name="rule"/> is empty.</exception>
    public static Condition PurchasedSinceRule(string rule)
    {
        CheckName(rule, nameof(rule), "the rule's name");
        return new Condition("purchased since " + rule, "purchased after the latest action of " + rule, c =>
        {
            DateTimeOffset? latest = null;
            foreach (var h in c.History)
            {
                if (string.Equals(h.Rule, rule, StringComparison.Ordinal) && (latest is null || h.At > latest))
                {
                    latest = h.At;
                }
            }

            return latest is { } at && c.Facts.LastPurchase is { } p && p > at
                ? new Reason("purchased_since_action", string.Create(CultureInfo.InvariantCulture, $"purchased {DaysText(p - at)} after {rule}"))
                : null;
        });
    }

    /// <summary>Wraps a segment rule over contexts (reusing the segmentation vocabulary).</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>The condition; its reason is "in segment NAME".</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rule"/> is null.</exception>
    /// <exception cref="ArgumentException">The rule's name is empty.</exception>
    public static Condition FromSegmentRule(ISegmentRule<CustomerContext> rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule is Condition c)
        {
            return c;
        }

        CheckName(rule.Name, nameof(rule), "a named rule");
        return new Condition(rule.Name, rule.Description, x => rule.Matches(x) ? new Reason("rule", rule.Description.Length > 0 ? rule.Description : rule.Name) : null);
    }

    /// <summary>A condition of your own.</summary>
    /// <param name="name">The name; not empty.</param>
    /// <param name="test">Returns the reason when the condition holds, else <see langword="null"/>; pure and thread-safe.</param>
    /// <param name="description">What it means; the name when <see langword="null"/>.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="test"/> is null.</exception>
    public static Condition Custom(string name, Func<CustomerContext, Reason?> test, string? description = null)
    {
        CheckName(name, nameof(name), "a name that says what the condition tests");
        ArgumentNullException.ThrowIfNull(test);
        return new Condition(name, description ?? name, test);
    }

    /// <summary>The opposite of a condition.</summary>
    /// <param name="condition">The condition.</param>
    /// <returns>The condition; its reason reads "not (…)".</returns>
    /// <exception cref="ArgumentNullException"><paramref name="condition"/> is null.</exception>
    public static Condition Not(Condition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return new Condition("not (" + condition.Name + ")", "not " + condition.Description, c => condition.Explain(c) is null ? new Reason("not", "not " + condition.Description) : null);
    }

    /// <summary>Any of the conditions (the first that holds gives the reason).</summary>
    /// <param name="conditions">At least one; no nulls.</param>
    /// <returns>The condition.</returns>
    /// <exception cref="ArgumentException"><paramref name="conditions"/> is empty or holds null.</exception>
    public static Condition Any(params Condition[] conditions)
    {
        if (conditions is null || conditions.Length == 0 || Array.IndexOf(conditions, null) >= 0)
        {
            ThrowHelper.Argument(nameof(conditions), "Any(...) needs at least one condition and no nulls.");
        }

        Condition[] copy = [.. conditions];
        return new Condition(string.Join(" or ", copy.Select(c => "(" + c.Name + ")")), string.Join(" or ", copy.Select(c => c.Description)), c =>
        {
            foreach (var x in copy)
            {
                if (x.Explain(c) is { } r)
                {
                    return r;
                }
            }

            return null;
        });
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    internal static bool Holds(double v, Comparison comparison, double threshold) => comparison switch
    {
        Comparison.Less => v < threshold,
        Comparison.LessOrEqual => v <= threshold,
        Comparison.Greater => v > threshold,
        Comparison.GreaterOrEqual => v >= threshold,
        _ => v == threshold,
    };

    internal static string Symbol(Comparison comparison) => comparison switch
    {
        Comparison.Less => "<",
        Comparison.LessOrEqual => "<=",
        Comparison.Greater => ">",
        Comparison.GreaterOrEqual => ">=",
        _ => "=",
    };

    internal static string DaysText(TimeSpan t)
    {
        var days = (int)Math.Floor(t.TotalDays);
        return days == 1 ? "1 day" : days.ToString(CultureInfo.InvariantCulture) + " days";
    }

    private static void CheckName(string? value, string param, string example)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            ThrowHelper.Argument(param, "The name is empty; pass " + example + ".");
        }
    }
}
