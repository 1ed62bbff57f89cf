using System.Globalization;

namespace Lifecycle.Clv;

/// <summary>A model with named parameters on a time unit: what every model family shares.</summary>
/// <remarks>Implemented by every model in <see cref="ModelCatalog"/>; implementations are immutable and thread-safe.</remarks>
public interface IParametricModel
{
    /// <summary>Gets the family of the model (its catalog name and parameter names).</summary>
    ModelFamily Family { get; }

    /// <summary>Gets the parameter values in the order of <see cref="ModelFamily.ParameterNames"/>.</summary>
    IReadOnlyList<double> Parameters { get; }

    /// <summary>Gets the time unit of the parameters, or <see cref="TimeUnit.None"/> for a model without a time scale (Gamma-Gamma spend, BG/BB opportunities, sBG periods).</summary>
    TimeUnit TimeUnit { get; }
}

/// <summary>A continuous-time model of repeat purchases fitted on (x, t_x, T) summaries: BG/NBD, MBG/NBD, Pareto/NBD.</summary>
/// <remarks>Everything a count model offers beyond its predictions: the per-customer likelihood and a seeded simulator.</remarks>
public interface ICountModel : ITransactionModel, IParametricModel
{
    /// <summary>Gets the time unit of the parameters, inputs and horizons (days or weeks).</summary>
    new TimeUnit TimeUnit { get; }

    /// <summary>Log-likelihood of one customer.</summary>
    /// <param name="frequency">x, a whole number.</param>
    /// <param name="recency">t_x.</param>
    /// <param name="t">T.</param>
    /// <returns>ln L(parameters | x, t_x, T).</returns>
    /// <exception cref="ArgumentException">The summary is invalid for the model.</exception>
    double LogLikelihood(double frequency, double recency, double t);

    /// <summary>Total log-likelihood of compressed rows (weights applied).</summary>
    /// <param name="data">The rows, on the model's time unit.</param>
    /// <returns>The log-likelihood.</returns>
    /// <exception cref="ArgumentException">A row is invalid, or the data's unit differs from the model's (the message names both).</exception>
    double LogLikelihood(CompressedSummaries data);

    /// <summary>Simulates customers from this model: summaries (x, t_x, T) for the given ages.</summary>
    /// <param name="ages">Observation length T of each customer, &gt;= 0.</param>
    /// <param name="random">The source of randomness (seed it for reproducible data).</param>
    /// <param name="purchasePeriod">0 for exact continuous times, otherwise the period purchases are counted on (1 for a daily summary in days).</param>
    /// <returns>Summaries with ids 0..n−1 on the model's time unit.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An age or the period is invalid.</exception>
    SummarySet<int> Simulate(ReadOnlySpan<double> ages, Random random, double purchasePeriod);
}

/// <summary>What a model family is fitted on.</summary>
public enum ModelDataKind
{
    /// <summary>Not set (the <c>default</c> value; no family has it).</summary>
    None = 0,

    /// <summary>Continuous-time (x, t_x, T) summaries (<see cref="CompressedSummaries"/>).</summary>
    CountSummaries = 1,

    /// <summary>Repeat frequency and mean repeat spend per customer (Gamma-Gamma).</summary>
    Spend = 2,

    /// <summary>Discrete-time (x, t_x, n) summaries (<see cref="DiscreteSummaries"/>).</summary>
    DiscreteSummaries = 3,

    /// <summary>Cohort survival counts (<see cref="SurvivalData"/>).</summary>
    Survival = 4,
}

/// <summary>A model family: its catalog name, its parameters, what it fits on, and how to make a model from known parameters.</summary>
/// <remarks>Get one from <see cref="ModelCatalog"/>. Immutable and thread-safe.</remarks>
public sealed class ModelFamily
{
    private readonly Func<double[], TimeUnit, IParametricModel> _create;
    private readonly Func<CompressedSummaries, FitOptions?, FitResult<ICountModel>>? _fitCounts;
    private readonly Func<DiscreteSummaries, FitOptions?, FitResult<ITransactionModel>>? _fitDiscrete;
    private readonly Func<SurvivalData, FitOptions?, FitResult<IParametricModel>>? _fitSurvival;

    internal ModelFamily(
        string name,
        string displayName,
        string[] parameterNames,
        ModelDataKind data,
        bool hasTimeUnit,
        Func<double[], TimeUnit, IParametricModel> create,
        Func<CompressedSummaries, FitOptions?, FitResult<ICountModel>>? fitCounts = null,
        Func<DiscreteSummaries, FitOptions?, FitResult<ITransactionModel>>? fitDiscrete = null,
        Func<SurvivalData, FitOptions?, FitResult<IParametricModel>>? fitSurvival = null)
    {
        Name = name;
        DisplayName = displayName;
        ParameterNames = Array.AsReadOnly(parameterNames);
        Data = data;
        HasTimeUnit = hasTimeUnit;
        _create = create;
        _fitCounts = fitCounts;
        _fitDiscrete = fitDiscrete;
        _fitSurvival = fitSurvival;
    }

