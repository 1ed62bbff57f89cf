using System.Collections.ObjectModel;

namespace Lifecycle.Segmentation;

/// <summary>One role: decide whether a customer belongs to a named segment.</summary>
/// <typeparam name="T">What a customer looks like to the rule.</typeparam>
/// <remarks>Implement it to back a segment with anything (a model, a lookup); <see cref="SegmentRule.From{T}"/> wraps an
/// implementation so it composes with And/Or/Not. Implementations should be pure and thread-safe.</remarks>
public interface ISegmentRule<in T>
{
    /// <summary>Gets the rule's (segment's) name.</summary>
    string Name { get; }

    /// <summary>Gets what the rule selects and why.</summary>
    string Description { get; }

    /// <summary>Tests one customer.</summary>
    /// <param name="customer">The customer.</param>
    /// <returns><c>true</c> when the customer belongs to the segment.</returns>
    bool Matches(T customer);
}

/// <summary>A named predicate over customers of type <typeparamref name="T"/>: the building block of rule-based segments.</summary>
/// <typeparam name="T">What a customer looks like to the rule, for example <see cref="CustomerProfile"/> (summary,
/// RFM score, predictions and facts) or your own record.</typeparam>
/// <remarks>
/// Compose with <see cref="And"/>, <see cref="Or"/> and <see cref="Not"/>; composite rules get a readable name
/// ("(A and B)") unless you give one. Immutable and thread-safe when the predicate is (predicates should be pure).
/// </remarks>
public sealed class SegmentRule<T> : ISegmentRule<T>
{
    private readonly Func<T, bool> _predicate;

    internal SegmentRule(string name, string description, Func<T, bool> predicate)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            ThrowHelper.Argument(nameof(name), "a segment rule needs a non-empty name; name the segment it selects.");
        }

        ArgumentNullException.ThrowIfNull(predicate);
        Name = name;
        Description = description ?? string.Empty;
        _predicate = predicate;
    }

    /// <summary>Gets the rule's name (the segment name when used in a list).</summary>
    public string Name { get; }

    /// <summary>Gets what the rule selects and why.</summary>
    public string Description { get; }

    /// <summary>Tests one customer.</summary>
    /// <param name="customer">The customer.</param>
    /// <returns><c>true</c> when the customer satisfies the rule.</returns>
    public bool Matches(T customer) => _predicate(customer);

    /// <summary>Both this rule and <paramref name="other"/>.</summary>
    /// <param name="other">The other rule.</param>
    /// <param name="name">The new rule's name; default "(this and other)".</param>
    /// <param name="description">The new rule's description.</param>
    /// <returns>A rule that matches when both match (short-circuit: <paramref name="other"/> is not evaluated when this fails).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public SegmentRule<T> And(ISegmentRule<T> other, string? name = null, string description = "")
    {
        ArgumentNullException.ThrowIfNull(other);
        var a = _predicate;
        return new SegmentRule<T>(name ?? $"({Name} and {other.Name})", description, c => a(c) && other.Matches(c));
    }

    /// <summary>Either this rule or <paramref name="other"/>.</summary>
    /// <param name="other">The other rule.</param>
    /// <param name="name">The new rule's name; default "(this or other)".</param>
    /// <param name="description">The new rule's description.</param>
    /// <returns>A rule that matches when either matches (short-circuit).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public SegmentRule<T> Or(ISegmentRule<T> other, string? name = null, string description = "")
    {
        ArgumentNullException.ThrowIfNull(other);
        var a = _predicate;
        return new SegmentRule<T>(name ?? $"({Name} or {other.Name})", description, c => a(c) || other.Matches(c));
    }

    /// <summary>The negation of this rule.</summary>
    /// <param name="name">The new rule's name; default "not this".</param>
    /// <param name="description">The new rule's description.</param>
    /// <returns>A rule that matches when this one does not.</returns>
    public SegmentRule<T> Not(string? name = null, string description = "")
    {
        var a = _predicate;
        return new SegmentRule<T>(name ?? $"not {Name}", description, c => !a(c));
    }

    /// <summary>Returns the rule's name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;
}

