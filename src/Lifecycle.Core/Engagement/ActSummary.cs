using System.Collections.ObjectModel;

namespace Lifecycle.Engagement;

/// <summary>The "Act" line of one rule: who to contact, why, how many, and the expected value.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Action">The action key.</param>
/// <param name="Description">Why the rule exists.</param>
/// <param name="Treated">Decisions to send.</param>
/// <param name="Control">Decisions withheld as the rule's control.</param>
/// <param name="Holdout">Decisions withheld by the global holdout.</param>
/// <param name="ExpectedValue">Sum of the treated decisions' scores (by default expected value gained).</param>
/// <param name="TopReasons">The most frequent reasons (codes with counts, most frequent first, at most 5).</param>
/// <param name="Customers">The first customers to contact (treated, best score first, at most 10).</param>
public sealed record ActionSummary(string Rule, string Action, string Description, int Treated, int Control, int Holdout, double ExpectedValue, IReadOnlyList<KeyValuePair<string, int>> TopReasons, IReadOnlyList<string> Customers);

/// <summary>What a playbook run proposes, summarized for a report's "Act" section.</summary>
/// <param name="Customers">Customers the playbook looked at.</param>
/// <param name="CustomersWithAction">Customers with at least one decision (any arm).</param>
/// <param name="Treated">Decisions to send.</param>
/// <param name="Untreated">Decisions withheld (control and holdout).</param>
/// <param name="ExpectedValue">Sum of the treated decisions' scores.</param>
/// <param name="Actions">One line per rule with a decision, in the playbook's rule order.</param>
public sealed record ActSummary(int Customers, int CustomersWithAction, int Treated, int Untreated, double ExpectedValue, IReadOnlyList<ActionSummary> Actions)
{
    /// <summary>Summarizes a run.</summary>
    /// <param name="playbook">The playbook that decided.</param>
    /// <param name="decisions">Its decisions.</param>
    /// <param name="customers">How many customers it looked at.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static ActSummary From(Playbook playbook, IReadOnlyList<Decision> decisions, int customers)
    {
        ArgumentNullException.ThrowIfNull(playbook);
        ArgumentNullException.ThrowIfNull(decisions);
        var byRule = decisions.GroupBy(d => d.Rule, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var lines = new List<ActionSummary>();
        foreach (var rule in playbook.Rules)
        {
            if (!byRule.TryGetValue(rule.Name, out var list))
            {
                continue;
            }

            var treated = list.Where(d => d.IsTreated).ToList();
            var reasons = list.SelectMany(d => d.Reasons).Where(r => r.Code != "expected_value" && r.Code != "score")
                .GroupBy(r => r.Code, StringComparer.Ordinal).Select(g => KeyValuePair.Create(g.Key, g.Count()))
                .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(5).ToArray();
            var top = treated.OrderByDescending(d => d.Score).ThenBy(d => d.CustomerId, StringComparer.Ordinal).Take(10).Select(d => d.CustomerId).ToArray();
            lines.Add(new ActionSummary(rule.Name, rule.Action, rule.Description, treated.Count, list.Count(d => d.Arm == DecisionArm.Control), list.Count(d => d.Arm == DecisionArm.Holdout), treated.Sum(d => d.Score), new ReadOnlyCollection<KeyValuePair<string, int>>(reasons), new ReadOnlyCollection<string>(top)));
        }

        var t = decisions.Count(d => d.IsTreated);
        return new ActSummary(customers, decisions.Select(d => d.CustomerId).Distinct(StringComparer.Ordinal).Count(), t, decisions.Count - t, decisions.Where(d => d.IsTreated).Sum(d => d.Score), new ReadOnlyCollection<ActionSummary>(lines));
    }
}
