using Lifecycle.Numerics;

namespace Lifecycle.Clv;

/// <summary>The Pareto/NBD log-likelihood over compressed rows, with a central-difference gradient computed in the same pass.</summary>
/// <remarks>
/// <para>Per row, ln L = lnΓ(r+x) − lnΓ(r) + r ln α + s ln β + ln[e^{ℓ₁} + s/(r+s+x) · A₀] with
/// ℓ₁ = −(r+x) ln(α+T) − s ln(β+T). A₀ = e^{u(t_x)} − e^{u(T)} is the difference of two terms
/// u(y) = ln ₂F₁(r+s+x, b; r+s+x+1; z(y)) − (r+s+x) ln(m+y), with (b, m, z) = (s+1, α, (α−β)/(α+y)) when α ≥ β
/// and (r+x, β, (β−α)/(β+y)) when α &lt; β. It is formed as u(t_x) + ln(−expm1(u(T) − u(t_x))), so it never
/// leaves log space and keeps its relative accuracy however large the two terms are.</para>
/// <para>The gradient is analytic (see <see cref="CombineRow"/>): after Euler's transformation each A₀ term is a
/// series of positive terms whose derivatives in the parameters are summed in the same loop. Rows run in parallel in
/// fixed chunks, so results do not depend on the core count.</para>
/// </remarks>
internal sealed class ParetoNbdLikelihood
{
    private readonly double[] _x;
    private readonly double[] _tx;
    private readonly double[] _t;
    private readonly double[] _w;
    private readonly int _maxDegree;
    private readonly int[] _rowNodeTx;
    private readonly int[] _rowNodeT;
    private readonly double[] _nodeX;
    private readonly double[] _nodeY;

    public ParetoNbdLikelihood(ReadOnlySpan<double> x, ReadOnlySpan<double> tx, ReadOnlySpan<double> t, ReadOnlySpan<double> w, int maxDegreeOfParallelism)
    {
        _x = x.ToArray();
        _tx = tx.ToArray();
        _t = t.ToArray();
        _w = w.ToArray();
        _maxDegree = maxDegreeOfParallelism;
        double total = 0, age = 0;
        for (var i = 0; i < _x.Length; i++)
        {
            total += _w[i];
            age += _w[i] * _t[i];
        }

        TotalWeight = total;
        MeanAge = total > 0 ? age / total : 0;

        // The A₀ terms depend on a row only through (x, t_x) and (x, T): evaluate each distinct pair once per evaluation.
        var nodes = new Dictionary<(double X, double Y), int>();
        var nodeX = new List<double>();
        var nodeY = new List<double>();
        _rowNodeTx = new int[_x.Length];
        _rowNodeT = new int[_x.Length];
        for (var i = 0; i < _x.Length; i++)
        {
            if (_tx[i] >= _t[i])
            {
                _rowNodeTx[i] = _rowNodeT[i] = -1;
                continue;
            }

            _rowNodeTx[i] = Node(_x[i], _tx[i]);
            _rowNodeT[i] = Node(_x[i], _t[i]);
        }

        _nodeX = [.. nodeX];
        _nodeY = [.. nodeY];

        int Node(double x, double y)
        {
            if (!nodes.TryGetValue((x, y), out var index))
            {
                index = nodeX.Count;
                nodes.Add((x, y), index);
                nodeX.Add(x);
                nodeY.Add(y);
            }

            return index;
        }
    }

    /// <summary>Gets the number of distinct (x, y) pairs at which the A₀ terms are evaluated.</summary>
    public int NodeCount => _nodeX.Length;

    public double TotalWeight { get; }

    public double MeanAge { get; }

    /// <summary>ln L of one row at (r, α, s, β).</summary>
    public static double Row(double r, double alpha, double s, double beta, double x, double tx, double t)
    {
        var head = GammaFunctions.LogGammaRatio(r, x) + (r * Math.Log(alpha)) + (s * Math.Log(beta));
        var l1 = (-(r + x) * Math.Log(alpha + t)) - (s * Math.Log(beta + t));
        return head + LogSumExp.Add(l1, LogSecondTerm(r, alpha, s, beta, x, tx, t));
    }

