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

    /// <summary>[1 − e^{−e·L}] / e, accurate for small |e| and exactly L at e = 0.</summary>
    public static double OneMinusExpOverRate(double e, double l) => e == 0 ? l : -Elementary.ExpM1(-e * l) / e;

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Fail(int row, string name, double value, string rule, string fix) =>
        ClvValidation.Fail(row, name, value, rule, fix);
}
