using System.Collections.ObjectModel;
using System.Globalization;

namespace Lifecycle.Engagement;

/// <summary>A validated set of rules with arbitration and control groups: the next-best-action engine.</summary>
/// <remarks>
/// <para>Per customer, <see cref="Decide(CustomerContext, IActionAdvisor?)"/> loads the rules, keeps the eligible ones
/// (see <see cref="PlaybookRule"/>), sorts them by priority (higher first), then score (higher first), then name
/// (ordinal), and keeps the first <see cref="MaxActionsPerCustomer"/> that the playbook-wide <see cref="Caps"/> still
/// allow (Salesforce's load → filter → sort → limit). Each kept action gets an arm: the global holdout first, then the
/// rule's control; a control or holdout decision keeps its slot (nothing replaces it), so treated and untreated
/// customers differ only by the action.</para>
/// <para>Made by <see cref="PlaybookBuilder.Build"/>. Immutable and thread-safe; decisions depend only on the contexts,
/// so they are the same on every run and any number of cores.</para>
/// </remarks>
public sealed class Playbook
{
    private readonly PlaybookRule[] _rules;

    internal Playbook(string name, PlaybookRule[] rules, ControlGroups controls, int maxActions, FrequencyCap[] caps)
    {
        Name = name;
        _rules = rules;
        Rules = new ReadOnlyCollection<PlaybookRule>(rules);
        Controls = controls;
        MaxActionsPerCustomer = maxActions;
        Caps = new ReadOnlyCollection<FrequencyCap>(caps);
    }

    /// <summary>Gets the playbook's name.</summary>
    public string Name { get; }

    /// <summary>Gets the rules, highest priority first.</summary>
    public IReadOnlyList<PlaybookRule> Rules { get; }

    /// <summary>Gets the control group assignment (salt, epoch, holdout share).</summary>
    public ControlGroups Controls { get; }

    /// <summary>Gets the maximum number of actions per customer per run.</summary>
    public int MaxActionsPerCustomer { get; }

    /// <summary>Gets the caps on treatments across all rules.</summary>
    public IReadOnlyList<FrequencyCap> Caps { get; }

    /// <summary>Decides the next-best actions for one customer.</summary>
    /// <param name="context">The customer's context.</param>
    /// <param name="advisor">The host's offers and uplifts, or <see langword="null"/>.</param>
    /// <returns>The ranked decisions (possibly none), at most <see cref="MaxActionsPerCustomer"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="InvalidOperationException">A custom score or an advisor's uplift is not finite (the message names the rule and the customer).</exception>
    public IReadOnlyList<Decision> Decide(CustomerContext context, IActionAdvisor? advisor = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        List<(PlaybookRule Rule, double Score, List<Reason> Reasons, string? Offer)>? eligible = null;
        foreach (var rule in _rules)
        {
            if (Evaluate(rule, context, advisor) is { } e)
            {
                (eligible ??= []).Add((rule, e.Score, e.Reasons, e.Offer));
            }
        }

        if (eligible is null)
        {
            return [];
        }

        eligible.Sort((a, b) =>
        {
            var c = b.Rule.Priority.CompareTo(a.Rule.Priority);
            c = c != 0 ? c : b.Score.CompareTo(a.Score);
            return c != 0 ? c : string.CompareOrdinal(a.Rule.Name, b.Rule.Name);
        });

        var budget = Math.Min(MaxActionsPerCustomer, Remaining(Caps, context, null));
        var holdout = Controls.IsInHoldout(context.CustomerId);
        var decisions = new List<Decision>(Math.Min(budget, eligible.Count));
        foreach (var (rule, score, reasons, offer) in eligible)
        {
            if (decisions.Count >= budget)
            {
                break;
            }

            var arm = holdout ? DecisionArm.Holdout : Controls.IsInControl(context.CustomerId, rule.Name, rule.ControlShare) ? DecisionArm.Control : DecisionArm.Treatment;
            decisions.Add(new Decision(context.CustomerId, rule, decisions.Count + 1, score, arm, reasons, DecisionId(context, rule), context.AsOf, offer));
        }

        return decisions;
    }

    /// <summary>Decides for many customers; several cores may be used, and the result is the same for any number.</summary>
    /// <param name="contexts">The contexts.</param>
    /// <param name="advisor">The host's offers and uplifts, or <see langword="null"/>.</param>
    /// <returns>Every decision, customers in input order, each customer's in rank order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="contexts"/> is null or holds null.</exception>
    /// <exception cref="InvalidOperationException">A custom score or an advisor's uplift is not finite.</exception>
    public IReadOnlyList<Decision> DecideAll(IReadOnlyList<CustomerContext> contexts, IActionAdvisor? advisor = null)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        var perCustomer = new IReadOnlyList<Decision>[contexts.Count];
        Parallel.For(0, contexts.Count, i => perCustomer[i] = Decide(contexts[i] ?? throw new ArgumentNullException(nameof(contexts), string.Create(CultureInfo.InvariantCulture, $"contexts[{i}] is null; pass one context per customer.")), advisor));
        var all = new List<Decision>();
        foreach (var d in perCustomer)
        {
            all.AddRange(d);
        }