    /// <summary>ln[s/(r+s+x) · A₀], −∞ when t_x = T (A₀ = 0).</summary>
    public static double LogSecondTerm(double r, double alpha, double s, double beta, double x, double tx, double t)
    {
        if (tx >= t)
        {
            return double.NegativeInfinity;
        }

        // The short positive series of LogIntegralTail (general ₂F₁ only where it would be slow); same value as below.
        Span<double> unused = stackalloc double[4];
        var v1 = LogIntegralTail(r, alpha, s, beta, x, tx, unused);
        var v2 = LogIntegralTail(r, alpha, s, beta, x, t, unused);
        var dv = v2 - v1;
        if (dv < 0 && double.IsFinite(v1))
        {
            return Math.Log(s / (r + s + x)) + v1 + Math.Log(-Elementary.ExpM1(dv));
        }

        return LogSecondTermGeneral(r, alpha, s, beta, x, tx, t);
    }

    /// <summary>ln[s/(r+s+x) · A₀] from the general ₂F₁ (the published form of A₀).</summary>
    public static double LogSecondTermGeneral(double r, double alpha, double s, double beta, double x, double tx, double t)
    {
        if (tx >= t)
        {
            return double.NegativeInfinity;
        }

        var a1 = r + s + x;
        double u1, u2;
        if (alpha >= beta)
        {
            u1 = Hypergeometric.LogHyp2F1(a1, s + 1, a1 + 1, (alpha - beta) / (alpha + tx), out _) - (a1 * Math.Log(alpha + tx));
            u2 = Hypergeometric.LogHyp2F1(a1, s + 1, a1 + 1, (alpha - beta) / (alpha + t), out _) - (a1 * Math.Log(alpha + t));
        }
        else
        {
            u1 = Hypergeometric.LogHyp2F1(a1, r + x, a1 + 1, (beta - alpha) / (beta + tx), out _) - (a1 * Math.Log(beta + tx));
            u2 = Hypergeometric.LogHyp2F1(a1, r + x, a1 + 1, (beta - alpha) / (beta + t), out _) - (a1 * Math.Log(beta + t));
        }

        var d = u2 - u1;
        if (!(d < 0))
        {
            // A₀ > 0 exactly; d ≥ 0 only when T − t_x is below the resolution of u, where the term is negligible.
            return double.IsNaN(d) ? double.NaN : double.NegativeInfinity;
        }

        return Math.Log(s / a1) + u1 + Math.Log(-Elementary.ExpM1(d));
    }

