namespace Lifecycle.Numerics;

/// <summary>Log-gamma (with sign for negative arguments) and log-beta.</summary>
/// <remarks>
/// Lanczos approximation (g = 607/128, 15 terms, Godfrey's coefficients) on [0.5, 10), the Stirling series with
/// eight Bernoulli terms on [10, ∞), and the reflection formula below 0.5. Measured against high-precision
/// tables (see GammaFunctionsTests): absolute error below 1e-14 where |lnΓ| &lt; 1 (near the zeros at 1 and 2 only
/// absolute accuracy is meaningful), relative error below 2e-15 elsewhere.
/// Log-beta avoids the cancellation of lnΓ(a) + lnΓ(b) − lnΓ(a+b) for large arguments by differencing the
/// Stirling corrections, so lnB(0.5, 1e6) keeps 14+ significant digits.
/// </remarks>
internal static class GammaFunctions
{
    internal const double LogSqrtTwoPi = 0.91893853320467274178032973640562;
    private const double LanczosG = 607.0 / 128.0;

    private static readonly double[] Lanczos =
    [
        0.99999999999999709182,
        57.156235665862923517,
        -59.597960355475491248,
        14.136097974741747174,
        -0.49191381609762019978,
        0.33994649984811888699e-4,
        0.46523628927048575665e-4,
        -0.98374475304879564677e-4,
        0.15808870322491248884e-3,
        -0.21026444172410488319e-3,
        0.21743961811521264320e-3,
        -0.16431810653676389022e-3,
        0.84418223983852743293e-4,
        -0.26190838401581408670e-4,
        0.36899182659531622704e-5,
    ];

    /// <summary>ln|Γ(x)|; +∞ at the poles (0, −1, −2, ...); NaN for NaN.</summary>
    public static double LogGamma(double x) => LogGamma(x, out _);

    /// <summary>ln|Γ(x)| and the sign of Γ(x) (0 at the poles, where the result is +∞).</summary>
    public static double LogGamma(double x, out int sign)
    {
        sign = 1;
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x >= 10)
        {
            return double.IsPositiveInfinity(x) ? double.PositiveInfinity : ((x - 0.5) * Math.Log(x)) - x + LogSqrtTwoPi + StirlingCorrection(x);
        }

        if (x >= 0.5)
        {
            return LanczosLogGamma(x);
        }

        if (x > 0)
        {
            // Γ(x) = Γ(1+x)/x: exact recurrence, and finite down to the smallest subnormal (the reflection formula
            // overflows π/sin(πx) there: lnΓ(5e-324) must be 744.44, not ∞).
            return LanczosLogGamma(1 + x) - Math.Log(x);
        }

        if (x == Math.Floor(x))
        {
            sign = 0;
            return double.PositiveInfinity;
        }

        // Reflection: Γ(x)Γ(1−x) = π / sin(πx), and Γ(1−x) > 0 for x < 0.5.
        var s = SinPi(x);
        sign = s > 0 ? 1 : -1;
        return Math.Log(Math.PI / Math.Abs(s)) - LogGamma(1 - x);
    }

    /// <summary>ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a+b) for a, b &gt; 0.</summary>
    public static double LogBeta(double a, double b)
    {
        if (double.IsNaN(a) || double.IsNaN(b) || a <= 0 || b <= 0)
        {
            return double.NaN;
        }

        if (a > b)
        {
            (a, b) = (b, a);
        }

        if (b < 10)
        {
            return LogGamma(a) + LogGamma(b) - LogGamma(a + b);
        }

        // lnΓ(b) − lnΓ(a+b) through Stirling with the large parts cancelled analytically.
        var ab = a + b;
        var ratio = ((b - 0.5) * Elementary.Log1P(-a / ab)) - (a * Math.Log(ab)) + a + StirlingCorrection(b) - StirlingCorrection(ab);
        return LogGamma(a) + ratio;
    }

    /// <summary>lnΓ(x + n) − lnΓ(x) for x &gt; 0, n &gt;= 0, accurate when both terms are large.</summary>
    public static double LogGammaRatio(double x, double n)
    {
        if (n == 0)
        {
            return 0;
        }

        if (x >= 10)
        {
            var xn = x + n;
            return ((xn - 0.5) * Elementary.Log1P(n / x)) + (n * Math.Log(x)) - n + StirlingCorrection(xn) - StirlingCorrection(x);
        }

        return LogGamma(x + n) - LogGamma(x);
    }

    /// <summary>lnΓ(x) − [(x − ½) ln x − x + ln √(2π)] for x &gt;= 10 (the Stirling series remainder).</summary>
    internal static double StirlingCorrection(double x)
    {
        var z = 1 / x;
        var z2 = z * z;
        return z * (1.0 / 12 + (z2 * (-1.0 / 360 + (z2 * (1.0 / 1260 + (z2 * (-1.0 / 1680 + (z2 * (1.0 / 1188 + (z2 * (-691.0 / 360360 + (z2 * (1.0 / 156 + (z2 * (-3617.0 / 122400)))))))))))))));
    }

    /// <summary>sin(πx) with exact zeros at integers and argument reduction for accuracy.</summary>
    internal static double SinPi(double x)
    {
        var r = x - (2 * Math.Floor(x / 2));
        // r in [0, 2)
        if (r == 0 || r == 1)
        {
            return 0;
        }

        return r < 0.5 ? Math.Sin(Math.PI * r)
            : r < 1.5 ? Math.Sin(Math.PI * (1 - r))
            : -Math.Sin(Math.PI * (2 - r));
    }

    private static double LanczosLogGamma(double x)
    {
        x -= 1;
        var sum = Lanczos[0];
        for (var i = 1; i < Lanczos.Length; i++)
        {
            sum += Lanczos[i] / (x + i);
        }

        var t = x + LanczosG + 0.5;
        return LogSqrtTwoPi + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
