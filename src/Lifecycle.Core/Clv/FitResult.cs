namespace Lifecycle.Clv;

/// <summary>A fit of any model family, as the catalog returns it: the model and every diagnostic of <see cref="FitResult{TModel}"/>.</summary>
/// <remarks>Every <see cref="FitResult{TModel}"/> is one; see it for the meaning of each member.</remarks>
public interface IFitResult
{
    /// <summary>Gets the fitted model.</summary>
    IParametricModel Model { get; }

    /// <summary>Gets the parameter names in the model's order.</summary>
    IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Gets the fitted parameter values.</summary>
    IReadOnlyList<double> Parameters { get; }

    /// <summary>Gets the total log-likelihood (weights applied).</summary>
    double LogLikelihood { get; }

    /// <summary>Gets a value indicating whether the fit converged to an interior, identified maximum.</summary>
    bool Converged { get; }

    /// <summary>Gets why the optimizer stopped.</summary>
    FitExitReason ExitReason { get; }

    /// <summary>Gets the number of optimizer iterations.</summary>
    int Iterations { get; }

    /// <summary>Gets the standard errors (NaN entries when unavailable; see <see cref="StandardErrorsUnavailableReason"/>).</summary>
    IReadOnlyList<double> StandardErrors { get; }

    /// <summary>Gets why standard errors are unavailable, or null.</summary>
    string? StandardErrorsUnavailableReason { get; }

    /// <summary>Gets the boundary the parameters ran to, or null.</summary>
    FitBoundary? Boundary { get; }

    /// <summary>Gets the number of customers (sum of weights) in the likelihood.</summary>
    double CustomersUsed { get; }

    /// <summary>Gets the number of customers (sum of weights) left out.</summary>
    double CustomersExcluded { get; }

    /// <summary>Gets notes about the fit a user should read.</summary>
    IReadOnlyList<string> Warnings { get; }

    /// <summary>Gets a one-line account of the fit for people.</summary>
    /// <returns>See <see cref="FitResult{TModel}.Describe"/>.</returns>
    string Describe();
}

