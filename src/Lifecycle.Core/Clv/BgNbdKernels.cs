using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Lifecycle.Clv;

/// <summary>A transaction model that can sum Σₖ ωₖ E[Y(hₖ) | x, t_x, T] over several horizons in one pass (used by discrete CLV).</summary>
internal interface IHorizonSumTransactionModel : ITransactionModel
{
    void WeightedExpectedTransactions(ReadOnlySpan<double> horizons, ReadOnlySpan<double> weights, ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, Span<double> destination);
}

/// <summary>Batch kernels for <see cref="BgNbdModel"/>.</summary>
/// <remarks>
/// <para>Work is split into one chunk per core (the calling thread takes the first; the others run on copies of their
/// slices, rented from the array pool). Each chunk validates its rows (errors name the global row; the lowest failing
/// chunk is reported) and then computes.</para>
/// <para>P(alive) is vectorized (Vector256 log/exp, within 3 ulp). E[Y(h)] = P(alive) · G(x, α+T) where G needs a ₂F₁
/// series: G is memoized per chunk in a 65,536-entry direct-mapped cache keyed by (x, T), so customers on a period grid
/// (everything TransactionSummarizer produces) share one series per distinct (x, T). Results do not depend on the cache.</para>
/// </remarks>
internal static class BgNbdKernels
{
    private const int MinRowsPerChunk = 16_384;
    private const int CacheBits = 16;

    private delegate void Kernel(BgNbdModel model, int rowOffset, ReadOnlySpan<double> x, ReadOnlySpan<double> tx, ReadOnlySpan<double> t, Span<double> destination, ReadOnlySpan<double> horizons, ReadOnlySpan<double> weights);

    public static void ProbabilityAlive(BgNbdModel model, ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, Span<double> destination) =>
        Run(model, frequency, recency, t, destination, [], [], ProbabilityAliveChunk);

    public static void ConditionalExpected(BgNbdModel model, double horizon, ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, Span<double> destination) =>
        Run(model, frequency, recency, t, destination, [horizon], [1.0], WeightedExpectedChunk);

    public static void WeightedExpected(BgNbdModel model, ReadOnlySpan<double> horizons, ReadOnlySpan<double> weights, ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, Span<double> destination) =>
        Run(model, frequency, recency, t, destination, horizons, weights, WeightedExpectedChunk);

    private static void Run(BgNbdModel model, ReadOnlySpan<double> x, ReadOnlySpan<double> tx, ReadOnlySpan<double> t, Span<double> destination, ReadOnlySpan<double> horizons, ReadOnlySpan<double> weights, Kernel kernel)
    {
        var n = x.Length;
        var chunks = Math.Min(Environment.ProcessorCount, Math.Max(1, n / MinRowsPerChunk));
        if (chunks == 1)
        {
            kernel(model, 0, x, tx, t, destination[..n], horizons, weights);
            return;
        }

        var bounds = new int[chunks + 1];
        for (var c = 0; c <= chunks; c++)
        {
            bounds[c] = (int)((long)n * c / chunks);
        }

        var errors = new ExceptionDispatchInfo?[chunks];
        var rented = new double[chunks][];
        var h = horizons.ToArray();
        var w = weights.ToArray();
        var tasks = new Task[chunks - 1];
        for (var c = 1; c < chunks; c++)
        {
            var lo = bounds[c];
            var len = bounds[c + 1] - lo;
            var buffer = ArrayPool<double>.Shared.Rent(4 * len);
            rented[c] = buffer;
            x.Slice(lo, len).CopyTo(buffer.AsSpan(0, len));
            tx.Slice(lo, len).CopyTo(buffer.AsSpan(len, len));
            t.Slice(lo, len).CopyTo(buffer.AsSpan(2 * len, len));
            var chunk = c;
            tasks[c - 1] = Task.Run(() =>
            {
                try
                {
                    var b = buffer.AsSpan();
                    kernel(model, lo, b[..len], b.Slice(len, len), b.Slice(2 * len, len), b.Slice(3 * len, len), h, w);
                }
                catch (ArgumentException ex)
                {
                    errors[chunk] = ExceptionDispatchInfo.Capture(ex);
                }
            });
        }

        try
        {
            kernel(model, 0, x[..bounds[1]], tx[..bounds[1]], t[..bounds[1]], destination[..bounds[1]], horizons, weights);
        }
        catch (ArgumentException ex)
        {
            errors[0] = ExceptionDispatchInfo.Capture(ex);
        }

        Task.WaitAll(tasks);
        try
        {
            foreach (var e in errors)
            {
                e?.Throw();
            }

            for (var c = 1; c < chunks; c++)
            {
                var lo = bounds[c];
                var len = bounds[c + 1] - lo;
                rented[c].AsSpan(3 * len, len).CopyTo(destination.Slice(lo, len));
            }
        }
        finally
        {
            for (var c = 1; c < chunks; c++)
            {
                ArrayPool<double>.Shared.Return(rented[c]);
            }
        }
    }

