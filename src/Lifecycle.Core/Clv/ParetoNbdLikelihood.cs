using Lifecycle.Numerics;

namespace Lifecycle.Clv;

/// <summary>The Pareto/NBD log-likelihood over compressed rows, with its analytic gradient computed in the same pass.</summary>
/// <remarks>
/// <para>Per row, ln L = H + ln(1 + e^D): H the log of the "alive at T" term in log1p form and D the log-odds of the
/// "dropped out in (t_x, T]" term J = ∫_{t_x}^T s (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ (see <see cref="CombineRow"/>).
/// J comes from a short ₂F₁ series of positive terms at both ends where z ≤ 0.9 and the ends differ enough, and otherwise
/// from Gauss–Legendre quadrature of its positive integrand (<see cref="LogDropoutOddsByQuadrature"/>), which has no
/// cancellation at any z, parameter scale or interval length. Both paths give the gradient analytically from the same
/// terms. Rows run in parallel in fixed chunks, so results do not depend on the core count.</para>
/// </remarks>
internal sealed class ParetoNbdLikelihood
{
    /// <summary>Largest z at which the ₂F₁ series is summed (≤ ~350 terms for 1e-16); rows beyond are integrated directly.</summary>
    internal const double SeriesLimit = 0.9;

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

    /// <summary>ln L of one row at (r, α, s, β) (NaN only when the parameters are beyond double range, see <see cref="LogDropoutOdds"/>).</summary>
    public static double Row(double r, double alpha, double s, double beta, double x, double tx, double t)
    {
        Span<double> g = stackalloc double[4];
        return Row(r, alpha, s, beta, x, tx, t, g);
    }

    /// <summary>ln L of one row and its gradient in (r, α, s, β), by the same path as the fit.</summary>
    public static double Row(double r, double alpha, double s, double beta, double x, double tx, double t, Span<double> gradient)
    {
        Span<double> du = stackalloc double[8];
        var k = RowConstants.For(r, alpha, s, beta, x, t);
        if (tx >= t)
        {
            return CombineRow(r, alpha, s, beta, x, tx, t, k, double.NaN, default, double.NaN, default, gradient);
        }

        var u1 = LogIntegralTail(r, alpha, s, beta, x, tx, du[..4]);
        var u2 = double.IsNaN(u1) ? double.NaN : LogIntegralTail(r, alpha, s, beta, x, t, du[4..]);
        return CombineRow(r, alpha, s, beta, x, tx, t, k, u1, du[..4], u2, du[4..], gradient);
    }

    /// <summary>ln[s/(r+s+x) · A₀] = ln ∫_{t_x}^T s (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ, −∞ when t_x = T (A₀ = 0).</summary>
    public static double LogSecondTerm(double r, double alpha, double s, double beta, double x, double tx, double t)
    {
        if (tx >= t)
        {
            return double.NegativeInfinity;
        }

        Span<double> unused = stackalloc double[4];
        var l1 = (-(r + x) * Math.Log(alpha + t)) - (s * Math.Log(beta + t));
        return l1 + LogDropoutOdds(r, alpha, s, beta, x, tx, t, unused);
    }

    /// <summary>D = ln(second term / first term) of the likelihood, the log-odds that the customer dropped out in (t_x, T].</summary>
    /// <remarks>P(alive) = 1/(1 + e^D). The short series when it is accurate, the quadrature otherwise (see <see cref="CombineRow"/>).
    /// <paramref name="dD"/> receives ∂D/∂(r, α, s, β).</remarks>
    public static double LogDropoutOdds(double r, double alpha, double s, double beta, double x, double tx, double t, Span<double> dD)
    {
        if (tx >= t)
        {
            dD.Clear();
            return double.NegativeInfinity;
        }

        Span<double> du = stackalloc double[8];
        var u1 = LogIntegralTail(r, alpha, s, beta, x, tx, du[..4]);
        var u2 = double.IsNaN(u1) ? double.NaN : LogIntegralTail(r, alpha, s, beta, x, t, du[4..]);
        var k = RowConstants.For(r, alpha, s, beta, x, t);
        return Odds(r, alpha, s, beta, x, tx, t, k, u1, du[..4], u2, du[4..], dD, out _);
    }

