using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Lifecycle.Numerics;

namespace Lifecycle.Clv;

/// <summary>The BG/NBD log-likelihood and its analytic gradient over weighted rows, grouped by frequency.</summary>
/// <remarks>
/// <para>Per row, ln L = C(x) − r log1p(T/α) − x ln(α+T) + 1[x&gt;0]·softplus(D), with
/// C(x) = [lnΓ(r+x) − lnΓ(r)] + [lnΓ(b+x) − lnΓ(b)] − [lnΓ(a+b+x) − lnΓ(a+b)] (= lnΓ(r+x) − lnΓ(r) + lnB(a, b+x) − lnB(a, b)
/// as log-gamma ratios, which stay accurate when a ≫ b) and D = ln a − ln(b+x−1) + (r+x) log1p((T−t_x)/(α+t_x)).
/// The log1p forms replace r ln α − (r+x) ln(α+T), whose two terms are ~r ln α each and cancel when r is huge.
/// (FHL 2005 eq. 6 with B(a+1, b+x−1) = B(a, b+x)·a/(b+x−1).) Terms that depend on x only are computed once per
/// distinct x and multiplied by the group's weight, so the per-row work is two logarithms and one exponential.</para>
/// <para>Gradient, with σ = 1/(1+e^{−D}) = 1 − P(alive):
/// ∂r = ψ(r+x) − ψ(r) − log1p(T/α) + σ log1p((T−t_x)/(α+t_x));
/// ∂α = rT/(α(α+T)) − x/(α+T) − σ(r+x)(T−t_x)/((α+T)(α+t_x));
/// ∂a = ψ(a+b) − ψ(a+b+x) + σ/a; ∂b = ψ(b+x) − ψ(b) + ψ(a+b) − ψ(a+b+x) − σ/(b+x−1).</para>
/// <para>Rows are processed in parallel chunks whose partial sums are combined in a fixed order, so results are
/// deterministic for a given input and core count limit.</para>
/// </remarks>
internal sealed class BgNbdLikelihood
{
    private const int ParallelThreshold = 32_768;
    private readonly double[] _x;
    private readonly double[] _tx;
    private readonly double[] _t;
    private readonly double[] _w;
    private readonly int[] _groupStart; // length G + 1
    private readonly double[] _groupX;
    private readonly double[] _groupWeight;
    private readonly int _maxDegreeOfParallelism;

    private BgNbdLikelihood(double[] x, double[] tx, double[] t, double[] w, int[] groupStart, double[] groupX, double[] groupWeight, int maxDegreeOfParallelism)
    {
        _x = x;
        _tx = tx;
        _t = t;
        _w = w;
        _groupStart = groupStart;
        _groupX = groupX;
        _groupWeight = groupWeight;
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
        double total = 0, ageSum = 0;
        for (var i = 0; i < w.Length; i++)
        {
            total += w[i];
            ageSum += w[i] * t[i];
        }

        TotalWeight = total;
        MeanAge = total > 0 ? ageSum / total : 0;
    }

    public double TotalWeight { get; }

    public double MeanAge { get; }

    public int Count => _x.Length;

    /// <summary>Validates rows and groups them by frequency (a stable counting sort when the input is not sorted by x).</summary>
    public static BgNbdLikelihood Create(ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, ReadOnlySpan<double> weight, string model, int maxDegreeOfParallelism)
    {
        var n = frequency.Length;
        if (n == 0)
        {
            ThrowHelper.Argument("data", FormattableString.Invariant($"the data set is empty; {model} needs at least one customer to fit."));
        }

        var sorted = true;
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            ClvValidation.CountRow(i, frequency[i], recency[i], t[i], model);
            var wi = weight.Length == 0 ? 1 : weight[i];
            if (!double.IsFinite(wi) || wi < 0)
            {
                ThrowHelper.Argument("weights", FormattableString.Invariant($"row {i}: weight = {wi:R} must be finite and >= 0; weights count customers."));
            }

            total += wi;
            if (i > 0 && frequency[i] < frequency[i - 1])
            {
                sorted = false;
            }
        }

        if (!(total > 0))
        {
            ThrowHelper.Argument("data", FormattableString.Invariant($"the weights add up to {total:R}; {model} needs at least one customer with positive weight."));
        }

        double[] x = new double[n], tx = new double[n], tt = new double[n], w = new double[n];
        if (sorted)
        {
            frequency.CopyTo(x);
            recency.CopyTo(tx);
            t.CopyTo(tt);
            if (weight.Length == 0)
            {
                Array.Fill(w, 1.0);
            }
            else
            {
                weight.CopyTo(w);
            }
        }
        else
        {
            var counts = new Dictionary<double, int>();
            foreach (var f in frequency)
            {
                counts[f] = counts.TryGetValue(f, out var c) ? c + 1 : 1;
            }

            var keys = counts.Keys.ToArray();
            Array.Sort(keys);
            var offset = new Dictionary<double, int>(keys.Length);
            var running = 0;
            foreach (var k in keys)
            {
                offset[k] = running;
                running += counts[k];
            }

            for (var i = 0; i < n; i++)
            {
                var j = offset[frequency[i]]++;
                x[j] = frequency[i];
                tx[j] = recency[i];
                tt[j] = t[i];
                w[j] = weight.Length == 0 ? 1 : weight[i];
            }
        }

