namespace Lifecycle.Numerics;

/// <summary>Expectations over a beta-distributed dropout probability p shared by BG/NBD and MBG/NBD predictions.</summary>
/// <remarks>
/// <para><see cref="ExpectedWhileAlive"/> is K(m, u; a, b) = E[(1 − (1 + p·u)^{−m}) / p], p ~ Beta(a, b): the expected
/// number of purchases of a customer who is alive now, buys at a gamma(m, ·) mixed Poisson rate and drops out with
/// probability p after each purchase, in a window of u (in units of the gamma scale α+T). Its closed form
/// c/(a−1)·[1 − (1−z)^m ₂F₁(m, b; c; z)], c = a+b−1, z = u/(1+u), subtracts nearly equal numbers in some corner of
/// the parameter space whichever transformation is used, so three series are tried, each with a running estimate of
/// its cancellation, and the first whose estimated relative error is below 1e-12 wins:
/// (C) the power series in u, K = m·u·Σ (−1)^j (m+1)_j (a)_j / ((j+1)! (a+b)_j) u^j, for short windows;
/// (A) the Euler-transformed series in a−1 (regular at a = 1), positive terms when c ≥ m;
/// (B) the Pfaff form with numerator parameters m and b (positive terms), good when a is large.
/// When none qualifies (for example a = 1e7 with x = 1e6), the Beta integral is computed by adaptive Gauss–Kronrod
/// quadrature in y = logit(p) around the peak of the integrand (positive integrand, relative error 1e-13 requested,
/// the estimate checked). A value that cannot be computed to 1e-9 throws instead of being returned.</para>
/// <para>Measured against the mpmath tables (tests/…/References): within 1e-10 relative on the whole grid, see
/// docs/clv-models.md.</para>
/// </remarks>
internal static class BetaMixture
{
    private const double Accept = 1e-12;
    private const double Eps = 1.1102230246251565e-16;
    private const int SeriesBudget = 20_000;

    /// <summary>K(m, u; a, b) = E[(1 − (1 + p·h/s)^{−m}) / p] over p ~ Beta(a, b), with u = h/s given as a horizon and a scale.</summary>
    public static double ExpectedWhileAlive(double m, double horizon, double scale, double a, double b)
    {
        if (horizon == 0)
        {
            return 0;
        }

        var u = horizon / scale;
        var best = double.NaN;
        var bestError = double.PositiveInfinity;
        void Consider(double value, double error)
        {
            if (double.IsFinite(value) && value > 0 && error < bestError)
            {
                best = value;
                bestError = error;
            }
        }

        if (u < 0.5)
        {
            var v = PowerSeries(m, u, a, b, out var err);
            Consider(v, err);
        }

        if (bestError > Accept)
        {
            var v = EulerSeries(m, horizon, scale, a, b, out var err);
            Consider(v, err);
        }

        if (bestError > Accept)
        {
            var v = PfaffSeries(m, horizon, scale, a, b, out var err);
            Consider(v, err);
        }

        if (bestError > Accept)
        {
            var logMu = Math.Log(m) + Math.Log(u);
            double LogG(double lp)
            {
                // For p·u → 0 (p subnormal in the tail when a is small) use ln(m u) − (m+1) p u / 2: forming
                // −expm1(…)/p there would divide rounding noise by a subnormal.
                var pu = Math.Exp(lp + Math.Log(u));
                return pu * (m + 1) < 1e-8 ? logMu - (0.5 * (m + 1) * pu) : Math.Log(-Elementary.ExpM1(-m * Elementary.Log1P(pu))) - lp;
            }

            var v = Integrate(LogG, -Math.Log(Math.Max(m * u, 1e-300)), a, b, out var err);
            Consider(v, err);
        }

        if (!(bestError <= 1e-9))
        {
            ThrowHelper.InvalidOperation(FormattableString.Invariant(
                $"the expected number of purchases cannot be computed to 1e-9 at m = {m:R}, horizon/scale = {u:R}, a = {a:R}, b = {b:R} (best estimate {best:R}, error {bestError:E2}); the parameters are outside what double precision resolves, refit or rescale the time unit."));
        }

        return best;
    }