    /// <summary>−LL/W and its analytic gradient in the natural parameters.</summary>
    public double MeanNegativeLogLikelihood(ReadOnlySpan<double> p, Span<double> gradient)
    {
        double r = p[0], alpha = p[1], s = p[2], beta = p[3];

        // Phase 1: u and ∇u at every distinct (x, y) node (each node writes its own slots: deterministic).
        var nodes = _nodeX.Length;
        var u = new double[nodes];
        var du = new double[4 * nodes];
        var nodeChunks = (nodes + ModelFitting.ChunkSize - 1) / ModelFitting.ChunkSize;
        void Nodes(int c)
        {
            var end = Math.Min(nodes, (c + 1) * ModelFitting.ChunkSize);
            for (var k = c * ModelFitting.ChunkSize; k < end; k++)
            {
                u[k] = LogIntegralTail(r, alpha, s, beta, _nodeX[k], _nodeY[k], du.AsSpan(4 * k, 4));
            }
        }

        if (nodeChunks < 4 || _maxDegree == 1)
        {
            for (var c = 0; c < nodeChunks; c++)
            {
                Nodes(c);
            }
        }
        else
        {
            Parallel.For(0, nodeChunks, new ParallelOptions { MaxDegreeOfParallelism = _maxDegree }, Nodes);
        }

        // Phase 2: combine per row, summed in fixed chunks.
        Span<double> acc = stackalloc double[5];
        ModelFitting.Sum(
            _x.Length,
            5,
            _maxDegree,
            (start, end, a) =>
            {
                Span<double> g = stackalloc double[4];
                var lastX = double.NaN;
                var lastT = double.NaN;
                var k = new RowConstants { LnAlpha = Math.Log(alpha), LnBeta = Math.Log(beta) };
                for (var i = start; i < end; i++)
                {
                    var w = _w[i];
                    if (w == 0)
                    {
                        continue;
                    }

                    var x = _x[i];
                    if (x != lastX)
                    {
                        // Rows are sorted by x, so these are computed once per distinct frequency and chunk.
                        k.LogGammaRatio = GammaFunctions.LogGammaRatio(r, x);
                        k.DigammaDifference = x == 0 ? 0 : Polygamma.Digamma(r + x) - Polygamma.Digamma(r);
                        k.LogSOverA = Math.Log(s / (r + s + x));
                        lastX = x;
                    }

                    var t = _t[i];
                    if (t != lastT)
                    {
                        k.LnAt = Math.Log(alpha + t);
                        k.LnBt = Math.Log(beta + t);
                        lastT = t;
                    }

                    var n1 = _rowNodeTx[i];
                    var n2 = _rowNodeT[i];
                    var ll = n1 < 0
                        ? CombineRow(r, alpha, s, beta, x, t, k, double.NaN, default, double.NaN, default, g)
                        : CombineRow(r, alpha, s, beta, x, t, k, u[n1], du.AsSpan(4 * n1, 4), u[n2], du.AsSpan(4 * n2, 4), g);
                    a[0] += w * ll;
                    a[1] += w * g[0];
                    a[2] += w * g[1];
                    a[3] += w * g[2];
                    a[4] += w * g[3];
                }
            },
            acc);
        for (var k = 0; k < 4; k++)
        {
            gradient[k] = -acc[k + 1] / TotalWeight;
        }

        return -acc[0] / TotalWeight;
    }

