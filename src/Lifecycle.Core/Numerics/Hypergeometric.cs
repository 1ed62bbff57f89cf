namespace Lifecycle.Numerics;

/// <summary>The Gauss hypergeometric function ₂F₁(a, b; c; z) for real parameters and real z &lt; 1, in log space with sign.</summary>
/// <remarks>
/// <para>Route by z (Abramowitz &amp; Stegun 15.1.1, 15.3.3–15.3.6, 15.3.10–15.3.12):</para>
/// <list type="bullet">
/// <item>z &lt; 0: Pfaff, ₂F₁(a,b;c;z) = (1−z)^{−a} ₂F₁(a, c−b; c; z/(z−1)), which maps z into [0, 1).</item>
/// <item>0 ≤ z ≤ 0.75 (≤ 0.9 when the terms are all positive): the Gauss series, or its Euler transform
/// (1−z)^{c−a−b} ₂F₁(c−a, c−b; c; z), preferring the one whose terms are all positive and then the one with smaller
/// numerator parameters (this is what keeps the BG/NBD conditional expectation cheap for large x).</item>
/// <item>otherwise, for z &lt; 1: the z → 1−z connection formula (15.3.6) when c−a−b is not an integer, and the logarithmic
/// formulas 15.3.10/15.3.11 (via Euler for negative integers, 15.3.12) when it is; both series then run in 1−z ≤ 0.25.</item>
/// </list>
/// <para>Series are summed with periodic rescaling, so values far beyond the double range are returned as logarithms.
/// Measured accuracy (HypergeometricTests): 13+ significant digits on the reference table and the closed forms,
/// including z = 1 − 1e-10. The connection formula's two terms cancel when c−a−b is close to (but not at) an
/// integer: with |a|, |b| ~ 10 and distance δ = 0.06 about 7 digits are lost, so the series is preferred up to
/// z = 0.9 (and up to 0.995 when δ &lt; 1e-4); beyond that the loss is documented, not hidden.
/// Parameters with |a|, |b| in the hundreds of thousands and small c at moderate z exceed the series budget and give NaN.</para>
/// </remarks>
internal static class Hypergeometric
{
    internal const int MaxTerms = 500_000;
    private const double Epsilon = 1e-17;
    private const double RescaleAt = 1e250;
    private static readonly double LogRescale = Math.Log(RescaleAt);

    /// <summary>₂F₁(a, b; c; z) as a double (±∞ when it overflows, NaN outside the domain).</summary>
    public static double Hyp2F1(double a, double b, double c, double z)
    {
        var log = LogHyp2F1(a, b, c, z, out var sign);
        return double.IsNaN(log) ? double.NaN : sign == 0 ? 0 : sign * Math.Exp(log);
    }

    /// <summary>ln|₂F₁(a, b; c; z)| with the sign of the value in <paramref name="sign"/> (0 for a zero value).</summary>
    /// <returns>The logarithm of the magnitude; NaN (sign 0) for NaN input, z ≥ 1, or c a non-positive integer without termination.</returns>
    public static double LogHyp2F1(double a, double b, double c, double z, out int sign)
    {
        sign = 0;
        if (double.IsNaN(a) || double.IsNaN(b) || double.IsNaN(c) || double.IsNaN(z) || z >= 1 || double.IsInfinity(a) || double.IsInfinity(b) || double.IsInfinity(c) || double.IsNegativeInfinity(z))
        {
            return double.NaN;
        }

        if (z == 0 || a == 0 || b == 0)
        {
            sign = 1;
            return 0;
        }

        var polynomial = IsNonPositiveInteger(a) || IsNonPositiveInteger(b);
        var stopsAt = Math.Max(IsNonPositiveInteger(a) ? a : double.NegativeInfinity, IsNonPositiveInteger(b) ? b : double.NegativeInfinity);
        if (IsNonPositiveInteger(c) && !(polynomial && stopsAt > c))
        {
            // The series hits a zero denominator before it terminates.
            return double.NaN;
        }

        if (z < 0)
        {
            // Pfaff: maps z into (0, 1); choose the numerator parameter that keeps the series shorter.
            var w = z / (z - 1);
            var log1mz = Elementary.Log1P(-z);
            if (Math.Abs(a) * Math.Abs(c - b) <= Math.Abs(b) * Math.Abs(c - a))
            {
                var l = LogHyp2F1(a, c - b, c, w, out sign);
                return l - (a * log1mz);
            }
            else
            {
                var l = LogHyp2F1(b, c - a, c, w, out sign);
                return l - (b * log1mz);
            }
        }

        if (polynomial)
        {
            return LogSeries(a, b, c, z, out sign);
        }

        if (z <= 0.75 || (z <= 0.9 && PositiveTerms(a, b, c, z)))
        {
            // Up to 0.9 a series of positive terms (no cancellation) is more accurate than the connection formula,
            // whose two terms cancel when c−a−b is near an integer; it needs at most a few hundred terms.
            return LogSeriesBest(a, b, c, z, out sign);
        }

        var m = c - a - b;
        var nearest = Math.Round(m);
        var delta = Math.Abs(m - nearest);
        if (delta < 1e-4 && delta > 1e-12 && z <= 0.995)
        {
            return LogSeriesBest(a, b, c, z, out sign);
        }

        if (delta <= 1e-12)
        {
            return LogDegenerate(a, b, c, (int)nearest, z, out sign);
        }

        return LogConnection(a, b, c, z, out sign);
    }