    // (C) K = m u Σ_j t_j, t_0 = 1, t_{j+1}/t_j = −(m+1+j)(a+j) u / ((j+2)(a+b+j)).
    private static double PowerSeries(double m, double u, double a, double b, out double error)
    {
        double term = 1, sum = 1, abs = 1;
        var ab = a + b;
        for (var j = 0; j < SeriesBudget; j++)
        {
            var ratio = -(m + 1 + j) * ((a + j) / (ab + j)) * u / (j + 2);
            term *= ratio;
            sum += term;
            abs += Math.Abs(term);
            if (Math.Abs(term) <= 1e-17 * Math.Abs(sum) && Math.Abs(ratio) < 0.5)
            {
                error = Eps * (abs / Math.Abs(sum)) * 4;
                return m * u * sum;
            }

            if (!double.IsFinite(abs) || abs > 1e30)
            {
                break;
            }
        }

        error = double.PositiveInfinity;
        return double.NaN;
    }

    // (A) K = c [(1 − e^{−εL})/ε − e^{−εL} S], ε = a−1, L = ln(1+u), S = Σ_{k≥1} (c−m)_k (a)_{k−1} / ((c)_k k!) z^k.
    private static double EulerSeries(double m, double horizon, double scale, double a, double b, out double error)
    {
        error = double.PositiveInfinity;
        var c = a + b - 1;
        var z = horizon / (scale + horizon);
        var l = Elementary.Log1P(horizon / scale);
        var p = c - m;
        var eps = a - 1;

        // The terms grow like (a z)^k / k! before they fall: skip when that would need more than the budget.
        if (a * z > 200 || (Math.Abs(p) * z > 200 && p < 0))
        {
            return double.NaN;
        }

        double term = p * z / c, sum = term, abs = Math.Abs(term);
        var k = 1;
        for (; k < SeriesBudget; k++)
        {
            var ratio = (p + k) * (a + k - 1) / ((c + k) * (k + 1)) * z;
            term *= ratio;
            sum += term;
            abs += Math.Abs(term);
            if ((Math.Abs(term) <= 1e-17 * Math.Abs(sum) && Math.Abs(ratio) < 1) || term == 0)
            {
                break;
            }

            if (!double.IsFinite(abs))
            {
                return double.NaN;
            }
        }

        if (k >= SeriesBudget)
        {
            return double.NaN;
        }

        var e = -eps * l;
        var first = eps == 0 ? l : -Elementary.ExpM1(e) / eps;
        var w = Math.Exp(e);
        var second = w * sum;
        var value = c * (first - second);
        var magnitude = Math.Abs(first) + (w * abs);
        error = Eps * 4 * (magnitude / Math.Abs(first - second)) * (1 + Math.Sqrt(k));
        return value;
    }

    // (B) K = c/ε · (−expm1(−m L + ln F)), F = ₂F₁(m, b; c; z) = 1 + S, S positive-term series.
    private static double PfaffSeries(double m, double horizon, double scale, double a, double b, out double error)
    {
        error = double.PositiveInfinity;
        var c = a + b - 1;
        var eps = a - 1;
        if (eps == 0)
        {
            return double.NaN;
        }

        var z = horizon / (scale + horizon);
        var l = Elementary.Log1P(horizon / scale);

        // Sum in log space with rescaling: the terms can reach e^{m z}.
        double term = 1, sum = 0, logScale = 0;
        var k = 0;
        for (; k < SeriesBudget; k++)
        {
            var ratio = (m + k) * (b + k) / ((c + k) * (k + 1)) * z;
            term *= ratio;
            sum += term;
            if (sum > 1e250)
            {
                sum *= 1e-250;
                term *= 1e-250;
                logScale += 575.64627324851145;
            }

            if ((term <= 1e-17 * sum && ratio < 1) || term == 0)
            {
                break;
            }
        }

        if (k >= SeriesBudget)
        {
            return double.NaN;
        }

        var logF = logScale == 0 ? Elementary.Log1P(sum) : logScale + Math.Log(sum + Math.Exp(-logScale));
        var arg = (-m * l) + logF;
        var bracket = -Elementary.ExpM1(arg);
        var value = c / eps * bracket;

        // Rounding of the two logarithms (each a few ulp of its size) and of the series, carried through expm1.
        var argError = Eps * 4 * ((m * l) + Math.Abs(logF) + Math.Sqrt(k + 1));
        error = argError * Math.Exp(arg) / Math.Abs(bracket) + (Eps * 4);
        return value;
    }