    /// <summary>ln L of one row and its gradient in (r, α, s, β).</summary>
    /// <remarks>
    /// With I(y) = ∫_y^∞ s (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ, L ∝ e^{ℓ₁} + I(t_x) − I(T). Euler's transformation of the
    /// ₂F₁ with c = a + 1 gives I(y) = (s/a) e^{u(y)} with, for α ≥ β, u = −(r+x) ln(α+y) − s ln(β+y) + ln G(r+x, z) and,
    /// for α &lt; β, u = −(r+x−1) ln(α+y) − (s+1) ln(β+y) + ln G(s+1, z), where G(e, z) = ₂F₁(1, e; r+s+x+1; z) =
    /// Σ_k (e)_k/(c)_k z^k has positive terms falling at least as fast as z^k, so it and its derivatives in e, c and z
    /// are summed together in one short loop. Rows with z &gt; 0.9 (slow series) use the general ₂F₁ and central differences.
    /// </remarks>
    /// <param name="r">Shape r of the purchase-rate gamma.</param>
    /// <param name="alpha">Scale α of the purchase-rate gamma.</param>
    /// <param name="s">Shape s of the dropout-rate gamma.</param>
    /// <param name="beta">Scale β of the dropout-rate gamma.</param>
    /// <param name="x">Repeat transactions of the row.</param>
    /// <param name="t">Age T of the row.</param>
    /// <param name="k">Per-row constants shared by the terms.</param>
    /// <param name="u1">u(t_x), or NaN when t_x = T (no A₀ term).</param>
    /// <param name="du1">Derivatives of u(t_x) in (r, α, s, β).</param>
    /// <param name="u2">u(T).</param>
    /// <param name="du2">Derivatives of u(T) in (r, α, s, β).</param>
    /// <param name="gradient">Receives the gradient of ln L in (r, α, s, β).</param>
    /// <returns>ln L of the row.</returns>
    internal static double CombineRow(double r, double alpha, double s, double beta, double x, double t, in RowConstants k, double u1, ReadOnlySpan<double> du1, double u2, ReadOnlySpan<double> du2, Span<double> gradient)
    {
        double lnAlpha = k.LnAlpha, lnBeta = k.LnBeta, lnAt = k.LnAt, lnBt = k.LnBt, digammaDifference = k.DigammaDifference;
        var head = k.LogGammaRatio + (r * lnAlpha) + (s * lnBeta);
        var l1 = (-(r + x) * lnAt) - (s * lnBt);

        // ∂head and ∂ℓ₁.
        double hr = digammaDifference + lnAlpha, ha = r / alpha, hs = lnBeta, hb = s / beta;
        double g1r = -lnAt, g1a = -(r + x) / (alpha + t), g1s = -lnBt, g1b = -s / (beta + t);

        if (double.IsNaN(u1))
        {
            gradient[0] = hr + g1r;
            gradient[1] = ha + g1a;
            gradient[2] = hs + g1s;
            gradient[3] = hb + g1b;
            return head + l1;
        }

        var d = u2 - u1;
        if (!(d < 0) || !double.IsFinite(u1))
        {
            gradient[0] = hr + g1r;
            gradient[1] = ha + g1a;
            gradient[2] = hs + g1s;
            gradient[3] = hb + g1b;
            return double.IsNaN(d) ? double.NaN : head + l1;
        }

        var aSum = r + s + x;
        var em = Elementary.ExpM1(d);
        var oneMinusRho = -em;
        var rho = 1 + em;
        var l2 = k.LogSOverA + u1 + Math.Log(oneMinusRho);

        // log(e^{l1} + e^{l2}) and the weights e^{l·−lse} from one exponential.
        double lse, w1, w2;
        if (l2 > l1)
        {
            var q = Math.Exp(l1 - l2);
            lse = l2 + Elementary.Log1P(q);
            w2 = 1 / (1 + q);
            w1 = q * w2;
        }
        else
        {
            var q = Math.Exp(l2 - l1);
            lse = l1 + Elementary.Log1P(q);
            w1 = 1 / (1 + q);
            w2 = q * w1;
        }
        double g2r = (-1 / aSum) + ((du1[0] - (rho * du2[0])) / oneMinusRho);
        double g2a = (du1[1] - (rho * du2[1])) / oneMinusRho;
        double g2s = (1 / s) - (1 / aSum) + ((du1[2] - (rho * du2[2])) / oneMinusRho);
        double g2b = (du1[3] - (rho * du2[3])) / oneMinusRho;
        gradient[0] = hr + (w1 * g1r) + (w2 * g2r);
        gradient[1] = ha + (w1 * g1a) + (w2 * g2a);
        gradient[2] = hs + (w1 * g1s) + (w2 * g2s);
        gradient[3] = hb + (w1 * g1b) + (w2 * g2b);
        return head + lse;
    }

    // u(y) = ln[(a/s) I(y)] and its gradient in (r, α, s, β); see CombineRow.
    internal static double LogIntegralTail(double r, double alpha, double s, double beta, double x, double y, Span<double> du)
    {
        var c = r + s + x + 1;
        var lnAy = Math.Log(alpha + y);
        var lnBy = Math.Log(beta + y);
        var branchA = alpha >= beta;
        var z = branchA ? (alpha - beta) / (alpha + y) : (beta - alpha) / (beta + y);
        var e = branchA ? r + x : s + 1;
        if (z > 0.9)
        {
            return LogIntegralTailByDifferences(r, alpha, s, beta, x, y, du);
        }

        // G = Σ_k (e)_k/(c)_k z^k with ∂G/∂e, ∂G/∂c and ∂G/∂z in the same pass.
        double term = 1, sum = 1, de = 0, dc = 0, dz = 0, he = 0, hc = 0;
        for (var k = 0; k < 100_000; k++)
        {
            // term' = t_{k+1}/z, so that ∂G/∂z = Σ (k+1) term' also at z = 0.
            var invE = 1 / (e + k);
            var invC = 1 / (c + k);
            var termOverZ = term * (e + k) * invC;
            he += invE;
            hc += invC;
            dz += (k + 1) * termOverZ;
            term = termOverZ * z;
            sum += term;
            de += term * he;
            dc -= term * hc;
            if (term <= 1e-16 * sum && (k + 1) * termOverZ <= 1e-16 * dz)
            {
                break;
            }
        }

        var lnG = Math.Log(sum);
        var gE = de / sum;
        var gC = dc / sum;
        var gZ = dz / sum;
        if (branchA)
        {
            var dzdA = (beta + y) / ((alpha + y) * (alpha + y));
            var dzdB = -1 / (alpha + y);
            du[0] = -lnAy + gE + gC;
            du[1] = (-(r + x) / (alpha + y)) + (gZ * dzdA);
            du[2] = -lnBy + gC;
            du[3] = (-s / (beta + y)) + (gZ * dzdB);
            return (-(r + x) * lnAy) - (s * lnBy) + lnG;
        }
        else
        {
            var dzdA = -1 / (beta + y);
            var dzdB = (alpha + y) / ((beta + y) * (beta + y));
            du[0] = -lnAy + gC;
            du[1] = (-(r + x - 1) / (alpha + y)) + (gZ * dzdA);
            du[2] = -lnBy + gE + gC;
            du[3] = (-(s + 1) / (beta + y)) + (gZ * dzdB);
            return (-(r + x - 1) * lnAy) - ((s + 1) * lnBy) + lnG;
        }
    }

