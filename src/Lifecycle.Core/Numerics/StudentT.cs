namespace Lifecycle.Numerics;

/// <summary>
/// Regularized incomplete beta I_x(a, b) by the modified Lentz continued fraction (Numerical Recipes §6.4, using the
/// symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where the fraction converges slowly), and Student's t distribution built on it.
/// </summary>
/// <remarks>Accuracy: I_x to about 1e-14 relative where the fraction converges (x &lt; (a+1)/(a+b+2)); t quantiles match
/// mpmath to 1e-10 for ν from 1 to 10⁶ including fractional ν (tests).</remarks>
internal static class StudentT
{
    public static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        var logFront = (a * Math.Log(x)) + (b * Math.Log(1 - x)) - GammaFunctions.LogBeta(a, b);
        return x < (a + 1) / (a + b + 2)
            ? Math.Exp(logFront) * ContinuedFraction(a, b, x) / a
            : 1 - (Math.Exp(logFront) * ContinuedFraction(b, a, 1 - x) / b);
    }

    /// <summary>P(T ≤ t) for ν degrees of freedom.</summary>
    public static double Cdf(double t, double nu)
    {
        var tail = 0.5 * RegularizedIncompleteBeta(nu / 2, 0.5, nu / (nu + (t * t)));
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>The t with P(T ≤ t) = p, for p in (0, 1) and ν &gt; 0: bisection on the CDF (monotone), to 1e-12 in t.</summary>
    public static double Quantile(double p, double nu)
    {
        if (p == 0.5)
        {
            return 0;
        }

        if (p < 0.5)
        {
            return -Quantile(1 - p, nu);
        }

        double lo = 0, hi = 1;
        while (Cdf(hi, nu) < p)
        {
            lo = hi;
            hi *= 2;
        }

        for (var i = 0; i < 200 && hi - lo > 1e-12 * Math.Max(1, hi); i++)
        {
            var mid = 0.5 * (lo + hi);
            if (Cdf(mid, nu) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }

    private static double ContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        const double eps = 1e-15;
        var qab = a + b;
        var qap = a + 1;
        var qam = a - 1;
        var c = 1.0;
        var d = 1 - (qab * x / qap);
        d = Math.Abs(d) < tiny ? tiny : d;
        d = 1 / d;
        var h = d;
        for (var m = 1; m <= 10000; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < tiny ? tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < tiny ? tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < eps)
            {
                break;
            }
        }

        return h;
    }
}