    /// <summary>ln[s/(r+s+x) · A₀] from the general ₂F₁ (the published form of A₀); an independent check of the fast paths.</summary>
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

        // Phase 2: combine per row (quadrature where the series is slow or inaccurate), summed in fixed chunks.
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
                var k = default(RowConstants);
                for (var i = start; i < end; i++)
                {
                    var w = _w[i];
                    if (w == 0)
                    {
                        continue;
                    }

                    var x = _x[i];
                    var t = _t[i];
                    if (x != lastX || t != lastT)
                    {
                        // Rows are sorted by x, so most of these repeat across neighbouring rows.
                        k = RowConstants.For(r, alpha, s, beta, x, t, x == lastX ? k : default);
                        lastX = x;
                        lastT = t;
                    }

                    var n1 = _rowNodeTx[i];
                    var n2 = _rowNodeT[i];
                    var ll = n1 < 0
                        ? CombineRow(r, alpha, s, beta, x, _tx[i], t, k, double.NaN, default, double.NaN, default, g)
                        : CombineRow(r, alpha, s, beta, x, _tx[i], t, k, u[n1], du.AsSpan(4 * n1, 4), u[n2], du.AsSpan(4 * n2, 4), g);
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
    /// <para>ln L = H + ln(1 + e^D) with H = lnΓ(r+x) − lnΓ(r) − x ln(α+T) − r ln(1+T/α) − s ln(1+T/β) (the first term of
    /// the likelihood, written with log1p so that r ln α − r ln(α+T) never cancels for large r or α) and D the log-odds of
    /// the second term, J = ∫_{t_x}^T s (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ, against the first (<see cref="Odds"/>).</para>
    /// <para>With I(y) = ∫_y^∞ …, J = I(t_x) − I(T). Euler's transformation of the ₂F₁ with c = a + 1 gives I(y) = (s/a) e^{u(y)}
    /// with, for α ≥ β, u = −(r+x) ln(α+y) − s ln(β+y) + ln G(r+x, z) and, for α &lt; β, u = −(r+x−1) ln(α+y) − (s+1) ln(β+y)
    /// + ln G(s+1, z), where G(e, z) = ₂F₁(1, e; r+s+x+1; z) = Σ_k (e)_k/(c)_k z^k has positive terms falling at least as fast
    /// as z^k, so it and its derivatives are summed in one short loop. This is used when z ≤ 0.9 (at most ~350 terms),
    /// the difference u(T) − u(t_x) is large enough against the rounding of u (|Δu| ≥ 1e-5 (1 + |u|), so J keeps ~11 digits)
    /// and |u(t_x)| + |u(T)| ≤ 1e4 (u carries terms like s ln(β+y) that cancel against H, so its rounding, ~1e-16 |u|, is an
    /// absolute error of ln L: at most ~2e-12 here); otherwise J is integrated directly (<see cref="LogDropoutOddsByQuadrature"/>).</para>
    /// </remarks>
    /// <param name="r">Shape r of the purchase-rate gamma.</param>
    /// <param name="alpha">Scale α of the purchase-rate gamma.</param>
    /// <param name="s">Shape s of the dropout-rate gamma.</param>
    /// <param name="beta">Scale β of the dropout-rate gamma.</param>
    /// <param name="x">Repeat transactions of the row.</param>
    /// <param name="tx">Recency t_x of the row.</param>
    /// <param name="t">Age T of the row.</param>
    /// <param name="k">Per-row constants shared by the terms.</param>
    /// <param name="u1">u(t_x), or NaN when the series is not used (or t_x = T).</param>
    /// <param name="du1">Derivatives of u(t_x) in (r, α, s, β).</param>
    /// <param name="u2">u(T).</param>
    /// <param name="du2">Derivatives of u(T) in (r, α, s, β).</param>
    /// <param name="gradient">Receives the gradient of ln L in (r, α, s, β).</param>
    /// <returns>ln L of the row.</returns>
    internal static double CombineRow(double r, double alpha, double s, double beta, double x, double tx, double t, in RowConstants k, double u1, ReadOnlySpan<double> du1, double u2, ReadOnlySpan<double> du2, Span<double> gradient)
    {
        var h = k.LogGammaRatio - (x * k.LnAt) - (r * k.Log1PTOverAlpha) - (s * k.Log1PTOverBeta);
        double hr = k.DigammaDifference - k.Log1PTOverAlpha;
        double ha = (-x / (alpha + t)) + (r * t / (alpha * (alpha + t)));
        double hs = -k.Log1PTOverBeta;
        double hb = s * t / (beta * (beta + t));
        if (tx >= t)
        {
            gradient[0] = hr;
            gradient[1] = ha;
            gradient[2] = hs;
            gradient[3] = hb;
            return h;
        }

        Span<double> dD = stackalloc double[4];
        var d = Odds(r, alpha, s, beta, x, tx, t, k, u1, du1, u2, du2, dD, out var jRest);
        if (d > 0 && double.IsFinite(jRest))
        {
            // The dropout term dominates: ln L = ln(head · J) + ln(1 + e^{−D}) with head · J formed directly,
            // lnΓ(r+x) − lnΓ(r) − r ln(1+t_x/α) − x ln(α+t_x) − s ln(1+t_x/β) + [ln s − ln(β+t_x) + ln ∫], instead of H + D,
            // which cancels when both are large (s ln(1+T/β) ~ 1e6 for a customer who almost surely left at once) and
            // which overflows when the alive-at-T term is beyond double range (r/α huge over T).
            var lj = k.LogGammaRatio - (r * Elementary.Log1P(tx / alpha)) - (x * Math.Log(alpha + tx)) - (s * Elementary.Log1P(tx / beta)) + jRest;
            var q = Math.Exp(-d);
            var share = 1 / (1 + q);
            gradient[0] = hr + (share * dD[0]);
            gradient[1] = ha + (share * dD[1]);
            gradient[2] = hs + (share * dD[2]);
            gradient[3] = hb + (share * dD[3]);
            return lj + Elementary.Log1P(q);
        }

        // ln(1 + e^D) and its derivative 1/(1 + e^{−D}) from one exponential.
        double softplus, weight;
        if (d > 0)
        {
            var q = Math.Exp(-d);
            softplus = d + Elementary.Log1P(q);
            weight = 1 / (1 + q);
        }
        else
        {
            var q = Math.Exp(d);
            softplus = Elementary.Log1P(q);
            weight = q / (1 + q);
        }

        gradient[0] = hr + (weight * dD[0]);
        gradient[1] = ha + (weight * dD[1]);
        gradient[2] = hs + (weight * dD[2]);
        gradient[3] = hb + (weight * dD[3]);
        return h + softplus;
    }

    // D = ln J − ℓ₁ (ℓ₁ the log of the first term without the head) from the series when accurate, else by quadrature.
    private static double Odds(double r, double alpha, double s, double beta, double x, double tx, double t, in RowConstants k, double u1, ReadOnlySpan<double> du1, double u2, ReadOnlySpan<double> du2, Span<double> dD, out double jRest)
    {
        var d = u2 - u1;
        var size = Math.Abs(u1) + Math.Abs(u2);
        if (!(d < 0 && -d >= 1e-5 * (1 + size) && size <= 1e4) || !double.IsFinite(u1) || !double.IsFinite(u2))
        {
            return LogDropoutOddsByQuadrature(r, alpha, s, beta, x, tx, t, dD, out jRest);
        }

        jRest = double.NaN;
        var p = r + x;
        var aSum = r + s + x;
        var em = Elementary.ExpM1(d);
        var oneMinusRho = -em;
        var rho = 1 + em;
        var l1 = (-p * k.LnAt) - (s * k.LnBt);
        dD[0] = (-1 / aSum) + ((du1[0] - (rho * du2[0])) / oneMinusRho) + k.LnAt;
        dD[1] = ((du1[1] - (rho * du2[1])) / oneMinusRho) + (p / (alpha + t));
        dD[2] = (1 / s) - (1 / aSum) + ((du1[2] - (rho * du2[2])) / oneMinusRho) + k.LnBt;
        dD[3] = ((du1[3] - (rho * du2[3])) / oneMinusRho) + (s / (beta + t));
        return k.LogSOverA + u1 + Math.Log(oneMinusRho) - l1;
    }

    /// <summary>D = ln[J / ((α+T)^{−(r+x)} (β+T)^{−s})] by Gauss–Legendre quadrature of J on [t_x, T], and ∂D.</summary>
    /// <remarks>
    /// <para>In σ = τ − t_x the integrand relative to its value at σ = 0 is e^{h(σ)}, h = −(r+x) ln(1+σ/(α+t_x)) − (s+1) ln(1+σ/(β+t_x)),
    /// decreasing and convex, so D = ln s − ln(β+T) + h₀ + ln ∫₀^{T−t_x} e^{h}, h₀ = (r+x) ln(1+L/(α+t_x)) + (s+1) ln(1+L/(β+t_x)),
    /// with no large terms cancelling. Panels are laid from σ = 0 with width min(16/|h′(σ)|, 2 (min(α, β) + t_x + σ)) (clipped
    /// at T − t_x). Convexity makes |h′| largest at a panel's start, so h falls by at most 16 across any panel, where 16-point
    /// Gauss–Legendre has relative error below 1e-16 (for e^{−16u} on [0, 1] the bound is (16!)⁴ 16³² / (33 (32!)³) ≈ 1e-16);
    /// the second limit keeps the branch points at σ = −(α+t_x), −(β+t_x) outside the Bernstein ellipse of parameter
    /// 2 + √3 ≈ 3.7 (error ~3.7^{−32} ≈ 1e-18 for the power-law part). Panels stop when the
    /// remaining tail, at most e^{h(σ)} (T − t_x − σ), is below e^{−40} of the sum. Panel widths grow geometrically once the
    /// integrand is power-law, so a row takes 1–12 panels (16–190 integrand evaluations) across the tested range.</para>
    /// <para>The gradient is the integrand-weighted mean of ∂h/∂θ, summed over the same nodes (no differencing).</para>
    /// </remarks>
    /// <param name="r">Shape r of the purchase-rate gamma.</param>
    /// <param name="alpha">Scale α of the purchase-rate gamma.</param>
    /// <param name="s">Shape s of the dropout-rate gamma.</param>
    /// <param name="beta">Scale β of the dropout-rate gamma.</param>
    /// <param name="x">Repeat transactions of the row.</param>
    /// <param name="tx">Recency t_x of the row.</param>
    /// <param name="t">Age T of the row.</param>
    /// <param name="dD">Receives ∂D/∂(r, α, s, β).</param>
    /// <param name="jRest">ln s − ln(β+t_x) + ln ∫₀^{T−t_x} e^{h}: ln J without its (α+t_x), (β+t_x) powers, for rows whose first term underflows.</param>
    /// <returns>D; +∞ when the first term is beyond double range (P(alive) = 0); NaN when the integrand is too steep to resolve.</returns>
    internal static double LogDropoutOddsByQuadrature(double r, double alpha, double s, double beta, double x, double tx, double t, Span<double> dD, out double jRest)
    {
        var p = r + x;
        var q = s + 1;
        var ca = alpha + tx;
        var cb = beta + tx;
        var length = t - tx;
        var aL = Elementary.Log1P(length / ca);
        var bL = Elementary.Log1P(length / cb);
        var h0 = (p * aL) + (q * bL);
        var nodes = GaussLegendre.Nodes16;
        var weights = GaussLegendre.Weights16;
        double s0 = 0, sa = 0, sia = 0, sb = 0, sib = 0, sigma = 0;
        for (var panel = 0; panel < 100_000; panel++)
        {
            var slope = (p / (ca + sigma)) + (q / (cb + sigma));
            var width = Math.Min(16 / slope, 2 * (Math.Min(ca, cb) + sigma));
            if (!(width < length - sigma))
            {
                width = length - sigma;
            }

            if (!(width > 0) || sigma + width == sigma)
            {
                // The integrand falls off faster than the resolution of σ: the parameters are beyond double range.
                break;
            }

            var half = 0.5 * width;
            var mid = sigma + half;
            for (var i = 0; i < nodes.Length; i++)
            {
                var z = mid + (half * nodes[i]);
                var az = Elementary.Log1P(z / ca);
                var bz = Elementary.Log1P(z / cb);
                var f = weights[i] * half * Math.Exp((-p * az) - (q * bz));
                s0 += f;
                sa += f * az;
                sia += f / (ca + z);
                sb += f * bz;
                sib += f / (cb + z);
            }

            sigma += width;
            if (!(sigma < length))
            {
                break;
            }

            var hEnd = (-p * Elementary.Log1P(sigma / ca)) - (q * Elementary.Log1P(sigma / cb));
            if (hEnd + Math.Log(length - sigma) < Math.Log(s0) - 40)
            {
                break;
            }
        }

        jRest = Math.Log(s) - Math.Log(beta + tx) + Math.Log(s0);
        if (!(s0 > 0) || double.IsNaN(h0))
        {
            dD.Clear();
            jRest = double.NaN;
            return double.NaN;
        }

        if (double.IsPositiveInfinity(h0))
        {
            dD.Clear();
            return double.PositiveInfinity;
        }

        dD[0] = aL - (sa / s0);
        dD[1] = (p / (alpha + t)) - (p * sia / s0);
        dD[2] = (1 / s) + bL - (sb / s0);
        dD[3] = (s / (beta + t)) - (q * sib / s0);
        return Math.Log(s) - Math.Log(beta + t) + h0 + Math.Log(s0);
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
        if (z > SeriesLimit)
        {
            // Slow series: the row is integrated directly instead (LogDropoutOddsByQuadrature).
            return double.NaN;
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
        public double X;
        public bool HasX;
        public double LnAt;
        public double LnBt;
        public double Log1PTOverAlpha;
        public double Log1PTOverBeta;
        public double LogGammaRatio;
        public double DigammaDifference;
        public double LogSOverA;

        public static RowConstants For(double r, double alpha, double s, double beta, double x, double t) =>
            For(r, alpha, s, beta, x, t, default);

        /// <summary>The constants of (x, T), reusing the x-only ones of <paramref name="previous"/> when its x is the same.</summary>
        public static RowConstants For(double r, double alpha, double s, double beta, double x, double t, in RowConstants previous)
        {
            var k = previous;
            if (!(k.HasX && k.X == x))
            {
                k.X = x;
                k.HasX = true;
                k.LogGammaRatio = GammaFunctions.LogGammaRatio(r, x);
                k.DigammaDifference = x == 0 ? 0 : Polygamma.Digamma(r + x) - Polygamma.Digamma(r);
                k.LogSOverA = Math.Log(s / (r + s + x));
            }

            k.LnAt = Math.Log(alpha + t);
            k.LnBt = Math.Log(beta + t);
            k.Log1PTOverAlpha = Elementary.Log1P(t / alpha);
            k.Log1PTOverBeta = Elementary.Log1P(t / beta);
            return k;
        }
    }
}