        return all;
    }

    /// <summary>Explains why each rule is or is not eligible for a customer (for support and debugging).</summary>
    /// <param name="context">The context.</param>
    /// <returns>One line per rule: "eligible" with the reasons, or the first check that failed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    public IReadOnlyList<string> Explain(CustomerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return [.. _rules.Select(r => r.Name + ": " + (Blocker(r, context) ?? "eligible"))];
    }

    internal static string? Blocker(PlaybookRule rule, CustomerContext context)
    {
        if (rule.Trigger is { } trigger && trigger.Fires(context) is null)
        {
            return "trigger '" + trigger.Name + "' did not fire";
        }

        foreach (var c in rule.Eligibility)
        {
            if (!c.Matches(context))
            {
                return "not " + c.Description;
            }
        }

        foreach (var c in rule.Exit)
        {
            if (c.Explain(context) is { } r)
            {
                return "exited: " + r.Text;
            }
        }

        if ((context.Consent & rule.Channel) != rule.Channel)
        {
            return "no consent for " + rule.Channel;
        }

        if (rule.Cooldown > TimeSpan.Zero)
        {
            foreach (var h in context.History)
            {
                if (string.Equals(h.Rule, rule.Name, StringComparison.Ordinal) && h.At <= context.AsOf && context.AsOf - h.At < rule.Cooldown)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"cooling down ({Condition.DaysText(context.AsOf - h.At)} since the last action, cooldown {rule.Cooldown.TotalDays:0.###} days)");
                }
            }
        }

        return Remaining(rule.Caps, context, rule.Name) <= 0 ? "frequency cap reached" : null;
    }

    private static (double Score, List<Reason> Reasons, string? Offer)? Evaluate(PlaybookRule rule, CustomerContext context, IActionAdvisor? advisor)
    {
        if (Blocker(rule, context) is not null)
        {
            return null;
        }

        var reasons = new List<Reason>();
        if (rule.Trigger?.Fires(context) is { } fired)
        {
            reasons.Add(fired);
        }

        foreach (var c in rule.Eligibility)
        {
            reasons.Add(c.Explain(context)!.Value);
        }

        var advice = advisor?.Advise(context, rule) ?? default;
        double score;
        if (rule.Score is { } custom)
        {
            score = custom(context);
            if (!double.IsFinite(score))
            {
                ThrowHelper.InvalidOperation(string.Create(CultureInfo.InvariantCulture, $"Rule '{rule.Name}' scored customer '{context.CustomerId}' as {score}; a score must be finite. Fix the rule's Score function."));
            }

            reasons.Add(new Reason("score", string.Create(CultureInfo.InvariantCulture, $"score {Reason.Number(score)}"), score));
        }
        else
        {
            var uplift = advice.Uplift ?? rule.ExpectedUplift;
            if (!double.IsFinite(uplift) || uplift is < -1 or > 1)
            {
                ThrowHelper.InvalidOperation(string.Create(CultureInfo.InvariantCulture, $"The advisor gave rule '{rule.Name}' an uplift of {uplift} for customer '{context.CustomerId}'; an uplift is a difference of probabilities in [-1, 1]."));
            }

            var (basis, label) = context.Value is { } v ? (v, "CLV") : ((double)context.Facts.NetSpend, "historic spend");
            basis = Math.Max(basis, 0);
            score = uplift * basis;
            reasons.Add(new Reason("expected_value", string.Create(CultureInfo.InvariantCulture, $"expected value {Reason.Number(score)} = uplift {Reason.Number(uplift)} × {label} {Reason.Number(basis)}"), score, basis));
        }

        return (score, reasons, advice.Offer);
    }

    private static int Remaining(IReadOnlyList<FrequencyCap> caps, CustomerContext context, string? rule)
    {
        var remaining = int.MaxValue;
        foreach (var cap in caps)
        {
            var used = 0;
            foreach (var h in context.History)
            {
                if (h.Arm == DecisionArm.Treatment && (rule is null || string.Equals(h.Rule, rule, StringComparison.Ordinal)) && h.At <= context.AsOf && context.AsOf - h.At < cap.Window)
                {
                    used++;
                }
            }

            remaining = Math.Min(remaining, cap.MaxActions - used);
        }

        return remaining;
    }

    private string DecisionId(CustomerContext context, PlaybookRule rule) =>
        StableHash.Hash(context.CustomerId, rule.Name, rule.Action, context.AsOf.UtcTicks.ToString(CultureInfo.InvariantCulture), Controls.Salt, Controls.Epoch.ToString(CultureInfo.InvariantCulture)).ToString("x16", CultureInfo.InvariantCulture);
}