/// <summary>Factories for <see cref="SegmentRule{T}"/>.</summary>
public static class SegmentRule
{
    /// <summary>Creates a rule from a predicate.</summary>
    /// <param name="name">The rule's (segment's) name; not empty.</param>
    /// <param name="description">What it selects.</param>
    /// <param name="predicate">A pure predicate.</param>
    /// <typeparam name="T">The customer type.</typeparam>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    public static SegmentRule<T> Create<T>(string name, string description, Func<T, bool> predicate) => new(name, description, predicate);

    /// <summary>Wraps any <see cref="ISegmentRule{T}"/> so it composes with And/Or/Not.</summary>
    /// <param name="rule">The rule.</param>
    /// <typeparam name="T">The customer type.</typeparam>
    /// <returns>The same rule as a <see cref="SegmentRule{T}"/> (itself when it already is one).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rule"/> is null.</exception>
    /// <exception cref="ArgumentException">The rule's name is empty.</exception>
    public static SegmentRule<T> From<T>(ISegmentRule<T> rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule as SegmentRule<T> ?? new SegmentRule<T>(rule.Name, rule.Description, rule.Matches);
    }

    /// <summary>A rule that matches every customer (a catch-all).</summary>
    /// <param name="name">The name.</param>
    /// <param name="description">What it means.</param>
    /// <typeparam name="T">The customer type.</typeparam>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static SegmentRule<T> Always<T>(string name, string description = "") => new(name, description, static _ => true);

    /// <summary>All of the rules (logical and, short-circuit, in order).</summary>
    /// <param name="name">The new rule's name.</param>
    /// <param name="description">What it selects.</param>
    /// <param name="rules">The rules; at least one.</param>
    /// <typeparam name="T">The customer type.</typeparam>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentException"><paramref name="rules"/> is empty or holds null.</exception>
    public static SegmentRule<T> All<T>(string name, string description, params ISegmentRule<T>[] rules)
    {
        var copy = CheckRules(rules);
        return new SegmentRule<T>(name, description, c =>
        {
            foreach (var r in copy)
            {
                if (!r.Matches(c))
                {
                    return false;
                }
            }

            return true;
        });
    }

    /// <summary>Any of the rules (logical or, short-circuit, in order).</summary>
    /// <param name="name">The new rule's name.</param>
    /// <param name="description">What it selects.</param>
    /// <param name="rules">The rules; at least one.</param>
    /// <typeparam name="T">The customer type.</typeparam>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentException"><paramref name="rules"/> is empty or holds null.</exception>
    public static SegmentRule<T> Any<T>(string name, string description, params ISegmentRule<T>[] rules)
    {
        var copy = CheckRules(rules);
        return new SegmentRule<T>(name, description, c =>
        {
            foreach (var r in copy)
            {
                if (r.Matches(c))
                {
                    return true;
                }
            }

            return false;
        });
    }

    private static ISegmentRule<T>[] CheckRules<T>(ISegmentRule<T>[]? rules)
    {
        if (rules is null || rules.Length == 0 || Array.IndexOf(rules, null) >= 0)
        {
            ThrowHelper.Argument(nameof(rules), "pass at least one rule and no nulls.");
        }

        return [.. rules];
    }
}

/// <summary>Rules in priority order with a catch-all: every customer lands in exactly one segment, the first rule it matches.</summary>
/// <typeparam name="T">The customer type.</typeparam>
/// <remarks>Immutable and thread-safe when the rules are.</remarks>
public sealed class SegmentRuleList<T>
{
    private readonly ISegmentRule<T>[] _rules;
    private readonly string[] _names;

