using Lifecycle.Numerics;

namespace Lifecycle.Clv;

/// <summary>What entered a fit's likelihood: rows and customers used and left out, and notes for the user.</summary>
internal sealed record FitSample(int RowsUsed, double CustomersUsed, int RowsExcluded = 0, double CustomersExcluded = 0);

/// <summary>Shared fitting machinery: optimizer on transformed parameters, boundary detection, observed information, delta method, and the one place a <see cref="FitResult{TModel}"/> is built.</summary>
/// <remarks>
/// <para>Parameter i is optimized as θᵢ = ln(pᵢ − lowerᵢ) (lower bound 0 gives the log-parameterisation; Gamma-Gamma's
/// "q &gt; 1" uses lower bound 1). The objective is the mean negative log-likelihood per customer in the natural
/// parameters with its gradient; this class applies the chain rule, so models write their likelihood once.</para>
/// <para>Boundary detection watches every accepted BFGS step. A maximum at the edge of the parameter space shows as
/// log-parameters that keep moving by orders of magnitude while the likelihood no longer changes (the ridge
/// towards a limit model), or as a parameter 10⁶ times away from its start and still moving outwards. Either
/// stops the search at once, so a boundary case costs a few dozen iterations instead of thousands. A converged point
/// whose observed information is not positive definite is reported as not identified.</para>
/// </remarks>
internal static class MaximumLikelihood
{
    /// <summary>Accepted steps compared when looking for a flat ridge.</summary>
    internal const int Window = 5;

    /// <summary>ln(10⁶): a log-parameter this far from its start and still moving outwards is running to 0 or ∞ (the starts are 1 or the data's mean age or spend; no interior CLV optimum lies a million times away from them).</summary>
    internal const double FarOut = 13.815510557964274;

    /// <summary>ln 10: a move of a factor 10 in a parameter over <see cref="Window"/> steps.</summary>
    internal const double LargeMove = 2.302585092994046;

    /// <summary>Relative change of the mean NLL over <see cref="Window"/> steps below which the surface counts as flat (1e-9 relative is at the optimizer's own gradient tolerance; a factor-10 move that gains less is a ridge, not progress).</summary>
    internal const double FlatChange = 1e-9;