    // Slow-series rows (z > 0.9): u from the general ₂F₁ (connection formulas near z = 1), gradient by central differences in ln p.
    private static double LogIntegralTailByDifferences(double r, double alpha, double s, double beta, double x, double y, Span<double> du)
    {
        const double h = 1e-6;
        var u = LogIntegralTailGeneral(r, alpha, s, beta, x, y);
        var up = Math.Exp(h);
        var down = Math.Exp(-h);
        var scale = 1 / (up - down);
        du[0] = (LogIntegralTailGeneral(r * up, alpha, s, beta, x, y) - LogIntegralTailGeneral(r * down, alpha, s, beta, x, y)) * scale / r;
        du[1] = (LogIntegralTailGeneral(r, alpha * up, s, beta, x, y) - LogIntegralTailGeneral(r, alpha * down, s, beta, x, y)) * scale / alpha;
        du[2] = (LogIntegralTailGeneral(r, alpha, s * up, beta, x, y) - LogIntegralTailGeneral(r, alpha, s * down, beta, x, y)) * scale / s;
        du[3] = (LogIntegralTailGeneral(r, alpha, s, beta * up, x, y) - LogIntegralTailGeneral(r, alpha, s, beta * down, x, y)) * scale / beta;
        return u;
    }

    private static double LogIntegralTailGeneral(double r, double alpha, double s, double beta, double x, double y)
    {
        var a1 = r + s + x;
        return alpha >= beta
            ? Hypergeometric.LogHyp2F1(a1, s + 1, a1 + 1, (alpha - beta) / (alpha + y), out _) - (a1 * Math.Log(alpha + y))
            : Hypergeometric.LogHyp2F1(a1, r + x, a1 + 1, (beta - alpha) / (beta + y), out _) - (a1 * Math.Log(beta + y));
    }

    /// <summary>−LL/W only.</summary>
    public double MeanNegativeLogLikelihood(double[] p)
    {
        double r = p[0], alpha = p[1], s = p[2], beta = p[3];
        Span<double> acc = stackalloc double[1];
        ModelFitting.Sum(
            _x.Length,
            1,
            _maxDegree,
            (start, end, a) =>
            {
                for (var i = start; i < end; i++)
                {
                    if (_w[i] != 0)
                    {
                        a[0] += _w[i] * Row(r, alpha, s, beta, _x[i], _tx[i], _t[i]);
                    }
                }
            },
            acc);
        return -acc[0] / TotalWeight;
    }

    /// <summary>Per-row constants that repeat across rows (sorted by x, and often sharing T).</summary>
    internal struct RowConstants
    {
        public double LnAlpha;
        public double LnBeta;
        public double LnAt;
        public double LnBt;
        public double LogGammaRatio;
        public double DigammaDifference;
        public double LogSOverA;
    }
}