    /// <summary>Gets the catalog name, as used in model files and on the command line (for example "bgnbd").</summary>
    public string Name { get; }

    /// <summary>Gets the name for people (for example "BG/NBD").</summary>
    public string DisplayName { get; }

    /// <summary>Gets the parameter names in the model's order (read-only).</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Gets what the family is fitted on.</summary>
    public ModelDataKind Data { get; }

    /// <summary>Gets a value indicating whether the parameters are on a time unit (days or weeks); false for Gamma-Gamma, BG/BB and sBG.</summary>
    public bool HasTimeUnit { get; }

    /// <summary>Creates a model from known parameters in the order of <see cref="ParameterNames"/>.</summary>
    /// <param name="parameters">One value per parameter.</param>
    /// <param name="unit">The time unit of the parameters; <see cref="TimeUnit.Days"/> or <see cref="TimeUnit.Weeks"/> when <see cref="HasTimeUnit"/>, ignored otherwise.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">The count is wrong, a value is outside its range (the message names the parameter and the range), or the unit is missing.</exception>
    public IParametricModel Create(IReadOnlyList<double> parameters, TimeUnit unit)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count != ParameterNames.Count)
        {
            ThrowHelper.Argument(nameof(parameters), FormattableString.Invariant($"{parameters.Count} parameter values given; {Name} needs {ParameterNames.Count} ({string.Join(", ", ParameterNames)})."));
        }

        for (var i = 0; i < parameters.Count; i++)
        {
            var v = parameters[i];
            if (!double.IsFinite(v) || v <= 0)
            {
                ThrowHelper.Argument(nameof(parameters), string.Create(CultureInfo.InvariantCulture, $"parameter \"{ParameterNames[i]}\" = {v:R} must be a finite number > 0 for a {Name} model."));
            }
        }

        if (HasTimeUnit && unit is not (TimeUnit.Days or TimeUnit.Weeks))
        {
            ThrowHelper.Argument(nameof(unit), FormattableString.Invariant($"a {Name} model needs the time unit its parameters are on (days or weeks); {unit} was given."));
        }

        try
        {
            return _create([.. parameters], unit);
        }
        catch (ArgumentException e)
        {
            // Re-thrown without the "(Parameter '…')" suffix: the message already names the parameter.
            throw new ArgumentException(ModelFitting.PlainMessage(e), nameof(parameters), e);
        }
    }

    /// <summary>Creates a model from named parameters (every name of <see cref="ParameterNames"/>, no others).</summary>
    /// <param name="parameters">Values by name (ordinal).</param>
    /// <param name="unit">The time unit (see <see cref="Create(IReadOnlyList{double}, TimeUnit)"/>).</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">A name is missing or unknown, or a value is invalid.</exception>
    public IParametricModel Create(IReadOnlyDictionary<string, double> parameters, TimeUnit unit)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var name in parameters.Keys)
        {
            if (!ParameterNames.Contains(name, StringComparer.Ordinal))
            {
                ThrowHelper.Argument(nameof(parameters), FormattableString.Invariant($"\"{name}\" is not a parameter of a {Name} model; its parameters are {string.Join(", ", ParameterNames)}."));
            }
        }

        var values = new double[ParameterNames.Count];
        for (var i = 0; i < values.Length; i++)
        {
            if (!parameters.TryGetValue(ParameterNames[i], out values[i]))
            {
                ThrowHelper.Argument(nameof(parameters), FormattableString.Invariant($"a {Name} model needs parameter \"{ParameterNames[i]}\"; found {(parameters.Count == 0 ? "none" : string.Join(", ", parameters.Keys))}."));
            }
        }

        return Create(values, unit);
    }

    /// <summary>Fits a count family (<see cref="Data"/> = <see cref="ModelDataKind.CountSummaries"/>) by maximum likelihood.</summary>
    /// <param name="data">Compressed (x, t_x, T) rows.</param>
    /// <param name="options">Fit options, or null for the defaults.</param>
    /// <returns>The fit.</returns>
    /// <exception cref="InvalidOperationException">The family is not fitted on count summaries.</exception>
    /// <exception cref="ArgumentException">The data are invalid or degenerate for the model (the message says why).</exception>
    public FitResult<ICountModel> Fit(CompressedSummaries data, FitOptions? options) =>
        (_fitCounts ?? throw WrongData(ModelDataKind.CountSummaries))(data, options);

    /// <summary>Fits a discrete-time family (BG/BB).</summary>
    /// <param name="data">Compressed (x, t_x, n) rows.</param>
    /// <param name="options">Fit options, or null for the defaults.</param>
    /// <returns>The fit.</returns>
    /// <exception cref="InvalidOperationException">The family is not fitted on discrete summaries.</exception>
    public FitResult<ITransactionModel> Fit(DiscreteSummaries data, FitOptions? options) =>
        (_fitDiscrete ?? throw WrongData(ModelDataKind.DiscreteSummaries))(data, options);

    /// <summary>Fits a survival family (sBG).</summary>
    /// <param name="data">Cohort survival counts.</param>
    /// <param name="options">Fit options, or null for the defaults.</param>
    /// <returns>The fit.</returns>
    /// <exception cref="InvalidOperationException">The family is not fitted on survival data.</exception>
    public FitResult<IParametricModel> Fit(SurvivalData data, FitOptions? options) =>
        (_fitSurvival ?? throw WrongData(ModelDataKind.Survival))(data, options);

    /// <summary>Returns <see cref="Name"/>.</summary>
    /// <returns>The catalog name.</returns>
    public override string ToString() => Name;

    private InvalidOperationException WrongData(ModelDataKind kind) =>
        new(FormattableString.Invariant($"{Name} is fitted on {Data} data, not {kind}; pass the data the family declares in ModelFamily.Data."));
}

