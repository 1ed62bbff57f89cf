using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Lifecycle.Numerics;

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
/// series: G is memoized per chunk in a 65,536-entry open-addressing cache keyed by (x, T) (one cache line per lookup), so customers on a period grid
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
        ProbabilityAliveCore(model, rowOffset, x, tx, t, destination);
    }

    // P(alive) = 1 / (1 + e^D) for x > 0, D = ln(a/(b+x−1)) + (r+x)(ln(α+T) − ln(α+t_x)); exactly 1 for x = 0.
    // Rows are validated in the same pass (vector compares; a failing block is re-checked row by row for the message).
    private static void ProbabilityAliveCore(BgNbdModel model, int rowOffset, ReadOnlySpan<double> x, ReadOnlySpan<double> tx, ReadOnlySpan<double> t, Span<double> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= 4)
        {
            var vx = MemoryMarshal.Cast<double, Vector256<double>>(x);
            var vtx = MemoryMarshal.Cast<double, Vector256<double>>(tx);
            var vt = MemoryMarshal.Cast<double, Vector256<double>>(t);
            var vd = MemoryMarshal.Cast<double, Vector256<double>>(destination);
            var a = Vector256.Create(model.A);
            var b = Vector256.Create(model.B);
            var r = Vector256.Create(model.R);
            var alpha = Vector256.Create(model.Alpha);
            var one = Vector256<double>.One;
            var zero = Vector256<double>.Zero;
            var max = Vector256.Create(double.MaxValue);
            for (var k = 0; k < vx.Length; k++)
            {
                var xk = vx[k];
                var txk = vtx[k];
                var tk = vt[k];
                var valid = Vector256.GreaterThanOrEqual(xk, zero) & Vector256.Equals(xk, Vector256.Floor(xk))
                    & Vector256.GreaterThanOrEqual(txk, zero) & Vector256.GreaterThanOrEqual(tk, txk) & Vector256.LessThanOrEqual(tk, max)
                    & ((Vector256.GreaterThan(xk, zero) & Vector256.GreaterThan(tk, zero)) | (Vector256.Equals(xk, zero) & Vector256.Equals(txk, zero)));
                if (!Vector256.EqualsAll(valid.AsInt64(), Vector256<long>.AllBitsSet))
                {
                    Validate(rowOffset + (4 * k), x.Slice(4 * k, 4), tx.Slice(4 * k, 4), t.Slice(4 * k, 4));
                }

                // e^D = a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}: one log1p and one exp per row (overflow to ∞ gives P = 0,
                // the true value being below 1e-308). b + (x−1) keeps b < 1 exact at x = 1; log1p((T−t_x)/(α+t_x)) keeps
                // the log ratio accurate when α ≫ T and r + x is large.
                var odds = a / (b + (xk - one)) * Vector256.Exp((r + xk) * Elementary.Log1P((tk - txk) / (alpha + txk)));
                var pa = one / (one + odds);
                vd[k] = Vector256.ConditionalSelect(Vector256.Equals(xk, Vector256<double>.Zero), one, pa);
            }

            i = vx.Length * 4;
        }

        Validate(rowOffset + i, x[i..], tx[i..], t[i..]);
        for (; i < x.Length; i++)
        {
            destination[i] = model.ProbabilityAliveCore(x[i], tx[i], t[i]);
        }
    }

    private static void WeightedExpectedChunk(BgNbdModel model, int rowOffset, ReadOnlySpan<double> x, ReadOnlySpan<double> tx, ReadOnlySpan<double> t, Span<double> destination, ReadOnlySpan<double> horizons, ReadOnlySpan<double> weights)
    {
        ProbabilityAliveCore(model, rowOffset, x, tx, t, destination);
        var size = 1 << CacheBits;
        var cache = ArrayPool<CacheEntry>.Shared.Rent(size);
        try
        {
            var entries = cache.AsSpan(0, size);
            entries.Fill(new CacheEntry(double.NaN, 0, 0));
            var mask = size - 1;
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
                var g = double.NaN;

                // Open addressing with a short linear probe: one cache line per lookup; a full neighbourhood just
                // means the value is computed without being stored.
                for (var probe = 0; probe < 8; probe++)
                {
                    ref var e = ref entries[(slot + probe) & mask];
                    if (e.X == xi && e.T == ti)
                    {
                        g = e.G;
                        break;
                    }

                    if (double.IsNaN(e.X))
                    {
                        g = G(model, horizons, weights, xi, alpha + ti);
                        e = new CacheEntry(xi, ti, g);
                        break;
                    }
                }

                if (double.IsNaN(g))
                {
                    g = G(model, horizons, weights, xi, alpha + ti);
                }

                destination[i] = pa * g;
            }
        }
        finally
        {
            ArrayPool<CacheEntry>.Shared.Return(cache);
        }
    }

    private static double G(BgNbdModel model, ReadOnlySpan<double> horizons, ReadOnlySpan<double> weights, double x, double scale)
    {
        var g = 0.0;
        for (var k = 0; k < horizons.Length; k++)
        {
            g += weights[k] * model.ExpectedRemaining(horizons[k], x, scale);
        }

        return g;
    }

    private readonly record struct CacheEntry(double X, double T, double G);
}
