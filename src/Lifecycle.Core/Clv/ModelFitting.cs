using Lifecycle.Numerics;

namespace Lifecycle.Clv;

/// <summary>Accumulates per-row quantities over a range of rows into <paramref name="accumulator"/>.</summary>
internal delegate void RowChunkBody(int start, int end, Span<double> accumulator);

/// <summary>Shared machinery of the CLV II models: deterministic parallel row sums, observed information, input checks.</summary>
internal static class ModelFitting
{
    /// <summary>Rows per work item of the parallel sums (fixed, so the summation order never depends on the core count).</summary>
    public const int ChunkSize = 1024;

    /// <summary>Sums <paramref name="width"/> accumulators over <paramref name="rows"/> rows in fixed chunks; chunks may run in parallel, partial sums are added in chunk order, so the result is bit-for-bit the same on any number of cores.</summary>
    public static void Sum(int rows, int width, int maxDegreeOfParallelism, RowChunkBody body, Span<double> result)
    {
        result[..width].Clear();
        var chunks = (rows + ChunkSize - 1) / ChunkSize;
        if (chunks <= 1 || maxDegreeOfParallelism == 1)
        {
            if (chunks <= 1)
            {
                body(0, rows, result);
                return;
            }
        }

        var partial = new double[chunks * width];
        if (maxDegreeOfParallelism == 1 || chunks < 4)
        {
            for (var c = 0; c < chunks; c++)
            {
                body(c * ChunkSize, Math.Min(rows, (c + 1) * ChunkSize), partial.AsSpan(c * width, width));
            }
        }
        else
        {
            Parallel.For(
                0,
                chunks,
                new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
                c => body(c * ChunkSize, Math.Min(rows, (c + 1) * ChunkSize), partial.AsSpan(c * width, width)));
        }

        for (var c = 0; c < chunks; c++)
        {
            for (var k = 0; k < width; k++)
            {
                result[k] += partial[(c * width) + k];
            }
        }
    }

    /// <summary>Starting values from the options (checked for count) or the model's default.</summary>
    public static double[] Start(FitOptions options, double[] defaults, string model, string names)
    {
        if (options.InitialParameters is not { } init)
        {
            return defaults;
        }

        if (init.Count != defaults.Length)
        {
            ThrowHelper.Argument(nameof(options), FormattableString.Invariant($"InitialParameters has {init.Count} values; {model} needs {defaults.Length} ({names}); pass one starting value per parameter or leave it null."));
        }

        return [.. init];
    }

    /// <summary>Seconds per model time unit: the finest purchase period a summary can count (one purchase per second).</summary>
    public static double SecondsPerUnit(TimeUnit unit) => unit == TimeUnit.Weeks ? 604_800 : 86_400;

