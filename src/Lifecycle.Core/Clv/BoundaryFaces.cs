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
    /// <summary>Compressed rows up to which the faces are also checked after a fit that converged inside, and checked
    /// thoroughly (every face to convergence, a few milliseconds there). Above it only a fit that stopped at a
    /// boundary is checked, and only on the faces its diverging parameters point to: on large samples an interior
    /// stationary point below a face was not seen, and checking every face would cost several more fits.</summary>
    internal const int InteriorCheckRows = 100_000;

    /// <summary>ln 10¹²: how far a face pushes its parameters.</summary>
    internal const double Edge = 27.631021115928547;

    /// <summary>ln 10²⁵⁰: the farthest a face pushes a log-parameter. A search that already ran past 10^±(250 − 12) is
    /// pushed only to here, so a pushed parameter (and a pair's partner at the ratio found) stays a normal positive double:
    /// exp(θ − 27.6) of a log-parameter near −720 is 0, which no model accepts.</summary>
    internal const double Farthest = 575.6462732485114;

    // Every parameter e^θ (above its lower bound) a normal positive double: a face whose fit ran a free parameter (or a
    // pair's ratio) out to 1e-308 names no model anyone can build, and is left out.
    private static bool Usable(double[] theta) => theta.All(t => Math.Abs(t) < 708);

    private static double Down(double theta) => Math.Max(Math.Min(theta, 0) - Edge, Math.Min(theta, -Farthest));

    private static double Up(double theta) => Math.Min(Math.Max(theta, 0) + Edge, Math.Max(theta, Farthest));

    /// <summary>A face's fit: the point in the optimizer's coordinates, its mean NLL, the rule, its number of free parameters, and whether it stopped at the iteration cap (unfinished).</summary>
    internal sealed record Face(BoundaryRule Rule, double[] Point, double Value, double[] Moves, int Free, bool Capped = false);

    /// <summary>Fits every face and returns the best one (lowest mean NLL), or null when no face can be evaluated.</summary>
    /// <param name="rules">The model's boundary rules.</param>
    /// <param name="names">Parameter names, in the optimizer's order.</param>
    /// <param name="objective">Mean NLL in the optimizer's coordinates θ (θᵢ = ln(pᵢ − lowerᵢ)).</param>
    /// <param name="point">The main fit's θ.</param>
    /// <param name="options">The fit's options (tolerances, iteration cap).</param>
    /// <param name="target">The main fit's mean NLL: a face still far above it and closing the gap too slowly to reach it is dropped early.</param>
    /// <param name="thorough">Run every face to convergence from both starts of a pair's ratio, with the Nelder–Mead fallback
    /// (small data, where it costs milliseconds); otherwise screen the faces with short BFGS runs that drop a face
    /// which cannot reach <paramref name="target"/>, then finish the best.</param>
    /// <param name="moves">Signed log-parameter moves of the parameters the search saw diverging (null when it converged
    /// inside). When screening, only the faces these moves point to are fitted.</param>
    public static Face? Best(IReadOnlyList<BoundaryRule> rules, string[] names, GradientObjective objective, double[] point, FitOptions options, double target, bool thorough, double[]? moves = null)
    {
        if (!thorough && moves is not null)
        {
            var pointed = rules.Where(r => PointsTo(r, names, moves)).ToArray();
            rules = pointed.Length > 0 ? pointed : rules;
        }

        // Screen every face with a short BFGS run (each evaluation is a pass over the data), then finish the best one.
        var faces = new List<Face>();
        foreach (var rule in rules)
        {
            if ((thorough ? Converge(rule, names, objective, point, options) : Screen(rule, names, objective, point, options, target)) is { } face)
            {
                faces.Add(face);
            }
        }

        if (faces.Count == 0)
        {
            return null;
        }

        // Faces as good as the best (within the flat-ridge tolerance) describe the same fitted distribution; say it with
        // the fewest parameters ("no dropout" rather than "a common dropout probability of 6e-11").
        var lowest = faces.Min(f => f.Value);
        var best = faces.Where(f => f.Value <= lowest + MaximumLikelihood.FlatChange * Math.Max(1, Math.Abs(lowest)))
            .OrderBy(f => f.Free).ThenBy(f => f.Value).First();
        return !best.Capped ? best : Converge(best.Rule, names, objective, best.Point, options) is { } done && done.Value <= best.Value ? done : best;
    }

    // A rule the moves point to: some listed parameter moved its way, none the other way.
    private static bool PointsTo(BoundaryRule rule, string[] names, double[] moves)
    {
        var listed = rule.ToZero.Select(n => (Index: Array.IndexOf(names, n), Sign: -1)).Concat(rule.ToInfinity.Select(n => (Index: Array.IndexOf(names, n), Sign: 1))).ToArray();
        return listed.Any(l => Math.Sign(moves[l.Index]) == l.Sign) && !listed.Any(l => moves[l.Index] != 0 && Math.Sign(moves[l.Index]) != l.Sign);
    }

    /// <summary>BFGS iterations a face gets before the faces are compared (enough to come within 1e-6 of its supremum
    /// on the 60 small-sample references and the no-dropout simulations; the winner then runs to convergence).</summary>
    internal const int ScreenIterations = 30;

    /// <summary>Iterations after which a face that cannot plausibly reach the main fit is dropped: its remaining gap to the
    /// target is more than <see cref="GapFactor"/> times its decrease over the last <see cref="ProgressWindow"/> steps
    /// (BFGS converges at least linearly, so what is left to gain is a small multiple of the recent steps).</summary>
    internal const int ProgressWindow = 3;

    /// <summary>See <see cref="ProgressWindow"/>.</summary>
    internal const double GapFactor = 30;

    // A face run to convergence from both starts of a pair's ratio, with the Nelder–Mead fallback.
    private static Face? Converge(BoundaryRule rule, string[] names, GradientObjective objective, double[] point, FitOptions options) =>
        Fit(rule, names, objective, point, options, thorough: true, options.MaxIterations, double.NaN);

    // A short BFGS run from the better start, dropped early when it cannot reach the target.
    private static Face? Screen(BoundaryRule rule, string[] names, GradientObjective objective, double[] point, FitOptions options, double target) =>
        Fit(rule, names, objective, point, options, thorough: false, ScreenIterations, target);

    private static Face? Fit(BoundaryRule rule, string[] names, GradientObjective objective, double[] point, FitOptions options, bool thorough, int maxIterations, double target)
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
            fixedAt[tiedTo] = up ? Up(Math.Max(point[tied], point[tiedTo])) : Down(Math.Min(point[tied], point[tiedTo]));
            moves[tied] = moves[tiedTo] = up ? 1 : -1;
        }
        else
        {
            foreach (var name in rule.ToZero)
            {
                var i = Array.IndexOf(names, name);
                fixedAt[i] = Down(point[i]);
                moves[i] = -1;
            }

            if (rule.ToZero.Length == 0)
            {
                foreach (var name in rule.ToInfinity)
                {
                    var i = Array.IndexOf(names, name);
                    fixedAt[i] = Up(point[i]);
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
            return double.IsFinite(value) && Usable(theta) ? new Face(rule, theta, value, moves, 0) : null;
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

        // The main fit's ratio of the pair can be far off the face's (a/b = 1e-7 where the face wants 0.9), and the face
        // is flat in the ratio out there: also start from the ratio 1 (thorough: run both; screening: the better start).
        var k0 = Array.IndexOf(free, tied);
        double[]? ratioOne = null;
        if (k0 >= 0 && start[k0] != 0)
        {
            ratioOne = (double[])start.Clone();
            ratioOne[k0] = 0;
        }

        if (thorough)
        {
            var thoroughOptions = new MinimizerOptions { GradientTolerance = options.GradientTolerance, MaxIterations = maxIterations };
            var first = Minimizer.Minimize(reduced, start, thoroughOptions);
            if (ratioOne is not null && Minimizer.Minimize(reduced, ratioOne, thoroughOptions) is var other && double.IsFinite(other.Value) && !(other.Value >= first.Value))
            {
                first = other;
            }

            return double.IsFinite(first.Value) && first.Point.All(double.IsFinite) && Usable(Expand(first.Point, free, fixedAt, tied, tiedTo))
                ? new Face(rule, Expand(first.Point, free, fixedAt, tied, tiedTo), first.Value, moves, free.Length)
                : null;
        }

        if (ratioOne is not null)
        {
            var scratch = new double[free.Length];
            if (reduced(ratioOne, scratch) <= reduced(start, scratch))
            {
                start = ratioOne;
            }
        }

        var history = new List<double>();
        var tolerance = MaximumLikelihood.FlatChange * Math.Max(1, Math.Abs(target));
        var minimizerOptions = new MinimizerOptions
        {
            GradientTolerance = options.GradientTolerance,
            MaxIterations = maxIterations,
            Monitor = (_, _, value) =>
            {
                history.Add(value);
                if (history.Count <= ProgressWindow)
                {
                    return false;
                }

                // Flat: the last steps gained less than 1e-12 relative, a thousandth of the tolerance faces are compared at.
                var gained = history[^(ProgressWindow + 1)] - value;
                if (gained <= 1e-12 * Math.Max(1, Math.Abs(value)))
                {
                    return true;
                }

                var gap = value - (target - tolerance);
                return history.Count > ProgressWindow + 2 && gap > 0 && gap > GapFactor * gained;
            },
        };
        var result = Minimizer.Bfgs(reduced, start, minimizerOptions);

        if (!double.IsFinite(result.Value) || !result.Point.All(double.IsFinite) || !Usable(Expand(result.Point, free, fixedAt, tied, tiedTo)))
        {
            return null;
        }

        return new Face(rule, Expand(result.Point, free, fixedAt, tied, tiedTo), result.Value, moves, free.Length, result.Exit == MinimizerExit.MaxIterations);
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