/// <summary>The outcome of a maximum-likelihood fit: the model at the best parameters found, and how good and how certain the fit is.</summary>
/// <typeparam name="TModel">The fitted model type.</typeparam>
/// <remarks>
/// <para>A fit that did not converge is still returned, with <see cref="Converged"/> false and the
/// <see cref="ExitReason"/>; its parameters are the best finite ones found, never NaN.</para>
/// <para><see cref="LogLikelihood"/> is the total over customers (weights applied) on the input's own time scale,
/// so it compares with published values. Standard errors come from the observed information (the numerical
/// Hessian of the log-likelihood in the log-parameters, inverted) mapped to the natural parameters by the delta
/// method. Immutable and thread-safe.</para>
/// </remarks>
public sealed class FitResult<TModel> : IFitResult
    where TModel : class
{
    private readonly IReadOnlyList<double> _standardErrors;

    internal FitResult(TModel model, IReadOnlyList<string> parameterNames, IReadOnlyList<double> parameters)
    {
        Model = model;
        // Copies behind read-only wrappers: callers cannot mutate a result (or a model's shared name list) by casting.
        ParameterNames = Array.AsReadOnly(parameterNames.ToArray());
        Parameters = Array.AsReadOnly(parameters.ToArray());
        _standardErrors = Array.AsReadOnly(parameters.Select(_ => double.NaN).ToArray());
    }

    /// <summary>Gets the model at the fitted parameters.</summary>
    public TModel Model { get; }

    /// <inheritdoc/>
    IParametricModel IFitResult.Model => (IParametricModel)Model;

    /// <summary>Gets the parameter names in the model's order (for example r, alpha, a, b).</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Gets the fitted parameter values, in the order of <see cref="ParameterNames"/>.</summary>
    public IReadOnlyList<double> Parameters { get; }

    /// <summary>Gets the total log-likelihood at the fitted parameters (weights applied).</summary>
    public double LogLikelihood { get; internal init; }

    /// <summary>Gets a value indicating whether the optimizer converged (gradient below tolerance) to an interior maximum with a positive-definite information matrix; false at a boundary (<see cref="Boundary"/>) or where the parameters are not identified.</summary>
    public bool Converged { get; internal init; }

    /// <summary>Gets why the optimizer stopped.</summary>
    public FitExitReason ExitReason { get; internal init; }

    /// <summary>Gets the number of optimizer iterations (all methods together).</summary>
    public int Iterations { get; internal init; }

    /// <summary>Gets the largest absolute gradient component of the mean negative log-likelihood per customer with respect to the optimizer's (log) parameters, at the end.</summary>
    public double GradientNorm { get; internal init; }

    /// <summary>Gets the standard error of each parameter (NaN when <see cref="Covariance"/> is null: read <see cref="StandardErrorsUnavailableReason"/>, and use <see cref="StandardErrorOrNull"/> to get null instead).</summary>
    public IReadOnlyList<double> StandardErrors
    {
        get => _standardErrors;
        internal init => _standardErrors = Array.AsReadOnly(value.ToArray());
    }

    /// <summary>Gets why standard errors are unavailable, or <c>null</c> when they are available.</summary>
    /// <value>For example "not requested (FitOptions.ComputeCovariance is false)" or "the fit stopped at a boundary: a → 0".</value>
    public string? StandardErrorsUnavailableReason { get; internal init; }

    /// <summary>Gets the boundary the parameters ran to, or <c>null</c> when the estimate is interior.</summary>
    /// <value>Set together with <see cref="ExitReason"/> = <see cref="FitExitReason.Boundary"/>; says which parameters diverged, what the data show, and the limit model that fits instead.</value>
    public FitBoundary? Boundary { get; internal init; }

    /// <summary>Gets the full covariance matrix of the parameters, or <c>null</c> when it was not requested or the observed information is not positive definite (a flat or saddle direction).</summary>
    public ParameterCovariance? Covariance { get; internal init; }

    /// <summary>Gets the number of input rows that entered the likelihood.</summary>
    public int RowsUsed { get; internal init; }

    /// <summary>Gets the number of input rows left out (for example customers with x = 0 for a spend model).</summary>
    public int RowsExcluded { get; internal init; }

    /// <summary>Gets the number of customers (sum of weights) that entered the likelihood.</summary>
    public double CustomersUsed { get; internal init; }

    /// <summary>Gets the number of customers (sum of weights) left out.</summary>
    public double CustomersExcluded { get; internal init; }

    /// <summary>Gets notes about the fit a user should read (for example that a population mean does not exist).</summary>
    public IReadOnlyList<string> Warnings { get; internal init; } = [];

    /// <summary>Gets the fitted value of the named parameter.</summary>
    /// <param name="name">A name from <see cref="ParameterNames"/> (ordinal comparison).</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">The model has no parameter of that name.</exception>
    public double Parameter(string name) => Parameters[IndexOf(name)];

    /// <summary>Gets the standard error of the named parameter.</summary>
    /// <param name="name">A name from <see cref="ParameterNames"/>.</param>
    /// <returns>The standard error (NaN when unavailable).</returns>
    /// <exception cref="ArgumentException">The model has no parameter of that name.</exception>
    public double StandardError(string name) => StandardErrors[IndexOf(name)];

    /// <summary>Gets the standard error of the named parameter, or <c>null</c> when unavailable (see <see cref="StandardErrorsUnavailableReason"/>).</summary>
    /// <param name="name">A name from <see cref="ParameterNames"/>.</param>
    /// <returns>The finite standard error, or null.</returns>
    /// <exception cref="ArgumentException">The model has no parameter of that name.</exception>
    public double? StandardErrorOrNull(string name) => StandardErrors[IndexOf(name)] is var se && double.IsFinite(se) ? se : null;

    /// <summary>Gets a one-line account of the fit for people: converged, or not and why (the boundary and what the data show).</summary>
    /// <returns>For example "converged (GradientTolerance) after 31 iterations" or "not converged: at a boundary: no dropout visible: a → 0, b → ∞ (b/a → ∞); the limit model is NBD".</returns>
    public string Describe()
    {
        if (Converged)
        {
            return FormattableString.Invariant($"converged ({ExitReason}) after {Iterations} iterations");
        }

        if (Boundary is { } boundary)
        {
            return FormattableString.Invariant($"not converged: at a boundary after {Iterations} iterations: {boundary.Reason}") + (boundary.LimitModel is { } limit ? "; fit the limit model instead: " + limit : string.Empty);
        }

        return ExitReason == FitExitReason.NotIdentified
            ? FormattableString.Invariant($"not converged: the parameters are not identified at the point reached after {Iterations} iterations ({StandardErrorsUnavailableReason})")
            : FormattableString.Invariant($"not converged ({ExitReason}) after {Iterations} iterations; the parameters are the best found");
    }

    /// <summary>The same result typed as one of the model's interfaces (for the catalog).</summary>
    internal FitResult<TOther> As<TOther>()
        where TOther : class => new((TOther)(object)Model, ParameterNames, Parameters)
        {
            LogLikelihood = LogLikelihood,
            Converged = Converged,
            ExitReason = ExitReason,
            Iterations = Iterations,
            GradientNorm = GradientNorm,
            StandardErrors = StandardErrors,
            StandardErrorsUnavailableReason = StandardErrorsUnavailableReason,
            Boundary = Boundary,
            Covariance = Covariance,
            RowsUsed = RowsUsed,
            RowsExcluded = RowsExcluded,
            CustomersUsed = CustomersUsed,
            CustomersExcluded = CustomersExcluded,
            Warnings = Warnings,
        };

    private int IndexOf(string name)
    {
        for (var i = 0; i < ParameterNames.Count; i++)
        {
            if (string.Equals(ParameterNames[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return ThrowHelper.Argument<int>(nameof(name), FormattableString.Invariant($"name = '{name}' is not a parameter of this model; use one of {string.Join(", ", ParameterNames)}."));
    }
}

/// <summary>Where a fit's parameters ran off to: which ones, in which direction, what that says about the data, and the limit model that fits instead.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class FitBoundary
{
    internal FitBoundary(IReadOnlyList<string> parameters, IReadOnlyList<string> directions, string reason, string? limitModel)
    {
        Parameters = Array.AsReadOnly(parameters.ToArray());
        Directions = Array.AsReadOnly(directions.ToArray());
        Reason = reason;
        LimitModel = limitModel;
    }

    /// <summary>Gets the names of the parameters that diverged.</summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>Gets where each parameter of <see cref="Parameters"/> was going: "→ 0", "→ ∞" (or "→ 1" for a parameter bounded below by 1).</summary>
    public IReadOnlyList<string> Directions { get; }

    /// <summary>Gets what the data show, for people: for example "no dropout visible: a → 0 (b/a → ∞)".</summary>
    public string Reason { get; }

    /// <summary>Gets the simpler model the fitted one tends to, or <c>null</c> when there is none: for example "NBD (r, alpha): a customer never drops out".</summary>
    public string? LimitModel { get; }

    /// <summary>Returns <see cref="Reason"/>.</summary>
    /// <returns>The reason.</returns>
    public override string ToString() => Reason;
}

/// <summary>A symmetric covariance matrix of fitted parameters, addressed by index or by name.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class ParameterCovariance
{
    private readonly double[,] _values;

    internal ParameterCovariance(IReadOnlyList<string> names, double[,] values)
    {
        Names = Array.AsReadOnly(names.ToArray());
        _values = (double[,])values.Clone();
    }

    /// <summary>Gets the parameter names of the rows and columns.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Gets the dimension of the matrix.</summary>
    public int Count => Names.Count;

    /// <summary>Gets the covariance of parameters <paramref name="row"/> and <paramref name="column"/>.</summary>
    /// <param name="row">Row index.</param>
    /// <param name="column">Column index.</param>
    /// <exception cref="IndexOutOfRangeException">An index is outside [0, <see cref="Count"/>).</exception>
    public double this[int row, int column] => _values[row, column];

    /// <summary>Gets the covariance of two named parameters.</summary>
    /// <param name="row">Row parameter name.</param>
    /// <param name="column">Column parameter name.</param>
    /// <exception cref="ArgumentException">A name is not a parameter.</exception>
    public double this[string row, string column] => _values[IndexOf(row), IndexOf(column)];

    /// <summary>Copies the matrix into a new array.</summary>
    /// <returns>A <see cref="Count"/> × <see cref="Count"/> copy.</returns>
    public double[,] ToArray() => (double[,])_values.Clone();

    /// <summary>Gets the correlation of parameters <paramref name="row"/> and <paramref name="column"/>.</summary>
    /// <param name="row">Row index.</param>
    /// <param name="column">Column index.</param>
    /// <returns>The correlation in [−1, 1].</returns>
    public double Correlation(int row, int column) => _values[row, column] / Math.Sqrt(_values[row, row] * _values[column, column]);

    private int IndexOf(string name)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return ThrowHelper.Argument<int>(nameof(name), FormattableString.Invariant($"name = '{name}' is not a parameter; use one of {string.Join(", ", Names)}."));
    }
}
