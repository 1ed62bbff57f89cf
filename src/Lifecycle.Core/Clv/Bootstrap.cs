namespace Lifecycle.Clv;

/// <summary>Computes a model's predictions into <paramref name="destination"/> (one value per quantity and customer, quantity-major).</summary>
/// <typeparam name="TModel">The model type.</typeparam>
/// <param name="model">A fitted model (the full-data fit or one replicate's).</param>
/// <param name="destination">Receives quantity q of customer i at index q · customers + i.</param>
public delegate void BootstrapStatistic<in TModel>(TModel model, Span<double> destination);

/// <summary>Progress of a bootstrap run, reported after each replicate.</summary>
/// <remarks>A payload struct so that members can be added later without breaking callers.</remarks>
public readonly struct BootstrapProgress : IEquatable<BootstrapProgress>
{
    internal BootstrapProgress(int completed, int total, int failed)
    {
        Completed = completed;
        Total = total;
        Failed = failed;
    }

    /// <summary>Gets the number of replicates finished so far (successful or not).</summary>
    public int Completed { get; }

    /// <summary>Gets the number of replicates requested.</summary>
    public int Total { get; }

    /// <summary>Gets the number of finished replicates whose refit failed or did not converge (left out of the intervals).</summary>
    public int Failed { get; }

    /// <summary>Compares two progress values.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns>True when all members are equal.</returns>
    public static bool operator ==(BootstrapProgress left, BootstrapProgress right) => left.Equals(right);

    /// <summary>Compares two progress values.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns>True when a member differs.</returns>
    public static bool operator !=(BootstrapProgress left, BootstrapProgress right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(BootstrapProgress other) => Completed == other.Completed && Total == other.Total && Failed == other.Failed;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BootstrapProgress other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Completed, Total, Failed);
}

/// <summary>Options of a bootstrap run.</summary>
/// <remarks>Immutable. Results depend only on the data, the model, <see cref="Seed"/> and <see cref="Replicates"/>: not on the core count or the scheduling.</remarks>
public sealed record BootstrapOptions
{
    private readonly int _replicates = 200;
    private readonly double _confidenceLevel = 0.95;
    private readonly int _maxDegreeOfParallelism = -1;

    /// <summary>Gets the number of bootstrap replicates (refits).</summary>
    /// <value>Default 200; at least 2.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 2.</exception>
    public int Replicates
    {
        get => _replicates;
        init
        {
            if (value < 2)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(Replicates), value, "must be at least 2", "use a few hundred replicates for percentile intervals");
            }

            _replicates = value;
        }
    }

    /// <summary>Gets the seed: replicate k draws from its own generator seeded from (Seed, k).</summary>
    /// <value>Default 0.</value>
    public int Seed { get; init; }

    /// <summary>Gets the coverage of the percentile intervals.</summary>
    /// <value>Default 0.95; strictly between 0 and 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or outside (0, 1).</exception>
    public double ConfidenceLevel
    {
        get => _confidenceLevel;
        init
        {
            ThrowHelper.ThrowIfNotFinite(value, nameof(ConfidenceLevel));
            if (value <= 0 || value >= 1)
            {
                ThrowHelper.ArgumentOutOfRange(nameof(ConfidenceLevel), value, "must be strictly between 0 and 1", "pass for example 0.95 for 95% intervals");
            }

            _confidenceLevel = value;
        }
    }

    /// <summary>Gets the largest number of replicates fitted at once; -1 for all cores.</summary>
    /// <value>Default -1. Must be -1 or at least 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0 or below -1.</exception>
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

    /// <summary>Gets the receiver of progress reports (called from worker threads, once per finished replicate), or <c>null</c>.</summary>
    public IProgress<BootstrapProgress>? Progress { get; init; }

    /// <summary>Gets a token that stops the run (an <see cref="OperationCanceledException"/> is thrown).</summary>
    public CancellationToken CancellationToken { get; init; }
}

/// <summary>A point estimate with a bootstrap percentile interval and standard error.</summary>
/// <param name="Estimate">The prediction of the full-data fit.</param>
/// <param name="Lower">The lower percentile bound.</param>
/// <param name="Upper">The upper percentile bound.</param>
/// <param name="StandardError">The standard deviation of the replicate predictions.</param>
public readonly record struct PredictionInterval(double Estimate, double Lower, double Upper, double StandardError);