    /// <summary>S(m, u; a, b) = E[(1 + p·h/s)^{−m}] over p ~ Beta(a, b): the probability that a customer alive now is still
    /// alive after a window h (dropout happens only right after a purchase).</summary>
    /// <remarks>1 − a/(a+b)·K(m, u; a+1, b) while that complement is at most ½ (no cancellation), otherwise the Beta
    /// integral by quadrature (positive integrand); the ₂F₁ forms lose up to 7 digits near a = 1 and overflow at a = 1e7.</remarks>
    public static double SurvivalWhileAlive(double m, double horizon, double scale, double a, double b)
    {
        if (horizon == 0)
        {
            return 1;
        }

        var lost = a / (a + b) * ExpectedWhileAlive(m, horizon, scale, a + 1, b);
        if (lost <= 0.5)
        {
            return 1 - lost;
        }

        var u = horizon / scale;
        var v = Integrate(lp => -m * Elementary.Log1P(Math.Exp(lp) * u), -Math.Log(Math.Max(m * u, 1e-300)), a, b, out var error);
        if (!(error <= 1e-9 && v >= 0 && v <= 1))
        {
            ThrowHelper.InvalidOperation(FormattableString.Invariant(
                $"the survival probability cannot be computed to 1e-9 at m = {m:R}, horizon/scale = {u:R}, a = {a:R}, b = {b:R} (estimate {v:R}, error {error:E2}); the parameters are outside what double precision resolves."));
        }

        return v;
    }

