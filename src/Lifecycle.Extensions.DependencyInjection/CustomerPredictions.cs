namespace Lifecycle;

/// <summary>Per-customer predictions from <see cref="IClvCalculator.Predict{TKey}"/>, as columns in the order of the summaries.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class CustomerPredictions
{
    private readonly double[] _probabilityAlive;
    private readonly double[] _expectedTransactions;
    private readonly double[] _expectedSpend;
    private readonly double[] _lifetimeValue;

    internal CustomerPredictions(TimeUnit unit, double horizon, double[] probabilityAlive, double[] expectedTransactions, double[]? expectedSpend, double[]? lifetimeValue)
    {
        Unit = unit;
        Horizon = horizon;
        _probabilityAlive = probabilityAlive;
        _expectedTransactions = expectedTransactions;
        _expectedSpend = expectedSpend ?? [];
        _lifetimeValue = lifetimeValue ?? [];
    }

    /// <summary>Gets the number of customers.</summary>
    public int Count => _probabilityAlive.Length;

    /// <summary>Gets the time unit of <see cref="Horizon"/>.</summary>
    public TimeUnit Unit { get; }

    /// <summary>Gets the horizon of <see cref="ExpectedTransactions"/>, in <see cref="Unit"/>.</summary>
    public double Horizon { get; }

    /// <summary>Gets P(alive) at the end of observation, per customer.</summary>
    public ReadOnlySpan<double> ProbabilityAlive => _probabilityAlive;

    /// <summary>Gets the expected transactions over <see cref="Horizon"/>, per customer.</summary>
    public ReadOnlySpan<double> ExpectedTransactions => _expectedTransactions;

    /// <summary>Gets a value indicating whether a spend model was given, so <see cref="ExpectedSpend"/> and <see cref="LifetimeValue"/> are filled.</summary>
    public bool HasValue => _lifetimeValue.Length == _probabilityAlive.Length && _probabilityAlive.Length > 0;

    /// <summary>Gets the expected spend per transaction, per customer; empty without a spend model.</summary>
    public ReadOnlySpan<double> ExpectedSpend => _expectedSpend;

    /// <summary>Gets the discounted customer lifetime value over the horizon (margin applied), per customer; empty without a spend model.</summary>
    public ReadOnlySpan<double> LifetimeValue => _lifetimeValue;
}