    /// <summary>Creates a priority list.</summary>
    /// <param name="rules">The rules, highest priority first; names must be distinct.</param>
    /// <param name="otherwise">The segment for customers no rule matches (its name must differ from the rules').</param>
    /// <param name="otherwiseDescription">What the catch-all means.</param>
    /// <exception cref="ArgumentNullException"><paramref name="rules"/> is null.</exception>
    /// <exception cref="ArgumentException">A rule is null, names repeat, or <paramref name="otherwise"/> is empty; the message lists every problem.</exception>
    public SegmentRuleList(IEnumerable<ISegmentRule<T>> rules, string otherwise, string otherwiseDescription = "")
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = [.. rules];
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(otherwise))
        {
            problems.Add("the catch-all segment needs a non-empty name");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _rules.Length; i++)
        {
            if (_rules[i] is null)
            {
                problems.Add(FormattableString.Invariant($"rule {i} is null"));
            }
            else if (string.IsNullOrWhiteSpace(_rules[i].Name))
            {
                problems.Add(FormattableString.Invariant($"rule {i} has an empty name"));
            }
            else if (!seen.Add(_rules[i].Name))
            {
                problems.Add(FormattableString.Invariant($"rule {i} repeats the name '{_rules[i].Name}'"));
            }
        }

        if (!string.IsNullOrWhiteSpace(otherwise) && seen.Contains(otherwise))
        {
            problems.Add($"the catch-all name '{otherwise}' is also a rule's name");
        }

        if (problems.Count > 0)
        {
            ThrowHelper.Argument(nameof(rules), "the segment rule list is invalid: " + string.Join("; ", problems) + ". Give each segment one distinct name.");
        }

        Otherwise = otherwise;
        OtherwiseDescription = otherwiseDescription ?? string.Empty;
        _names = [.. _rules.Select(r => r.Name), otherwise];
        Rules = new ReadOnlyCollection<ISegmentRule<T>>(_rules);
        SegmentNames = new ReadOnlyCollection<string>(_names);
    }

    /// <summary>Gets the rules in priority order.</summary>
    public IReadOnlyList<ISegmentRule<T>> Rules { get; }

    /// <summary>Gets the catch-all segment's name.</summary>
    public string Otherwise { get; }

    /// <summary>Gets the catch-all segment's description.</summary>
    public string OtherwiseDescription { get; }

    /// <summary>Gets the segment names: the rules' names in order, then <see cref="Otherwise"/> (index = rule count).</summary>
    public IReadOnlyList<string> SegmentNames { get; }

    /// <summary>Returns the segment index of one customer: the first matching rule, or the catch-all.</summary>
    /// <param name="customer">The customer.</param>
    /// <returns>An index into <see cref="SegmentNames"/>.</returns>
    public int Assign(T customer)
    {
        for (var i = 0; i < _rules.Length; i++)
        {
            if (_rules[i].Matches(customer))
            {
                return i;
            }
        }

        return _rules.Length;
    }

    /// <summary>Returns the segment name of one customer.</summary>
    /// <param name="customer">The customer.</param>
    /// <returns>The name of the first matching rule, or <see cref="Otherwise"/>.</returns>
    public string SegmentOf(T customer) => _names[Assign(customer)];

    /// <summary>Assigns many customers into a caller-owned buffer.</summary>
    /// <param name="customers">The customers.</param>
    /// <param name="segments">Receives one index per customer.</param>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public void Assign(ReadOnlySpan<T> customers, Span<int> segments)
    {
        if (segments.Length != customers.Length)
        {
            ThrowHelper.Argument(nameof(segments), FormattableString.Invariant($"segments has length {segments.Length} but customers has {customers.Length}; pass one slot per customer."));
        }

        for (var i = 0; i < customers.Length; i++)
        {
            segments[i] = Assign(customers[i]);
        }
    }

    /// <summary>Assigns many customers.</summary>
    /// <param name="customers">The customers.</param>
    /// <returns>Indexes, names and counts (never any unassigned).</returns>
    public SegmentAssignment Assign(ReadOnlySpan<T> customers)
    {
        var segments = new int[customers.Length];
        Assign(customers, segments);
        return new SegmentAssignment(segments, SegmentNames);
    }
}

