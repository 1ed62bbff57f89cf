using Lifecycle.Numerics;

namespace Lifecycle.Clv;

/// <summary>The supremum of a likelihood on each boundary face of the parameter space (the limit models of
/// <see cref="BoundaryRules"/>), found by fitting the face's remaining parameters.</summary>
/// <remarks>
/// <para>A fit that stops at an interior point with a zero gradient may still not be the maximum likelihood
/// estimate: on small samples the likelihood of BG/NBD and MBG/NBD often rises towards a limit model (a, b → ∞: a
/// common dropout probability; a → 0: no dropout; a, b → 0: dropout all or nothing; r, α → ∞: a common purchase rate) higher than at any interior
/// stationary point, or runs along a ridge into it. Checked against an independent mpmath search on 30 samples of 20
/// CDNOW customers, the optimizer alone reported "converged" at an interior local maximum 0.43 below the supremum, and
/// stopped at boundaries up to 0.5 below the limit model's likelihood.</para>
/// <para>Each face is the limit in which the rule's parameters are pushed to 10⁻¹² or 10¹² (in the optimizer's
/// log-parameters ±ln 10¹², far enough that the likelihood is within about 10⁻¹² of the limit's, near enough that every
/// likelihood in the library is accurate there — it is tested to a, b = 10²⁹⁸). A pair that goes together (a, b → ∞ or
/// a, b → 0) keeps its ratio free. The face's other parameters are fitted from the projection of the main fit's point.</para>
/// </remarks>
internal static class BoundaryFaces
{
    /// <summary>ln 10¹²: how far a face pushes its parameters.</summary>
    internal const double Edge = 27.631021115928547;

    /// <summary>A face's fit: the point in the optimizer's coordinates, its mean NLL, and the rule.</summary>
    internal sealed record Face(BoundaryRule Rule, double[] Point, double Value, double[] Moves);

    /// <summary>Fits every face and returns the best one (lowest mean NLL), or null when no face can be evaluated.</summary>
    /// <param name="rules">The model's boundary rules.</param>
    /// <param name="names">Parameter names, in the optimizer's order.</param>
    /// <param name="objective">Mean NLL in the optimizer's coordinates θ (θᵢ = ln(pᵢ − lowerᵢ)).</param>
    /// <param name="point">The main fit's θ.</param>
    /// <param name="options">The fit's options (tolerances, iteration cap).</param>
    public static Face? Best(IReadOnlyList<BoundaryRule> rules, string[] names, GradientObjective objective, double[] point, FitOptions options)
    {
        Face? best = null;
        foreach (var rule in rules)
        {
            if (Fit(rule, names, objective, point, options) is { } face && (best is null || face.Value < best.Value))
            {
                best = face;
            }
        }

        return best;
    }

    private static Face? Fit(BoundaryRule rule, string[] names, GradientObjective objective, double[] point, FitOptions options)
    {
        var n = names.Length;
        var fixedAt = new double?[n];
        var moves = new double[n];
        int tiedTo = -1, tied = -1;
        if (rule.All && rule.ToZero.Length + rule.ToInfinity.Length == 2 && (rule.ToZero.Length == 0 || rule.ToInfinity.Length == 0))
        {
            // Both to ∞ (or both to 0) with their ratio free: θ_first = θ_second + u, θ_second = Edge beyond both.
            var up = rule.ToInfinity.Length == 2;
            var pair = up ? rule.ToInfinity : rule.ToZero;
            tied = Array.IndexOf(names, pair[0]);
            tiedTo = Array.IndexOf(names, pair[1]);
            fixedAt[tiedTo] = up ? Math.Max(point[tied], point[tiedTo]) + Edge : Math.Min(point[tied], point[tiedTo]) - Edge;
            moves[tied] = moves[tiedTo] = up ? 1 : -1;
        }
        else
        {
            foreach (var name in rule.ToZero)
            {
                var i = Array.IndexOf(names, name);
                fixedAt[i] = Math.Min(point[i], 0) - Edge;
                moves[i] = -1;
            }

            if (rule.ToZero.Length == 0)
            {
                foreach (var name in rule.ToInfinity)
                {
                    var i = Array.IndexOf(names, name);
                    fixedAt[i] = Math.Max(point[i], 0) + Edge;
                    moves[i] = 1;
                }
            }
            else
            {
                // a → 0 makes b irrelevant (Beta(a, b) puts all its mass at 0 whatever b is): hold b where it was.
                foreach (var name in rule.ToInfinity)
                {
                    var i = Array.IndexOf(names, name);
                    fixedAt[i] = point[i];
                }
            }
        }

        // Free coordinates ψ: every parameter not fixed (the tied one as its offset u from its partner).
        var free = Enumerable.Range(0, n).Where(i => fixedAt[i] is null).ToArray();
        if (free.Length == 0)
        {
            var theta = Expand([], free, fixedAt, tied, tiedTo);
            var value = objective(theta, new double[n]);
            return double.IsFinite(value) ? new Face(rule, theta, value, moves) : null;
        }

        var start = free.Select(i => i == tied ? point[tied] - point[tiedTo] : point[i]).ToArray();
        GradientObjective reduced = (psi, gradient) =>
        {
            var theta = Expand(psi, free, fixedAt, tied, tiedTo);
            Span<double> full = stackalloc double[n];
            var f = objective(theta, full);
            for (var k = 0; k < free.Length; k++)
            {
                gradient[k] = full[free[k]];
            }

            return f;
        };

        var minimizerOptions = new MinimizerOptions { GradientTolerance = options.GradientTolerance, MaxIterations = options.MaxIterations };
        var result = Minimizer.Minimize(reduced, start, minimizerOptions);
        var k0 = Array.IndexOf(free, tied);
        if (k0 >= 0 && start[k0] != 0)
        {
            // The main fit's ratio of the pair can be far off the face's (a/b = 1e-7 where the face wants 0.9), and the
            // face is flat in the ratio out there: also start from the ratio 1 and keep the better.
            start[k0] = 0;
            var other = Minimizer.Minimize(reduced, start, minimizerOptions);
            if (double.IsFinite(other.Value) && other.Point.All(double.IsFinite) && !(other.Value >= result.Value))
            {
                result = other;
            }
        }

        if (!double.IsFinite(result.Value) || !result.Point.All(double.IsFinite))
        {
            return null;
        }

        return new Face(rule, Expand(result.Point, free, fixedAt, tied, tiedTo), result.Value, moves);
    }

    private static double[] Expand(ReadOnlySpan<double> psi, int[] free, double?[] fixedAt, int tied, int tiedTo)
    {
        var theta = new double[fixedAt.Length];
        for (var i = 0; i < theta.Length; i++)
        {
            theta[i] = fixedAt[i] ?? 0;
        }

        for (var k = 0; k < free.Length; k++)
        {
            theta[free[k]] = free[k] == tied ? theta[tiedTo] + psi[k] : psi[k];
        }

        return theta;
    }
}