/// <summary>Bootstrap intervals for several quantities (for example P(alive) and expected purchases) of several customers.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class BootstrapResult
{
    private readonly PredictionInterval[] _intervals;

    internal BootstrapResult(IReadOnlyList<string> quantities, int customers, PredictionInterval[] intervals, int replicates, int failed, double level, IReadOnlyList<string> parameterNames, PredictionInterval[] parameters)
    {
        Quantities = quantities;
        Customers = customers;
        _intervals = intervals;
        Replicates = replicates;
        FailedReplicates = failed;
        ConfidenceLevel = level;
        ParameterNames = parameterNames;
        Parameters = parameters;
    }

    /// <summary>Gets the names of the quantities.</summary>
    public IReadOnlyList<string> Quantities { get; }

    /// <summary>Gets the number of customers predicted.</summary>
    public int Customers { get; }

    /// <summary>Gets the number of replicates requested.</summary>
    public int Replicates { get; }

    /// <summary>Gets the number of replicates left out because the refit failed or did not converge.</summary>
    public int FailedReplicates { get; }

    /// <summary>Gets the coverage of the intervals.</summary>
    public double ConfidenceLevel { get; }

    /// <summary>Gets the model parameter names.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Gets the percentile interval of each model parameter, in the order of <see cref="ParameterNames"/>.</summary>
    public IReadOnlyList<PredictionInterval> Parameters { get; }

    /// <summary>Gets the interval of quantity <paramref name="quantity"/> for customer <paramref name="customer"/>.</summary>
    /// <param name="quantity">Index into <see cref="Quantities"/>.</param>
    /// <param name="customer">Customer index.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public PredictionInterval this[int quantity, int customer]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(quantity);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(quantity, Quantities.Count);
            ArgumentOutOfRangeException.ThrowIfNegative(customer);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(customer, Customers);
            return _intervals[(quantity * Customers) + customer];
        }
    }

    /// <summary>Gets the interval of the named quantity for a customer.</summary>
    /// <param name="quantity">A name from <see cref="Quantities"/>.</param>
    /// <param name="customer">Customer index.</param>
    /// <exception cref="ArgumentException">No quantity has that name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="customer"/> is out of range.</exception>
    public PredictionInterval this[string quantity, int customer]
    {
        get
        {
            for (var q = 0; q < Quantities.Count; q++)
            {
                if (string.Equals(Quantities[q], quantity, StringComparison.Ordinal))
                {
                    return this[q, customer];
                }
            }

            return ThrowHelper.Argument<PredictionInterval>(nameof(quantity), FormattableString.Invariant($"quantity = '{quantity}' was not computed; use one of {string.Join(", ", Quantities)}."));
        }
    }
}