    /// <summary>The Gauss series or its Euler transform, whichever has the smaller numerator parameters.</summary>
    internal static double LogSeriesBest(double a, double b, double c, double z, out int sign)
    {
        var ca = c - a;
        var cb = c - b;
        var eulerTerminates = IsNonPositiveInteger(ca) || IsNonPositiveInteger(cb);
        var directPositive = a > 0 && b > 0 && c > 0;
        var eulerPositive = ca > 0 && cb > 0 && c > 0;
        var eulerSmaller = Math.Abs(ca) * Math.Abs(cb) < Math.Abs(a) * Math.Abs(b);
        if (eulerTerminates || (eulerPositive && (!directPositive || eulerSmaller)) || (!directPositive && eulerSmaller))
        {
            var l = LogSeries(ca, cb, c, z, out sign);
            return l + ((c - a - b) * Elementary.Log1P(-z));
        }

        return LogSeries(a, b, c, z, out sign);
    }

    /// <summary>The Gauss series Σ (a)ₖ(b)ₖ/((c)ₖ k!) zᵏ with rescaling; NaN when it does not converge within <see cref="MaxTerms"/>.</summary>
    internal static double LogSeries(double a, double b, double c, double z, out int sign)
    {
        double term = 1, sum = 1, logScale = 0;
        for (var k = 0; k < MaxTerms; k++)
        {
            var ratio = (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
            term *= ratio;
            if (term == 0)
            {
                return Finish(sum, logScale, out sign);
            }

            sum += term;
            if (Math.Abs(sum) > RescaleAt || Math.Abs(term) > RescaleAt)
            {
                sum /= RescaleAt;
                term /= RescaleAt;
                logScale += LogRescale;
            }

            var absRatio = Math.Abs(ratio);
            if (absRatio < 1 && k > 0)
            {
                // Tail bound for a geometric-or-faster tail once the terms are shrinking.
                var next = Math.Abs((a + k + 1) * (b + k + 1) / ((c + k + 1) * (k + 2)) * z);
                if (next < 1 && Math.Abs(term) * next / (1 - next) <= Epsilon * Math.Abs(sum))
                {
                    return Finish(sum, logScale, out sign);
                }
            }
        }

        sign = 0;
        return double.NaN;
    }

    // A&S 15.3.6: z → 1−z when c−a−b is not an integer.
    private static double LogConnection(double a, double b, double c, double z, out int sign)
    {
        var w = 1 - z;
        var logW = Math.Log(w);
        var m = c - a - b;
        var lgc = GammaFunctions.LogGamma(c, out var sc);

        double l1 = double.NegativeInfinity;
        var s1 = 0;
        if (!IsNonPositiveInteger(c - a) && !IsNonPositiveInteger(c - b))
        {
            var lg = lgc + GammaFunctions.LogGamma(m, out var sm) - GammaFunctions.LogGamma(c - a, out var sca) - GammaFunctions.LogGamma(c - b, out var scb);
            var lf = LogHyp2F1(a, b, 1 - m, w, out var sf);
            l1 = lg + lf;
            s1 = sc * sm * sca * scb * sf;
        }

        var lg2 = (m * logW) + lgc + GammaFunctions.LogGamma(-m, out var snm) - GammaFunctions.LogGamma(a, out var sa) - GammaFunctions.LogGamma(b, out var sb);
        var lf2 = LogHyp2F1(c - a, c - b, 1 + m, w, out var sf2);
        var l2 = lg2 + lf2;
        var s2 = sc * snm * sa * sb * sf2;
        if (double.IsNaN(l1) || double.IsNaN(l2))
        {
            sign = 0;
            return double.NaN;
        }

        return LogSumExp.Add(l1, s1, l2, s2, out sign);
    }

    // A&S 15.3.10 (m = 0), 15.3.11 (m > 0) and, through Euler, 15.3.12 (m < 0), for c = a + b + m.
    private static double LogDegenerate(double a, double b, double c, int m, double z, out int sign)
    {
        if (m < 0)
        {
            // Euler: F(a,b;c;z) = (1−z)^m F(c−a, c−b; c; z), whose c − a' − b' = −m > 0.
            var l = LogHyp2F1(c - a, c - b, c, z, out sign);
            return l + (m * Elementary.Log1P(-z));
        }

        // Use the exact relation c = a + b + m for the parameters of the formula.
        c = a + b + m;
        var w = 1 - z;
        var logW = Math.Log(w);
        var lgc = GammaFunctions.LogGamma(c, out var sc);

        var l1 = double.NegativeInfinity;
        var s1 = 0;
        if (m > 0)
        {
            // Σ_{n<m} (a)_n (b)_n / (n! (1−m)_n) wⁿ
            double term = 1, sum = 1;
            for (var n = 0; n < m - 1; n++)
            {
                term *= (a + n) * (b + n) / ((n + 1) * (1.0 - m + n)) * w;
                sum += term;
            }

            var lg = GammaFunctions.LogGamma(m) + lgc - GammaFunctions.LogGamma(a + m, out var sam) - GammaFunctions.LogGamma(b + m, out var sbm);
            l1 = lg + Math.Log(Math.Abs(sum));
            s1 = sum == 0 ? 0 : sc * sam * sbm * Math.Sign(sum);
        }

        // −(−1)^m w^m Γ(c)/(Γ(a)Γ(b) m!) Σ (a+m)_n (b+m)_n / (n! (m+1)_n) wⁿ [ln w − ψ(n+1) − ψ(n+m+1) + ψ(a+n+m) + ψ(b+n+m)]
        var psi1 = -0.57721566490153286061;
        var psiM = Polygamma.Digamma(m + 1.0);
        var psiA = Polygamma.Digamma(a + m);
        var psiB = Polygamma.Digamma(b + m);
        double t = 1, s = 0, logScale = 0;
        for (var n = 0; n < MaxTerms; n++)
        {
            var bracket = logW - psi1 - psiM + psiA + psiB;
            var contribution = t * bracket;
            s += contribution;
            if (Math.Abs(s) > RescaleAt || Math.Abs(t) > RescaleAt)
            {
                s /= RescaleAt;
                t /= RescaleAt;
                logScale += LogRescale;
            }

            var ratio = (a + m + n) * (b + m + n) / ((n + 1.0) * (m + 1.0 + n)) * w;
            if (n > 2 && Math.Abs(ratio) < 0.9 && Math.Abs(contribution) <= Epsilon * Math.Abs(s))
            {
                break;
            }

            if (n == MaxTerms - 1)
            {
                sign = 0;
                return double.NaN;
            }

            t *= ratio;
            psi1 += 1.0 / (n + 1);
            psiM += 1.0 / (n + m + 1);
            psiA += 1.0 / (a + m + n);
            psiB += 1.0 / (b + m + n);
        }

        var lg2 = (m * logW) + lgc - GammaFunctions.LogGamma(a, out var sa) - GammaFunctions.LogGamma(b, out var sb) - GammaFunctions.LogGamma(m + 1.0);
        var l2 = lg2 + logScale + Math.Log(Math.Abs(s));
        var s2 = s == 0 ? 0 : -(m % 2 == 0 ? 1 : -1) * sc * sa * sb * Math.Sign(s);
        return LogSumExp.Add(l1, s1, l2, s2, out sign);
    }

    private static double Finish(double sum, double logScale, out int sign)
    {
        if (sum == 0)
        {
            sign = 0;
            return double.NegativeInfinity;
        }

        sign = sum > 0 ? 1 : -1;
        return logScale + Math.Log(Math.Abs(sum));
    }

    private static bool IsNonPositiveInteger(double x) => x <= 0 && x == Math.Floor(x);

    private static bool PositiveTerms(double a, double b, double c, double z) =>
        c > 0 && ((a > 0 && b > 0) || (c - a > 0 && c - b > 0));
}