        var starts = new List<int>();
        var gx = new List<double>();
        var gw = new List<double>();
        for (var i = 0; i < n; i++)
        {
            if (i == 0 || x[i] != x[i - 1])
            {
                starts.Add(i);
                gx.Add(x[i]);
                gw.Add(0);
            }

            gw[^1] += w[i];
        }

        starts.Add(n);
        return new BgNbdLikelihood(x, tx, tt, w, [.. starts], [.. gx], [.. gw], maxDegreeOfParallelism);
    }

    /// <summary>−LL/W and its gradient in (r, α, a, b); +∞ outside the parameter space.</summary>
    public double MeanNegativeLogLikelihood(ReadOnlySpan<double> p, Span<double> gradient)
    {
        var ll = LogLikelihood(p, gradient);
        var inv = -1 / TotalWeight;
        for (var i = 0; i < 4; i++)
        {
            gradient[i] *= inv;
        }

        return double.IsFinite(ll) ? ll * inv : double.PositiveInfinity;
    }

    /// <summary>Total LL and its gradient.</summary>
    public double LogLikelihood(ReadOnlySpan<double> p, Span<double> gradient)
    {
        double r = p[0], alpha = p[1], a = p[2], b = p[3];
        gradient.Clear();
        if (!(r > 0 && alpha > 0 && a > 0 && b > 0) || !double.IsFinite(r + alpha + a + b))
        {
            return double.NegativeInfinity;
        }

        var g = _groupX.Length;
        var lnA = new double[g];
        var invB = new double[g];
        double ll = 0, dr = 0, da = 0, db = 0;
        var psiR = Polygamma.Digamma(r);
        var psiAB = Polygamma.Digamma(a + b);
        var psiB = Polygamma.Digamma(b);
        for (var k = 0; k < g; k++)
        {
            var x = _groupX[k];
            var wk = _groupWeight[k];
            var psiABX = Polygamma.Digamma(a + b + x);
            ll += wk * (GammaFunctions.LogGammaRatio(r, x) + GammaFunctions.LogGammaRatio(b, x) - GammaFunctions.LogGammaRatio(a + b, x));
            dr += wk * (Polygamma.Digamma(r + x) - psiR);
            da += wk * (psiAB - psiABX);
            db += wk * (Polygamma.Digamma(b + x) - psiB + psiAB - psiABX);
            if (x > 0)
            {
                lnA[k] = Math.Log(a) - Math.Log(b + (x - 1));
                invB[k] = 1 / (b + (x - 1));
            }
        }

        var dAlpha = 0.0;

        var n = _x.Length;
        var chunks = n < ParallelThreshold ? 1 : Math.Max(1, Math.Min(_maxDegreeOfParallelism < 0 ? Environment.ProcessorCount : _maxDegreeOfParallelism, Environment.ProcessorCount)) * 4;
        var partial = new double[chunks * 5];
        if (chunks == 1)
        {
            Chunk(0, n, r, alpha, a, lnA, invB, partial);
        }
        else
        {
            var po = new ParallelOptions { MaxDegreeOfParallelism = _maxDegreeOfParallelism };
            Parallel.For(0, chunks, po, c =>
            {
                var lo = (int)((long)n * c / chunks);
                var hi = (int)((long)n * (c + 1) / chunks);
                Chunk(lo, hi, r, alpha, a, lnA, invB, partial.AsSpan(c * 5, 5));
            });
        }

        for (var c = 0; c < chunks; c++)
        {
            ll += partial[(c * 5) + 0];
            dr += partial[(c * 5) + 1];
            dAlpha += partial[(c * 5) + 2];
            da += partial[(c * 5) + 3];
            db += partial[(c * 5) + 4];
        }

        gradient[0] = dr;
        gradient[1] = dAlpha;
        gradient[2] = da;
        gradient[3] = db;
        return ll;
    }

    private void Chunk(int lo, int hi, double r, double alpha, double a, double[] lnA, double[] invB, Span<double> result)
    {
        double ll = 0, dr = 0, dAlpha = 0, sA = 0, sB = 0;
        var gi = Array.BinarySearch(_groupStart, lo);
        if (gi < 0)
        {
            gi = ~gi - 1;
        }

        var i = lo;
        while (i < hi)
        {
            var end = Math.Min(hi, _groupStart[gi + 1]);
            var x = _groupX[gi];
            var rx = r + x;
            if (x == 0)
            {
                if (Vector256.IsHardwareAccelerated && end - i >= 8)
                {
                    i = ZeroGroupSimd(i, end, r, alpha, ref ll, ref dr, ref dAlpha);
                }

                for (; i < end; i++)
                {
                    var w = _w[i];
                    var ti = _t[i];
                    var lq = Elementary.Log1P(ti / alpha);
                    ll -= w * r * lq;
                    dr -= w * lq;
                    dAlpha += w * r * (ti / alpha / (alpha + ti));
                }
            }
            else
            {
                var la = lnA[gi];
                double groupS = 0;
                if (Vector256.IsHardwareAccelerated && end - i >= 8)
                {
                    i = RepeatGroupSimd(i, end, r, x, alpha, la, ref ll, ref dr, ref dAlpha, ref groupS);
                }

                for (; i < end; i++)
                {
                    var w = _w[i];
                    var ti = _t[i];
                    var gap = ti - _tx[i];
                    var aT = alpha + ti;
                    var aTx = alpha + _tx[i];
                    var lT = Math.Log(aT);
                    var lq = Elementary.Log1P(ti / alpha);
                    var diff = Elementary.Log1P(gap / aTx);
                    var d = la + (rx * diff);
                    double sp, s;
                    if (d > 0)
                    {
                        var e = Math.Exp(-d);
                        sp = d + Elementary.Log1P(e);
                        s = 1 / (1 + e);
                    }
                    else
                    {
                        var e = Math.Exp(d);
                        sp = Elementary.Log1P(e);
                        s = e / (1 + e);
                    }

                    ll += w * ((-r * lq) - (x * lT) + sp);
                    dr += w * (-lq + (s * diff));
                    dAlpha += w * ((r * (ti / alpha / aT)) - (x / aT) - (s * rx * (gap / aT / aTx)));
                    groupS += w * s;
                }

                sA += groupS / a;
                sB -= groupS * invB[gi];
            }

            gi++;
        }

        result[0] = ll;
        result[1] = dr;
        result[2] = dAlpha;
        result[3] = sA;
        result[4] = sB;
    }
    // x = 0 rows: ln L = −r log1p(T/α) (+ the common terms); 4 rows per step.
    private int ZeroGroupSimd(int i, int end, double r, double alpha, ref double ll, ref double dr, ref double dAlpha)
    {
        var t = MemoryMarshal.Cast<double, Vector256<double>>(_t.AsSpan(i, end - i));
        var w = MemoryMarshal.Cast<double, Vector256<double>>(_w.AsSpan(i, end - i));
        var va = Vector256.Create(alpha);
        Vector256<double> sLl = default, sDa = default;
        for (var k = 0; k < t.Length; k++)
        {
            var tk = t[k];
            var lq = Elementary.Log1P(tk / va);
            var wk = w[k];
            sLl += wk * lq;
            sDa += wk * (tk / va / (va + tk));
        }

        var sum = Vector256.Sum(sLl);
        ll -= r * sum;
        dr -= sum;
        dAlpha += r * Vector256.Sum(sDa);
        return i + (t.Length * 4);
    }

    // x > 0 rows of one frequency group: softplus and σ of the log-odds D, 4 rows per step.
    private int RepeatGroupSimd(int i, int end, double r, double x, double alpha, double la, ref double ll, ref double dr, ref double dAlpha, ref double groupS)
    {
        var t = MemoryMarshal.Cast<double, Vector256<double>>(_t.AsSpan(i, end - i));
        var tx = MemoryMarshal.Cast<double, Vector256<double>>(_tx.AsSpan(i, end - i));
        var w = MemoryMarshal.Cast<double, Vector256<double>>(_w.AsSpan(i, end - i));
        var va = Vector256.Create(alpha);
        var vr = Vector256.Create(r);
        var vx = Vector256.Create(x);
        var vrx = Vector256.Create(r + x);
        var vla = Vector256.Create(la);
        var one = Vector256<double>.One;
        Vector256<double> sLl = default, sDr = default, sDa = default, sS = default;
        for (var k = 0; k < t.Length; k++)
        {
            var tk = t[k];
            var gap = tk - tx[k];
            var aT = va + tk;
            var aTx = va + tx[k];
            var lT = Vector256.Log(aT);
            var lq = Elementary.Log1P(tk / va);
            var diff = Elementary.Log1P(gap / aTx);
            var d = vla + (vrx * diff);
            var e = Vector256.Exp(-Vector256.Abs(d));
            var positive = Vector256.GreaterThan(d, Vector256<double>.Zero);
            var sp = Vector256.Max(d, Vector256<double>.Zero) + Vector256.Log(one + e);
            var sig = Vector256.ConditionalSelect(positive, one, e) / (one + e);
            var wk = w[k];
            sLl += wk * (sp - (vr * lq) - (vx * lT));
            sDr += wk * ((sig * diff) - lq);
            sDa += wk * ((vr * (tk / va / aT)) - (vx / aT) - (sig * vrx * (gap / aT / aTx)));
            sS += wk * sig;
        }

        ll += Vector256.Sum(sLl);
        dr += Vector256.Sum(sDr);
        dAlpha += Vector256.Sum(sDa);
        groupS += Vector256.Sum(sS);
        return i + (t.Length * 4);
    }
}