    /// <summary>Fits, detects a boundary, computes the covariance, and builds the result.</summary>
    /// <param name="names">Parameter names.</param>
    /// <param name="meanNegativeLogLikelihood">−LL/W and its gradient in the natural parameters.</param>
    /// <param name="start">Natural starting values (each above its lower bound).</param>
    /// <param name="lowerBounds">Lower bound per parameter (empty for all zero).</param>
    /// <param name="sample">Rows and customers in the likelihood; <see cref="FitSample.CustomersUsed"/> is W.</param>
    /// <param name="options">Fit options.</param>
    /// <param name="rules">How the model reads a boundary (see <see cref="BoundaryRules"/>).</param>
    /// <param name="create">Builds the model from natural parameters.</param>
    /// <param name="warnings">Model-specific notes computed from the fitted model, or null.</param>
    public static FitResult<TModel> Fit<TModel>(
        string[] names,
        GradientObjective meanNegativeLogLikelihood,
        ReadOnlySpan<double> start,
        ReadOnlySpan<double> lowerBounds,
        FitSample sample,
        FitOptions options,
        IReadOnlyList<BoundaryRule> rules,
        Func<double[], TModel> create,
        Func<TModel, IReadOnlyList<string>>? warnings = null)
        where TModel : class
    {
        var n = names.Length;
        var totalWeight = sample.CustomersUsed;
        var lower = lowerBounds.Length == 0 ? new double[n] : lowerBounds.ToArray();
        var theta0 = new double[n];
        for (var i = 0; i < n; i++)
        {
            theta0[i] = Math.Log(start[i] - lower[i]);
        }

        GradientObjective objective = (theta, gradient) =>
        {
            Span<double> p = stackalloc double[theta.Length];
            for (var i = 0; i < theta.Length; i++)
            {
                p[i] = lower[i] + Math.Exp(theta[i]);
            }

            var f = meanNegativeLogLikelihood(p, gradient);
            for (var i = 0; i < theta.Length; i++)
            {
                gradient[i] *= p[i] - lower[i];
            }

            return f;
        };

        var watch = new BoundaryWatch(theta0);
        var minimizerOptions = new MinimizerOptions
        {
            GradientTolerance = options.GradientTolerance,
            MaxIterations = options.MaxIterations,
            Monitor = watch.Step,
        };
        var result = Minimizer.Minimize(objective, theta0, minimizerOptions);
        var point = result.Point;
        var value = result.Value;
        if (!double.IsFinite(value) || !point.All(double.IsFinite))
        {
            point = theta0;
            value = objective(theta0, new double[n]);
        }

        var p = new double[n];
        for (var i = 0; i < n; i++)
        {
            p[i] = lower[i] + Math.Exp(point[i]);
        }

        var gradientNorm = result.GradientNorm;
        if (!double.IsFinite(gradientNorm))
        {
            var g = new double[n];
            objective(point, g);
            gradientNorm = g.Max(Math.Abs);
        }

        var converged = result.Converged;
        var exit = Map(result.Exit);

        // A search that ended (converged or not) 10⁶ away from its start has found an edge, not an optimum.
        var moves = watch.Diverging ?? FarFromStart(point, theta0);
        FitBoundary? boundary = null;
        if (moves is not null)
        {
            boundary = BoundaryRules.Describe(rules, names, p, lower, moves);
            converged = false;
            exit = FitExitReason.Boundary;
        }

        // The maximum may lie on a boundary face (a limit model) even where the search converged inside, or higher on
        // the face than where the search stopped on its way there: fit each face and take the best (BoundaryFaces).
        // (Not after an iteration cap: an unfinished search is reported as such, not compared. After an interior
        // convergence only up to BoundaryFaces.InteriorCheckRows rows.)
        if (exit != FitExitReason.MaxIterations && (boundary is not null || sample.RowsUsed <= BoundaryFaces.InteriorCheckRows) && double.IsFinite(value) && BoundaryFaces.Best(rules, names, objective, point, options, value, sample.RowsUsed <= BoundaryFaces.InteriorCheckRows, moves) is { } face
            && face.Value <= value + FlatChange * Math.Max(1, Math.Abs(value)))
        {
            if (face.Value < value)
            {
                point = face.Point;
                value = face.Value;
                for (var i = 0; i < n; i++)
                {
                    p[i] = lower[i] + Math.Exp(point[i]);
                }

                var g = new double[n];
                objective(point, g);
                gradientNorm = g.Max(Math.Abs);
            }

            boundary = BoundaryRules.Describe(rules, names, p, lower, face.Moves);
            converged = false;
            exit = FitExitReason.Boundary;
        }

        ParameterCovariance? covariance = null;
        var se = new double[n];
        Array.Fill(se, double.NaN);
        string? seReason = null;
        if (boundary is not null)
        {
            seReason = "the fit stopped at a boundary (" + string.Join(", ", boundary.Parameters.Select((name, i) => name + " " + boundary.Directions[i])) + "): the information matrix is singular there";
        }
        else if (!options.ComputeCovariance)
        {
            seReason = "not requested (FitOptions.ComputeCovariance is false)";
        }
        else if (!double.IsFinite(value))
        {
            seReason = "the log-likelihood is not finite at the parameters reached";
        }
        else
        {
            var hessian = Derivatives.HessianFromGradient(objective, point);
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    hessian[i, j] *= totalWeight;
                }
            }