/// <summary>Every model family by name: the one place that knows which models exist.</summary>
/// <remarks>Hosts, the CLI and the DI package create models and read model files through the catalog, so a new family is one entry here plus its likelihood and predictions. Thread-safe.</remarks>
public static class ModelCatalog
{
    /// <summary>Gets every family, in a fixed order.</summary>
    public static IReadOnlyList<ModelFamily> Families => All;

    /// <summary>Gets the catalog names of every family ("bgnbd", "pareto-nbd", "mbgnbd", "bgbb", "gamma-gamma", "sbg").</summary>
    public static IReadOnlyList<string> Names => AllNames;

    /// <summary>Gets the BG/NBD family.</summary>
    public static ModelFamily BgNbd { get; } = new("bgnbd", "BG/NBD", ["r", "alpha", "a", "b"], ModelDataKind.CountSummaries, true, (p, u) => new BgNbdModel(p[0], p[1], p[2], p[3], u), fitCounts: (d, o) => BgNbdModel.Fit(d, o).As<ICountModel>());

    /// <summary>Gets the Pareto/NBD family.</summary>
    public static ModelFamily ParetoNbd { get; } = new("pareto-nbd", "Pareto/NBD", ["r", "alpha", "s", "beta"], ModelDataKind.CountSummaries, true, (p, u) => new ParetoNbdModel(p[0], p[1], p[2], p[3], u), fitCounts: (d, o) => ParetoNbdModel.Fit(d, o).As<ICountModel>());

    /// <summary>Gets the MBG/NBD family.</summary>
    public static ModelFamily MbgNbd { get; } = new("mbgnbd", "MBG/NBD", ["r", "alpha", "a", "b"], ModelDataKind.CountSummaries, true, (p, u) => new MbgNbdModel(p[0], p[1], p[2], p[3], u), fitCounts: (d, o) => MbgNbdModel.Fit(d, o).As<ICountModel>());

    /// <summary>Gets the BG/BB family.</summary>
    public static ModelFamily BgBb { get; } = new("bgbb", "BG/BB", ["alpha", "beta", "gamma", "delta"], ModelDataKind.DiscreteSummaries, false, (p, _) => new BgBbModel(p[0], p[1], p[2], p[3]), fitDiscrete: (d, o) => BgBbModel.Fit(d, o).As<ITransactionModel>());

    /// <summary>Gets the Gamma-Gamma spend family.</summary>
    public static ModelFamily GammaGamma { get; } = new("gamma-gamma", "Gamma-Gamma", ["p", "q", "v"], ModelDataKind.Spend, false, (p, _) => new GammaGammaModel(p[0], p[1], p[2]));

    /// <summary>Gets the shifted-beta-geometric (sBG) family.</summary>
    public static ModelFamily ShiftedBetaGeometric { get; } = new("sbg", "sBG", ["alpha", "beta"], ModelDataKind.Survival, false, (p, _) => new ShiftedBetaGeometricModel(p[0], p[1]), fitSurvival: (d, o) => ShiftedBetaGeometricModel.Fit(d, o).As<IParametricModel>());

    // Declared after the family properties: static initializers run in text order.
    private static readonly IReadOnlyList<ModelFamily> All = Array.AsReadOnly(new[] { BgNbd, ParetoNbd, MbgNbd, BgBb, GammaGamma, ShiftedBetaGeometric });

    private static readonly IReadOnlyList<string> AllNames = Array.AsReadOnly(All.Select(f => f.Name).ToArray());

    /// <summary>Finds a family by catalog name (ordinal).</summary>
    /// <param name="name">For example "bgnbd".</param>
    /// <param name="family">The family, or null.</param>
    /// <returns>True when found.</returns>
    public static bool TryGet(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelFamily? family)
    {
        family = All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));
        return family is not null;
    }

    /// <summary>Gets a family by catalog name.</summary>
    /// <param name="name">For example "bgnbd".</param>
    /// <returns>The family.</returns>
    /// <exception cref="ArgumentException">No family has that name (the message lists the names).</exception>
    public static ModelFamily Get(string name) =>
        TryGet(name, out var family)
            ? family
            : ThrowHelper.Argument<ModelFamily>(nameof(name), FormattableString.Invariant($"\"{name}\" is not a model; use one of {string.Join(", ", Names)}."));
}