    private static void Validate(int rowOffset, ReadOnlySpan<double> x, ReadOnlySpan<double> tx, ReadOnlySpan<double> t)
    {
        for (var i = 0; i < x.Length; i++)
        {
            double xi = x[i], txi = tx[i], ti = t[i];
            // Fast path for the common valid row; the full check (with its message) runs only when something looks off.
            if (!(xi >= 0 && xi == Math.Floor(xi) && txi >= 0 && ti >= txi && ti <= double.MaxValue && (xi > 0 ? ti > 0 : txi == 0)))
            {
                ClvValidation.CountRow(rowOffset + i, xi, txi, ti, "BG/NBD");
            }
        }
    }

    private static void ProbabilityAliveChunk(BgNbdModel model, int rowOffset, ReadOnlySpan<double> x, ReadOnlySpan<double> tx, ReadOnlySpan<double> t, Span<double> destination, ReadOnlySpan<double> horizons, ReadOnlySpan<double> weights)
    {
        Validate(rowOffset, x, tx, t);
        ProbabilityAliveCore(model, x, tx, t, destination);
    }

    // P(alive) = 1 / (1 + e^D) for x > 0, D = ln(a/(b+x−1)) + (r+x)(ln(α+T) − ln(α+t_x)); exactly 1 for x = 0.
    private static void ProbabilityAliveCore(BgNbdModel model, ReadOnlySpan<double> x, ReadOnlySpan<double> tx, ReadOnlySpan<double> t, Span<double> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= 4)
        {
            var vx = MemoryMarshal.Cast<double, Vector256<double>>(x);
            var vtx = MemoryMarshal.Cast<double, Vector256<double>>(tx);
            var vt = MemoryMarshal.Cast<double, Vector256<double>>(t);
            var vd = MemoryMarshal.Cast<double, Vector256<double>>(destination);
            var a = Vector256.Create(model.A);
            var bm1 = Vector256.Create(model.B - 1);
            var r = Vector256.Create(model.R);
            var alpha = Vector256.Create(model.Alpha);
            var one = Vector256<double>.One;
            for (var k = 0; k < vx.Length; k++)
            {
                var xk = vx[k];
                var d = Vector256.Log(a / (bm1 + xk)) + ((r + xk) * (Vector256.Log(alpha + vt[k]) - Vector256.Log(alpha + vtx[k])));
                var pa = one / (one + Vector256.Exp(d));
                vd[k] = Vector256.ConditionalSelect(Vector256.Equals(xk, Vector256<double>.Zero), one, pa);
            }

            i = vx.Length * 4;
        }

        for (; i < x.Length; i++)
        {
            destination[i] = model.ProbabilityAliveCore(x[i], tx[i], t[i]);
        }
    }

    private static void WeightedExpectedChunk(BgNbdModel model, int rowOffset, ReadOnlySpan<double> x, ReadOnlySpan<double> tx, ReadOnlySpan<double> t, Span<double> destination, ReadOnlySpan<double> horizons, ReadOnlySpan<double> weights)
    {
        Validate(rowOffset, x, tx, t);
        ProbabilityAliveCore(model, x, tx, t, destination);
        var size = 1 << CacheBits;
        var keys = ArrayPool<double>.Shared.Rent(3 * size);
        try
        {
            var keyX = keys.AsSpan(0, size);
            var keyT = keys.AsSpan(size, size);
            var value = keys.AsSpan(2 * size, size);
            keyX.Fill(double.NaN);
            var alpha = model.Alpha;
            for (var i = 0; i < x.Length; i++)
            {
                var pa = destination[i];
                if (pa == 0)
                {
                    continue;
                }

                double xi = x[i], ti = t[i];
                var hash = (ulong)BitConverter.DoubleToInt64Bits(xi) * 0x9E3779B97F4A7C15UL;
                hash ^= (ulong)BitConverter.DoubleToInt64Bits(ti) * 0xC2B2AE3D27D4EB4FUL;
                var slot = (int)(hash >> (64 - CacheBits));
                double g;
                if (keyX[slot] == xi && keyT[slot] == ti)
                {
                    g = value[slot];
                }
                else
                {
                    g = 0;
                    for (var k = 0; k < horizons.Length; k++)
                    {
                        g += weights[k] * model.ExpectedRemaining(horizons[k], xi, alpha + ti);
                    }

                    keyX[slot] = xi;
                    keyT[slot] = ti;
                    value[slot] = g;
                }

                destination[i] = pa * g;
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(keys);
        }
    }
}
