using System.Globalization;

namespace Lifecycle.Clv;

/// <summary>How a model reads one kind of boundary: the parameters and directions that make it, what it says about the data, and the limit model.</summary>
/// <param name="ToZero">Parameters going to their lower bound.</param>
/// <param name="ToInfinity">Parameters going to ∞.</param>
/// <param name="All">True when every listed parameter must diverge as listed (a, b → ∞ together); false when any one suffices and none goes the other way (a → 0 or b → ∞: b/a → ∞).</param>
/// <param name="Meaning">What the data show, for people.</param>
/// <param name="LimitModel">The model the fit tends to, or null.</param>
/// <param name="RatioNumerator">A parameter whose ratio to <paramref name="RatioDenominator"/> stays finite on this boundary (reported), or null.</param>
/// <param name="RatioDenominator">The denominator of that ratio.</param>
internal sealed record BoundaryRule(string[] ToZero, string[] ToInfinity, bool All, string Meaning, string? LimitModel, string? RatioNumerator = null, string? RatioDenominator = null);

/// <summary>The boundaries of each model family, and turning the parameters that diverged into a <see cref="FitBoundary"/>.</summary>
internal static class BoundaryRules
{
    private static readonly BoundaryRule RateHomogeneous = new([], ["r", "alpha"], true, "no rate heterogeneity: every customer buys at the same rate", "a homogeneous Poisson purchase rate r/alpha", "r", "alpha");

    /// <summary>BG/NBD and MBG/NBD: dropout p ~ Beta(a, b), rate λ ~ Gamma(r, α).</summary>
    public static readonly BoundaryRule[] BetaGeometric =
    [
        new([], ["a", "b"], true, "no dropout heterogeneity: every customer drops out with the same probability after a purchase", "a common dropout probability a/(a+b)", "a", "b"),
        new(["a"], ["b"], false, "no dropout visible: b/a → ∞", "NBD (r, alpha): customers never drop out"),
        new(["a", "b"], [], true, "dropout is all or nothing: each customer either never drops out or drops out at the first chance", "a two-point mix of dropout probabilities 1 (share a/(a+b)) and 0", "a", "b"),
        RateHomogeneous,
    ];

    /// <summary>Pareto/NBD: dropout rate μ ~ Gamma(s, β), rate λ ~ Gamma(r, α).</summary>
    public static readonly BoundaryRule[] ParetoNbd =
    [
        new([], ["s", "beta"], true, "no dropout heterogeneity: every customer has the same dropout rate", "a common exponential lifetime with rate s/beta", "s", "beta"),
        new(["s"], ["beta"], false, "no dropout visible: s/beta → 0", "NBD (r, alpha): customers never drop out"),
        RateHomogeneous,
    ];

    /// <summary>Gamma-Gamma: transaction values ~ Gamma(p, ν), ν ~ Gamma(q, v).</summary>
    public static readonly BoundaryRule[] GammaGamma =
    [
        new([], ["q", "v"], true, "no spend heterogeneity across customers: every customer has the same mean spend", "a common Gamma(p, q/v) transaction value", "q", "v"),
        new([], ["p"], false, "no spread of a customer's transaction values around their own mean: p → ∞", "spend known: each customer's mean is their value"),
    ];

    /// <summary>BG/BB: transaction probability ~ Beta(α, β), dropout ~ Beta(γ, δ).</summary>
    public static readonly BoundaryRule[] BetaBinomial =
    [
        new([], ["alpha", "beta"], true, "no heterogeneity in the transaction probability", "a common transaction probability alpha/(alpha+beta)", "alpha", "beta"),
        new([], ["gamma", "delta"], true, "no dropout heterogeneity", "a common dropout probability gamma/(gamma+delta)", "gamma", "delta"),
        new(["gamma"], ["delta"], false, "no dropout visible: delta/gamma → ∞", "beta-binomial (alpha, beta): customers never drop out"),
        new(["gamma", "delta"], [], true, "dropout is all or nothing: each customer either never drops out or drops out at the first chance", "a two-point mix of dropout probabilities 1 (share gamma/(gamma+delta)) and 0", "gamma", "delta"),
    ];

    /// <summary>sBG: churn probability ~ Beta(α, β).</summary>
    public static readonly BoundaryRule[] ShiftedBetaGeometric =
    [
        new([], ["alpha", "beta"], true, "no churn heterogeneity: every customer churns with the same probability each period", "geometric survival with churn probability alpha/(alpha+beta)", "alpha", "beta"),
        new(["alpha"], ["beta"], false, "no churn visible: beta/alpha → ∞", null),
        new(["alpha", "beta"], [], true, "churn is all or nothing: each customer either churns in the first period or never", "a two-point mix of churn probabilities 1 (share alpha/(alpha+beta)) and 0", "alpha", "beta"),
    ];

    /// <summary>Builds the boundary from the signed log-parameter moves (non-zero for the diverging parameters).</summary>
    public static FitBoundary Describe(IReadOnlyList<BoundaryRule> rules, string[] names, double[] p, double[] lower, double[] moves)
    {
        var direction = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            if (moves[i] != 0)
            {
                direction[names[i]] = Math.Sign(moves[i]);
            }
        }

        var remaining = new HashSet<string>(direction.Keys, StringComparer.Ordinal);
        var reasons = new List<string>();
        string? limit = null;
        foreach (var rule in rules)
        {
            var listed = rule.ToZero.Select(n => (Name: n, Sign: -1)).Concat(rule.ToInfinity.Select(n => (Name: n, Sign: 1))).ToArray();
            var matching = listed.Where(l => remaining.Contains(l.Name) && direction[l.Name] == l.Sign).ToArray();
            var contrary = listed.Any(l => direction.TryGetValue(l.Name, out var s) && s != l.Sign);
            var matched = rule.All ? matching.Length == listed.Length : matching.Length > 0 && !contrary;
            if (!matched)
            {
                continue;
            }

            var text = rule.Meaning + " (" + string.Join(", ", matching.Select(m => m.Name + " " + Arrow(m.Sign, lower[Array.IndexOf(names, m.Name)]))) + ")";
            if (rule.RatioNumerator is { } num && rule.RatioDenominator is { } den)
            {
                var ratio = p[Array.IndexOf(names, num)] / p[Array.IndexOf(names, den)];
                text += string.Create(CultureInfo.InvariantCulture, $", {num}/{den} → {ratio:G6}");
            }

            reasons.Add(text);
            limit ??= rule.LimitModel;
            foreach (var m in matching)
            {
                remaining.Remove(m.Name);
            }
        }

        foreach (var name in names.Where(remaining.Contains))
        {
            reasons.Add(name + " " + Arrow(direction[name], lower[Array.IndexOf(names, name)]) + " with no change in the likelihood: the data do not determine it");
        }

        var diverged = names.Where(direction.ContainsKey).ToArray();
        return new FitBoundary(diverged, [.. diverged.Select(d => Arrow(direction[d], lower[Array.IndexOf(names, d)]))], string.Join("; ", reasons), limit);
    }

    private static string Arrow(int sign, double lower) =>
        sign > 0 ? "→ ∞" : lower == 0 ? "→ 0" : string.Create(CultureInfo.InvariantCulture, $"→ {lower:G6}");
}