    // E[g(p)] as the Beta integral in y = logit p, centred on the mode y* = ln(a/b) of the Beta density of y:
    // with δ = y − y*, p* = a/(a+b), q* = b/(a+b), the log density is M0 + a·Dp(δ) + b·D1(δ), where
    // Dp = ln p − ln p* = −ln(p* + q* e^{−δ}) and D1 = ln(1−p) − ln q* = −ln(p* e^{δ} + q*), each as a log1p of an
    // expm1 (or as the log of a sum of positives when that is far from 1). Their linear parts cancel only at the size
    // of min(a, b)·δ, so a = 1e-3 with b = 1e7 keeps full precision (the form (a+b)·L − b·δ lost 8 digits there). M0, the log density at the mode, comes from the Stirling series when a, b ≥ 10: there
    // a ln p* + b ln q* and ln B(a, b) are ~1e7 each at a = b = 1e7 and their difference would keep only 8 digits.
    // logG takes ln p; yg is where g turns (ln of 1/(m u)).
    private static double Integrate(Func<double, double> logG, double yg, double a, double b, out double error)
    {
        var ab = a + b;
        double pStar = a / ab, qStar = b / ab;
        var lpStar = -Elementary.Log1P(b / a);
        var lnQ = Math.Log(qStar);
        var m0 = Math.Min(a, b) >= 10
            ? -GammaFunctions.LogSqrtTwoPi + (0.5 * (Math.Log(a) + Math.Log(b) - Math.Log(ab))) - GammaFunctions.StirlingCorrection(a) - GammaFunctions.StirlingCorrection(b) + GammaFunctions.StirlingCorrection(ab)
            : (a * lpStar) - (b * Elementary.Log1P(a / b)) - GammaFunctions.LogBeta(a, b);
        var lnP = Math.Log(pStar);
        double Dp(double d)
        {
            if (-d > 700)
            {
                return d - lnQ;
            }

            var arg = qStar * Elementary.ExpM1(-d);
            return arg >= -0.5 ? -Elementary.Log1P(arg) : -Math.Log(pStar + (qStar * Math.Exp(-d)));
        }

        double D1(double d)
        {
            if (d > 700)
            {
                return -d - lnP;
            }

            var arg = pStar * Elementary.ExpM1(d);
            return arg >= -0.5 ? -Elementary.Log1P(arg) : -Math.Log((pStar * Math.Exp(d)) + qStar);
        }

        double LogIntegrand(double d)
        {
            var dp = Dp(d);
            return m0 + (a * dp) + (b * D1(d)) + logG(lpStar + dp);
        }

        // The log-integrand is concave: find its peak by golden-section search on a bracket that holds it.
        var sd = Math.Sqrt((1 / a) + (1 / b));
        var shift = yg - Math.Log(a / b);
        var lo = Math.Min(0, shift) - (20 * (1 + sd));
        var hi = 20 * (1 + sd);
        var peak = GoldenMax(LogIntegrand, lo, hi);
        var top = LogIntegrand(peak);

        // Walk out until the integrand is e^{−46} (≈ 1e-20) of its peak; the tails fall at least exponentially.
        double Edge(double direction)
        {
            var step = Math.Min(sd, 1);
            var y = peak + (direction * step);
            for (var i = 0; i < 200 && LogIntegrand(y) > top - 46; i++)
            {
                step *= 2;
                y = peak + (direction * step);
            }

            return y;
        }

        var left = Edge(-1);
        var right = Edge(1);
        double F(double y) => Math.Exp(LogIntegrand(y) - top);
        // Panels at peak ± w·2^k (w = the Beta's width in y, at most 1): the integrand can be a spike of width 1e-4 on
        // top of a tail 1e4 long (a = 1e-3), and one adaptive rule over the whole range spends its intervals badly.
        double total = 0, e1 = 0, e2 = 0;
        var width = Math.Min(sd, 1);
        foreach (var direction in new[] { -1.0, 1.0 })
        {
            var end = direction < 0 ? left : right;
            var from = peak;
            for (var k = 0; k < 200 && from != end; k++)
            {
                var to = peak + (direction * width * Math.Pow(2, k));
                if ((direction < 0 && to < end) || (direction > 0 && to > end))
                {
                    to = end;
                }

                var v = direction < 0 ? Quadrature.Integrate(F, to, from, 1e-14, 200, out var e) : Quadrature.Integrate(F, from, to, 1e-14, 200, out e);
                total += v;
                (direction < 0 ? ref e1 : ref e2) += e;
                from = to;
            }
        }

        // Quadrature estimate, plus the rounding of the exponent: a few ulp of M0 and of the cancelling linear parts
        // (min(a, b)·|δ|, taken at 3 of the walk-out distance where the mass sits).
        error = ((e1 + e2) / total) + (Eps * 16 * (1 + Math.Abs(top) + (Math.Min(a, b) * Math.Max(-left, right) / 3)));
        return Math.Exp(top) * total;
    }

    private static double GoldenMax(Func<double, double> f, double lo, double hi)
    {
        const double InvPhi = 0.6180339887498949;
        var x1 = hi - (InvPhi * (hi - lo));
        var x2 = lo + (InvPhi * (hi - lo));
        double f1 = f(x1), f2 = f(x2);
        for (var i = 0; i < 200 && hi - lo > 1e-9 * (1 + Math.Abs(lo) + Math.Abs(hi)); i++)
        {
            if (f1 < f2)
            {
                lo = x1;
                x1 = x2;
                f1 = f2;
                x2 = lo + (InvPhi * (hi - lo));
                f2 = f(x2);
            }
            else
            {
                hi = x2;
                x2 = x1;
                f2 = f1;
                x1 = hi - (InvPhi * (hi - lo));
                f1 = f(x1);
            }
        }

        return 0.5 * (lo + hi);
    }
}
