namespace Lifecycle.Clv;

/// <summary>Options for fitting a model by maximum likelihood.</summary>
/// <remarks>Immutable; <c>new FitOptions()</c> gives the defaults below, which reproduce the published CDNOW fits.</remarks>
public sealed record FitOptions
{
    private readonly int _maxIterations = 500;
    private readonly double _gradientTolerance = 1e-9;
    private readonly IReadOnlyList<double>? _initialParameters;
    private readonly int _maxDegreeOfParallelism = -1;

    /// <summary>Gets the iteration budget of the optimizer (BFGS, and Nelder–Mead when BFGS stalls).</summary>
    /// <value>Default 500; must be at least 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxIterations
    {
        get => _maxIterations;
        init
        {
            if (value < 1)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(MaxIterations), value, "must be at least 1", "allow the optimizer some iterations (the default is 500)");
            }

            _maxIterations = value;
        }
    }

    /// <summary>Gets the convergence tolerance: the largest absolute component of the gradient of the mean negative log-likelihood per customer with respect to the log-parameters.</summary>
    /// <value>Default 1e-9; must be finite and &gt; 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN, infinite or not positive.</exception>
    public double GradientTolerance
    {
        get => _gradientTolerance;
        init
        {
            ThrowHelper.ThrowIfNotPositiveFinite(value, nameof(GradientTolerance));
            _gradientTolerance = value;
        }
    }

    /// <summary>Gets starting values in the model's parameter order (for example r, alpha, a, b), or <c>null</c> for the model's own start.</summary>
    /// <value>Default <c>null</c>. When set, every value must be finite and &gt; 0; the count is checked by the model.</value>
    /// <exception cref="ArgumentOutOfRangeException">A value is NaN, infinite or not positive.</exception>
    public IReadOnlyList<double>? InitialParameters
    {
        get => _initialParameters;
        init
        {
            if (value is not null)
            {
                for (var i = 0; i < value.Count; i++)
                {
                    ThrowHelper.ThrowIfNotPositiveFinite(value[i], FormattableString.Invariant($"{nameof(InitialParameters)}[{i}]"));
                }

                value = [.. value];
            }

            _initialParameters = value;
        }
    }

    /// <summary>Gets a value indicating whether standard errors and the covariance matrix are computed from the observed information.</summary>
    /// <value>Default <c>true</c>.</value>
    public bool ComputeCovariance { get; init; } = true;

    /// <summary>Gets the largest number of cores a likelihood evaluation may use; -1 for all.</summary>
    /// <value>Default -1. Must be -1 or at least 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0 or less than -1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        init
        {
            if (value is 0 or < -1)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(MaxDegreeOfParallelism), value, "must be -1 (all cores) or at least 1", "pass -1 or a core count");
            }

            _maxDegreeOfParallelism = value;
        }
    }
}