            if (Derivatives.TryInvertSymmetricPositiveDefinite(hessian, out var thetaCov))
            {
                var jac = new double[n];
                for (var i = 0; i < n; i++)
                {
                    jac[i] = p[i] - lower[i];
                }

                var cov = Derivatives.LogToNaturalCovariance(thetaCov, jac);
                var finite = true;
                for (var i = 0; i < n; i++)
                {
                    se[i] = Math.Sqrt(cov[i, i]);
                    finite &= double.IsFinite(se[i]);
                }

                if (finite)
                {
                    covariance = new ParameterCovariance(names, cov);
                }
                else
                {
                    Array.Fill(se, double.NaN);
                    seReason = "the covariance overflowed (parameters too large for the delta method)";
                }
            }
            else
            {
                seReason = "the observed information is not positive definite (a flat or saddle direction): the parameters are not identified at this point";
                if (converged)
                {
                    converged = false;
                    exit = FitExitReason.NotIdentified;
                }
            }
        }

        var model = create(p);
        return new FitResult<TModel>(model, names, p)
        {
            LogLikelihood = -value * totalWeight,
            Converged = converged,
            ExitReason = exit,
            Iterations = result.Iterations,
            GradientNorm = gradientNorm,
            StandardErrors = se,
            StandardErrorsUnavailableReason = seReason,
            Covariance = covariance,
            Boundary = boundary,
            RowsUsed = sample.RowsUsed,
            RowsExcluded = sample.RowsExcluded,
            CustomersUsed = sample.CustomersUsed,
            CustomersExcluded = sample.CustomersExcluded,
            Warnings = warnings?.Invoke(model) ?? [],
        };
    }

    internal static FitExitReason Map(MinimizerExit exit) => exit switch
    {
        MinimizerExit.GradientTolerance => FitExitReason.GradientTolerance,
        MinimizerExit.SmallChange => FitExitReason.SmallChange,
        MinimizerExit.SimplexTolerance => FitExitReason.SimplexTolerance,
        MinimizerExit.MaxIterations => FitExitReason.MaxIterations,
        MinimizerExit.LineSearchFailed => FitExitReason.LineSearchFailed,
        MinimizerExit.NonFiniteStart => FitExitReason.NonFiniteStart,
        MinimizerExit.Stopped => FitExitReason.Boundary,
        _ => FitExitReason.None,
    };

    // Signed displacement per parameter for those far out, or null when every parameter is within 10⁶ of its start.
    private static double[]? FarFromStart(double[] point, double[] theta0)
    {
        double[]? moves = null;
        for (var i = 0; i < point.Length; i++)
        {
            if (Math.Abs(point[i] - theta0[i]) >= FarOut)
            {
                moves ??= new double[point.Length];
                moves[i] = point[i] - theta0[i];
            }
        }

        return moves;
    }

    /// <summary>Watches accepted steps; stops the search on a flat ridge or a parameter running out, and records which parameters moved and where.</summary>
    private sealed class BoundaryWatch(double[] theta0)
    {
        private readonly List<(double[] Theta, double Value)> _history = [];

        /// <summary>Gets the signed moves of the diverging parameters (0 for the others), or null when nothing diverged.</summary>
        public double[]? Diverging { get; private set; }

        public bool Step(int iteration, double[] theta, double value)
        {
            _history.Add(([.. theta], value));
            if (_history.Count <= Window)
            {
                return false;
            }

            var (old, oldValue) = _history[^(Window + 1)];
            var n = theta.Length;
            var largest = 0.0;
            var far = false;
            for (var i = 0; i < n; i++)
            {
                var move = theta[i] - old[i];
                largest = Math.Max(largest, Math.Abs(move));
                var fromStart = theta[i] - theta0[i];
                far |= Math.Abs(fromStart) >= FarOut && Math.Abs(move) >= 0.1 && Math.Sign(move) == Math.Sign(fromStart);
            }

            var flat = oldValue - value <= FlatChange * Math.Max(1, Math.Abs(value)) && largest >= LargeMove;
            if (!flat && !far)
            {
                return false;
            }

            // Diverging: the parameters that carried the move (at least half the largest), in the direction they went.
            var moves = new double[n];
            for (var i = 0; i < n; i++)
            {
                var move = theta[i] - old[i];
                if (Math.Abs(move) >= 0.5 * largest || (Math.Abs(theta[i] - theta0[i]) >= FarOut && Math.Sign(move) == Math.Sign(theta[i] - theta0[i])))
                {
                    moves[i] = move == 0 ? theta[i] - theta0[i] : move;
                }
            }

            Diverging = moves;
            return true;
        }
    }
}
