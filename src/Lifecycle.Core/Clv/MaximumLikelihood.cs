using Lifecycle.Numerics;

namespace Lifecycle.Clv;

/// <summary>Shared fitting machinery: optimizer on transformed parameters, observed information, delta method, FitResult.</summary>
/// <remarks>
/// Parameter i is optimized as θᵢ = ln(pᵢ − lowerᵢ) (lower bound 0 gives the log-parameterisation; Gamma-Gamma's
/// "q &gt; 1" uses lower bound 1). The objective is the mean negative log-likelihood per customer in the natural
/// parameters with its gradient; this class applies the chain rule, so models write their likelihood once.
/// </remarks>
internal static class MaximumLikelihood
{
    /// <summary>Fits, computes the covariance, and builds the result.</summary>
    /// <param name="names">Parameter names.</param>
    /// <param name="meanNegativeLogLikelihood">−LL/W and its gradient in the natural parameters.</param>
    /// <param name="start">Natural starting values (each above its lower bound).</param>
    /// <param name="lowerBounds">Lower bound per parameter (empty for all zero).</param>
    /// <param name="totalWeight">W, the number of customers in the likelihood.</param>
    /// <param name="options">Fit options.</param>
    /// <param name="create">Builds the model from natural parameters.</param>
    public static FitResult<TModel> Fit<TModel>(
        string[] names,
        GradientObjective meanNegativeLogLikelihood,
        ReadOnlySpan<double> start,
        ReadOnlySpan<double> lowerBounds,
        double totalWeight,
        FitOptions options,
        Func<double[], TModel> create)
        where TModel : class
    {
        var n = names.Length;
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

        var minimizerOptions = new MinimizerOptions { GradientTolerance = options.GradientTolerance, MaxIterations = options.MaxIterations };
        var result = Minimizer.Minimize(objective, theta0, minimizerOptions);
        var point = result.Point;
        var value = result.Value;
        if (!double.IsFinite(value) || !AllFinite(point))
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

        ParameterCovariance? covariance = null;
        var se = new double[n];
        Array.Fill(se, double.NaN);
        if (options.ComputeCovariance && double.IsFinite(value))
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
                covariance = new ParameterCovariance(names, cov);
                for (var i = 0; i < n; i++)
                {
                    se[i] = Math.Sqrt(cov[i, i]);
                }
            }
        }

        return new FitResult<TModel>(create(p), names, p)
        {
            LogLikelihood = -value * totalWeight,
            Converged = result.Converged,
            ExitReason = Map(result.Exit),
            Iterations = result.Iterations,
            GradientNorm = gradientNorm,
            StandardErrors = se,
            Covariance = covariance,
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
        _ => FitExitReason.None,
    };

    private static bool AllFinite(double[] v) => v.All(double.IsFinite);
}