/// <summary>Rules evaluated independently: a customer may belong to none, one or several segments.</summary>
/// <typeparam name="T">The customer type.</typeparam>
/// <remarks>Immutable and thread-safe when the rules are.</remarks>
public sealed class SegmentRuleSet<T>
{
    private readonly ISegmentRule<T>[] _rules;

    /// <summary>Creates a multi-membership set.</summary>
    /// <param name="rules">The rules; names must be distinct.</param>
    /// <exception cref="ArgumentNullException"><paramref name="rules"/> is null.</exception>
    /// <exception cref="ArgumentException">A rule is null, names repeat or the set is empty.</exception>
    public SegmentRuleSet(IEnumerable<ISegmentRule<T>> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = [.. rules];
        if (_rules.Length == 0)
        {
            ThrowHelper.Argument(nameof(rules), "a segment rule set needs at least one rule.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _rules.Length; i++)
        {
            if (_rules[i] is null || string.IsNullOrWhiteSpace(_rules[i].Name) || !seen.Add(_rules[i].Name))
            {
                ThrowHelper.Argument(nameof(rules), FormattableString.Invariant($"rule {i} is null, unnamed or repeats a name ('{_rules[i]?.Name}'); give each rule one distinct name."));
            }
        }

        Rules = new ReadOnlyCollection<ISegmentRule<T>>(_rules);
    }

    /// <summary>Gets the rules.</summary>
    public IReadOnlyList<ISegmentRule<T>> Rules { get; }

    /// <summary>Writes which rules a customer matches.</summary>
    /// <param name="customer">The customer.</param>
    /// <param name="membership">Receives one flag per rule.</param>
    /// <returns>The number of segments the customer belongs to.</returns>
    /// <exception cref="ArgumentException"><paramref name="membership"/> is not one slot per rule.</exception>
    public int Match(T customer, Span<bool> membership)
    {
        if (membership.Length != _rules.Length)
        {
            ThrowHelper.Argument(nameof(membership), FormattableString.Invariant($"membership has length {membership.Length} but there are {_rules.Length} rules; pass one slot per rule."));
        }

        var count = 0;
        for (var j = 0; j < _rules.Length; j++)
        {
            membership[j] = _rules[j].Matches(customer);
            count += membership[j] ? 1 : 0;
        }

        return count;
    }

    /// <summary>Returns the names of the segments a customer belongs to.</summary>
    /// <param name="customer">The customer.</param>
    /// <returns>The matching rules' names, in rule order (possibly none).</returns>
    public IReadOnlyList<string> SegmentsOf(T customer) => [.. _rules.Where(r => r.Matches(customer)).Select(r => r.Name)];

    /// <summary>Evaluates every rule for many customers into a row-major customers × rules matrix.</summary>
    /// <param name="customers">The customers.</param>
    /// <param name="membership">Receives <c>customers.Length × Rules.Count</c> flags, row-major.</param>
    /// <returns>The number of customers in each segment, in rule order.</returns>
    /// <exception cref="ArgumentException"><paramref name="membership"/> has the wrong length.</exception>
    public int[] Match(ReadOnlySpan<T> customers, Span<bool> membership)
    {
        var m = _rules.Length;
        if (membership.Length != (long)customers.Length * m)
        {
            ThrowHelper.Argument(nameof(membership), FormattableString.Invariant($"membership has length {membership.Length} but needs {customers.Length} customers × {m} rules = {(long)customers.Length * m}; pass a row-major matrix."));
        }

        var counts = new int[m];
        for (var i = 0; i < customers.Length; i++)
        {
            var row = membership.Slice(i * m, m);
            Match(customers[i], row);
            for (var j = 0; j < m; j++)
            {
                counts[j] += row[j] ? 1 : 0;
            }
        }

        return counts;
    }
}