/// <summary>Nonparametric bootstrap of fitted models: customers are resampled with replacement, the model is refitted, and the predictions' percentile intervals are reported.</summary>
/// <remarks>
/// <para>Each replicate draws W customers (W the total weight, rounded) from the weighted rows with replacement, which
/// only changes the row weights, so a replicate costs one refit on the same compressed rows. Replicate k uses a
/// generator seeded from (seed, k), refits single-threaded starting at the full-data estimate, and writes its own
/// slot; replicates run in parallel. Results are therefore identical on any number of cores. Refits that throw or do
/// not converge are left out and counted. Intervals are percentile intervals (linear interpolation between order
/// statistics, Hyndman–Fan type 7).</para>
/// </remarks>
public static class Bootstrap
{
    /// <summary>Bootstraps P(alive) and expected purchases in the next <paramref name="horizon"/> for target customers.</summary>
    /// <param name="data">The data the model is fitted on.</param>
    /// <param name="fit">The fit function, for example <c>ParetoNbdModel.Fit</c>.</param>
    /// <param name="frequency">Target customers' x.</param>
    /// <param name="recency">Target customers' t_x.</param>
    /// <param name="t">Target customers' T.</param>
    /// <param name="horizon">Prediction horizon on the data's unit, ≥ 0.</param>
    /// <param name="options">Options, or <c>null</c> for the defaults.</param>
    /// <typeparam name="TModel">The model type.</typeparam>
    /// <returns>Intervals for the quantities "p_alive" and "expected_purchases".</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="fit"/> is null.</exception>
    /// <exception cref="ArgumentException">The spans differ in length, or the full-data fit failed.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static BootstrapResult TransactionPredictions<TModel>(CompressedSummaries data, Func<CompressedSummaries, FitOptions, FitResult<TModel>> fit, ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, double horizon, BootstrapOptions? options)
        where TModel : class, ITransactionModel
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(fit);
        ModelFitting.SameLength(frequency.Length, recency.Length, t.Length, frequency.Length);
        ThrowHelper.ThrowIfNegativeOrNotFinite(horizon, nameof(horizon));
        var x = frequency.ToArray();
        var tx = recency.ToArray();
        var tt = t.ToArray();
        var n = x.Length;
        return Run(
            data,
            fit,
            (model, destination) =>
            {
                model.ProbabilityAlive(x, tx, tt, destination[..n]);
                model.ConditionalExpectedTransactions(horizon, x, tx, tt, destination.Slice(n, n));
            },
            ["p_alive", "expected_purchases"],
            n,
            options);
    }

    /// <summary>Bootstraps discounted CLV (discrete convention) of target customers under the refitted transaction model.</summary>
    /// <param name="data">The data the transaction model is fitted on.</param>
    /// <param name="fit">The transaction model's fit function.</param>
    /// <param name="spend">The spend model, held fixed: the intervals show the transaction model's estimation uncertainty (compressed rows carry no spend to resample).</param>
    /// <param name="frequency">Target customers' x.</param>
    /// <param name="recency">Target customers' t_x.</param>
    /// <param name="t">Target customers' T.</param>
    /// <param name="monetaryValue">Target customers' mean repeat spend.</param>
    /// <param name="discounting">The discrete discounting convention (see <see cref="CustomerLifetimeValue"/>).</param>
    /// <param name="options">Options, or <c>null</c> for the defaults.</param>
    /// <typeparam name="TModel">The transaction model type.</typeparam>
    /// <returns>Intervals for the quantity "clv".</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The spans differ in length, or the full-data fit failed.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static BootstrapResult LifetimeValue<TModel>(CompressedSummaries data, Func<CompressedSummaries, FitOptions, FitResult<TModel>> fit, ISpendModel spend, ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, ReadOnlySpan<double> monetaryValue, DiscreteDiscounting discounting, BootstrapOptions? options)
        where TModel : class, ITransactionModel
    {
        ArgumentNullException.ThrowIfNull(spend);
        ArgumentNullException.ThrowIfNull(discounting);
        ModelFitting.SameLength(frequency.Length, recency.Length, t.Length, monetaryValue.Length);
        var x = frequency.ToArray();
        var tx = recency.ToArray();
        var tt = t.ToArray();
        var m = monetaryValue.ToArray();
        return Run(data, fit, (model, destination) => CustomerLifetimeValue.Discrete(model, spend, x, tx, tt, m, discounting, destination), ["clv"], x.Length, options);
    }

    /// <summary>Bootstraps any predictions of a model fitted on continuous-time summaries.</summary>
    /// <param name="data">The data the model is fitted on.</param>
    /// <param name="fit">The fit function.</param>
    /// <param name="statistic">Computes the predictions of a model (for example CLV for target customers).</param>
    /// <param name="quantities">Names of the quantities the statistic writes, in order.</param>
    /// <param name="customers">Number of customers per quantity.</param>
    /// <param name="options">Options, or <c>null</c> for the defaults.</param>
    /// <typeparam name="TModel">The model type.</typeparam>
    /// <returns>The intervals.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The full-data fit failed, or there are no quantities.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static BootstrapResult Run<TModel>(CompressedSummaries data, Func<CompressedSummaries, FitOptions, FitResult<TModel>> fit, BootstrapStatistic<TModel> statistic, IReadOnlyList<string> quantities, int customers, BootstrapOptions? options)
        where TModel : class
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(fit);
        var f = data.Frequency.ToArray();
        var r = data.Recency.ToArray();
        var tt = data.T.ToArray();
        var unit = data.Unit;
        return Core(data.Weight, (w, o) => fit(CompressedSummaries.Create(f, r, tt, w, unit), o), statistic, quantities, customers, options);
    }

    /// <summary>Bootstraps predictions of a model fitted on discrete (BG/BB) rows.</summary>
    /// <param name="data">The rows the model is fitted on.</param>
    /// <param name="fit">The fit function, for example <c>BgBbModel.Fit</c>.</param>
    /// <param name="statistic">Computes the predictions of a model.</param>
    /// <param name="quantities">Names of the quantities, in order.</param>
    /// <param name="customers">Number of customers per quantity.</param>
    /// <param name="options">Options, or <c>null</c> for the defaults.</param>
    /// <typeparam name="TModel">The model type.</typeparam>
    /// <returns>The intervals.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The full-data fit failed, or there are no quantities.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static BootstrapResult Run<TModel>(DiscreteSummaries data, Func<DiscreteSummaries, FitOptions, FitResult<TModel>> fit, BootstrapStatistic<TModel> statistic, IReadOnlyList<string> quantities, int customers, BootstrapOptions? options)
        where TModel : class
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(fit);
        var f = data.Frequency.ToArray();
        var r = data.Recency.ToArray();
        var n = data.Periods.ToArray();
        return Core(data.Weight, (w, o) => fit(DiscreteSummaries.Create(f, r, n, w), o), statistic, quantities, customers, options);
    }

    private static BootstrapResult Core<TModel>(ReadOnlySpan<double> weights, Func<double[], FitOptions, FitResult<TModel>> refit, BootstrapStatistic<TModel> statistic, IReadOnlyList<string> quantities, int customers, BootstrapOptions? options)
        where TModel : class
    {
        ArgumentNullException.ThrowIfNull(statistic);
        ArgumentNullException.ThrowIfNull(quantities);
        ArgumentOutOfRangeException.ThrowIfNegative(customers);
        if (quantities.Count == 0)
        {
            ThrowHelper.Argument(nameof(quantities), "no quantities were named; name each quantity the statistic writes.");
        }

        options ??= new BootstrapOptions();
        var w = weights.ToArray();
        var full = refit(w, new FitOptions { ComputeCovariance = false });
        if (!full.Converged)
        {
            ThrowHelper.Argument("data", FormattableString.Invariant($"the full-data fit did not converge ({full.ExitReason}); fix the fit before bootstrapping it."));
        }

        var width = quantities.Count * customers;
        var estimate = new double[width];
        statistic(full.Model, estimate);
        var k = full.Parameters.Count;
        var replicateOptions = new FitOptions { ComputeCovariance = false, MaxDegreeOfParallelism = 1, InitialParameters = full.Parameters };

        // Cumulative weights for drawing customers.
        var cumulative = new double[w.Length];
        var total = 0.0;
        for (var i = 0; i < w.Length; i++)
        {
            total += w[i];
            cumulative[i] = total;
        }

        var draws = (long)Math.Round(total);
        var b = options.Replicates;
        var values = new double[b][];
        var parameters = new double[b][];
        var ok = new bool[b];
        int completed = 0, failed = 0;
        Parallel.For(
            0,
            b,
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = options.CancellationToken },
            replicate =>
            {
                var random = new Random(ReplicateSeed(options.Seed, replicate));
                var resampled = new double[w.Length];
                for (long d = 0; d < draws; d++)
                {
                    var u = random.NextDouble() * total;
                    var index = Array.BinarySearch(cumulative, u);
                    index = index < 0 ? ~index : index + 1;
                    resampled[Math.Min(index, w.Length - 1)] += 1;
                }

                var success = false;
                try
                {
                    var result = refit(resampled, replicateOptions);
                    if (result.Converged)
                    {
                        var v = new double[width];
                        statistic(result.Model, v);
                        values[replicate] = v;
                        parameters[replicate] = [.. result.Parameters];
                        success = v.All(double.IsFinite);
                    }
                }
                catch (ArgumentException)
                {
                    // A resample can be degenerate (for example no repeat buyers): the replicate is counted as failed.
                }

                ok[replicate] = success;
                var f = success ? Volatile.Read(ref failed) : Interlocked.Increment(ref failed);
                var c = Interlocked.Increment(ref completed);
                options.Progress?.Report(new BootstrapProgress(c, b, f));
            });

        var good = Enumerable.Range(0, b).Where(i => ok[i]).ToArray();
        var level = options.ConfidenceLevel;
        var intervals = new PredictionInterval[width];
        var column = new double[good.Length];
        for (var j = 0; j < width; j++)
        {
            for (var g = 0; g < good.Length; g++)
            {
                column[g] = values[good[g]][j];
            }

            intervals[j] = Interval(estimate[j], column, level);
        }

        var parameterIntervals = new PredictionInterval[k];
        for (var j = 0; j < k; j++)
        {
            for (var g = 0; g < good.Length; g++)
            {
                column[g] = parameters[good[g]][j];
            }

            parameterIntervals[j] = Interval(full.Parameters[j], column, level);
        }

        return new BootstrapResult([.. quantities], customers, intervals, b, b - good.Length, level, full.ParameterNames, parameterIntervals);
    }

    // SplitMix64 of (seed, replicate): a fixed mixing (HashCode is randomized per process), so runs are reproducible.
    private static int ReplicateSeed(int seed, int replicate)
    {
        var z = ((ulong)(uint)seed << 32) | (uint)replicate;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }

    private static PredictionInterval Interval(double estimate, double[] column, double level)
    {
        if (column.Length == 0)
        {
            return new PredictionInterval(estimate, double.NaN, double.NaN, double.NaN);
        }

        var sorted = (double[])column.Clone();
        Array.Sort(sorted);
        var mean = sorted.Average();
        var ss = 0.0;
        foreach (var v in sorted)
        {
            ss += (v - mean) * (v - mean);
        }

        var sd = sorted.Length > 1 ? Math.Sqrt(ss / (sorted.Length - 1)) : double.NaN;
        return new PredictionInterval(estimate, Quantile(sorted, (1 - level) / 2), Quantile(sorted, 1 - ((1 - level) / 2)), sd);
    }

    private static double Quantile(double[] sorted, double p)
    {
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