    /// <summary>Checks every row of a continuous-time count data set and rejects data sets no count model can be fitted to, naming what the data show.</summary>
    /// <remarks>
    /// Rejected: no weight; every T = 0 (nobody was observed for any time); every x = 0 (no repeat purchases, so no
    /// purchase rate and no dropout can be seen); a single distinct customer row (one customer, or identical
    /// customers, cannot identify four parameters); a frequency above one purchase per second of T, or above 2⁵³
    /// (not a count of purchase periods on any time unit).
    /// </remarks>
    public static FitSample CountData(CompressedSummaries data, string model)
    {
        ArgumentNullException.ThrowIfNull(data);
        double weighted = 0, maxT = 0, maxX = 0;
        var distinct = 0;
        for (var i = 0; i < data.Count; i++)
        {
            double x = data.Frequency[i], tx = data.Recency[i], t = data.T[i];
            ClvValidation.CountRow(i, x, tx, t, model);
            if (x > 9007199254740992 || x > t * SecondsPerUnit(data.Unit))
            {
                Fail(i, "frequency", x, FormattableString.Invariant($"is more repeat purchases than one per second over T = {t:R} {data.Unit} (or more than 2^53)"), "frequencies count purchase periods (days or weeks); check the summary for a unit or overflow error");
            }

            if (data.Weight[i] > 0)
            {
                distinct++;
                weighted += data.Weight[i];
                maxT = Math.Max(maxT, t);
                maxX = Math.Max(maxX, x);
            }
        }

        if (!(weighted > 0))
        {
            ThrowHelper.Argument(nameof(data), FormattableString.Invariant($"data has no customers (total weight 0); {model} needs customers with a positive weight."));
        }

        if (maxT == 0)
        {
            ThrowHelper.Argument(nameof(data), FormattableString.Invariant($"every customer has T = 0 (first purchase at the observation end): nothing was observed, so {model} cannot be fitted; move the observation end later than the first purchases."));
        }

        if (maxX == 0)
        {
            ThrowHelper.Argument(nameof(data), FormattableString.Invariant($"no repeat purchases: all {weighted:R} customers have frequency 0, so neither a purchase rate nor dropout is visible and {model} cannot be fitted; observe longer, or use a model of first purchases."));
        }

        if (distinct < 2)
        {
            ThrowHelper.Argument(nameof(data), FormattableString.Invariant($"a single distinct customer row ({weighted:R} customer(s) with the same x, t_x, T) cannot identify the {model} parameters; fit on a sample of customers who differ."));
        }

        return new FitSample(data.Count, weighted);
    }

    /// <summary>Checks a continuous-time count row: whole frequency, 0 ≤ t_x ≤ T, t_x = 0 when x = 0, T &gt; 0 when x &gt; 0.</summary>
    public static void CountRow(int row, double frequency, double recency, double t, string model) =>
        ClvValidation.CountRow(row, frequency, recency, t, model);

    /// <summary>Checks span lengths of a batch call.</summary>
    public static void SameLength(int n, int recency, int t, int destination) =>
        ClvValidation.SameLength(n, recency, t, destination);

    /// <summary>Checks a continuous unit for a model constructor.</summary>
    public static void ContinuousUnit(TimeUnit unit, string paramName)
    {
        if (unit is not (TimeUnit.Days or TimeUnit.Weeks))
        {
            ThrowHelper.ArgumentOutOfRange(paramName, unit, "must be TimeUnit.Days or TimeUnit.Weeks", "pass the unit the parameters were fitted on");
        }
    }

    /// <summary>Checks that data are on the model's unit.</summary>
    public static void SameUnit(TimeUnit data, TimeUnit model)
    {
        if (data != model)
        {
            ThrowHelper.Argument(nameof(data), FormattableString.Invariant($"data are in {data} but the model is in {model}; convert the summaries or refit on the data's unit."));
        }
    }

    /// <summary>An exception's message without the framework's " (Parameter '…')" and "Actual value was …" suffixes, for messages shown to people.</summary>
    public static string PlainMessage(Exception e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message;
    }

    /// <summary>Checks that something with a stated unit (summaries, discounting) is on the model's unit; <see cref="TimeUnit.None"/> on either side means "not stated" and passes.</summary>
    public static void SameUnit(string what, TimeUnit unit, ITransactionModel model)
    {
        if (unit != TimeUnit.None && model.TimeUnit != TimeUnit.None && unit != model.TimeUnit)
        {
            ThrowHelper.Argument(nameof(unit), FormattableString.Invariant($"{what} in {ModelDocument.Name(unit)} but the model is in {ModelDocument.Name(model.TimeUnit)}; use one time unit for the model, the summaries and the discounting (refit, resummarize, or build the discounting for {ModelDocument.Name(model.TimeUnit)})."));
        }
    }

    /// <summary>[1 − e^{−e·L}] / e, accurate for small |e| and exactly L at e = 0.</summary>
    public static double OneMinusExpOverRate(double e, double l) => e == 0 ? l : -Elementary.ExpM1(-e * l) / e;

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Fail(int row, string name, double value, string rule, string fix) =>
        ClvValidation.Fail(row, name, value, rule, fix);
}
