using System.Runtime.Intrinsics;

namespace Lifecycle.Numerics;

/// <summary>log(1+x) and exp(x)−1 accurate for small x (the BCL's LogP1 is computed as log(x + 1)).</summary>
/// <remarks>Goldberg's correction (What every computer scientist should know…, thm. 4): relative error within a few ulp.</remarks>
internal static class Elementary
{
    /// <summary>ln(1 + x) for x &gt; −1, accurate when |x| is tiny.</summary>
    public static double Log1P(double x)
    {
        var u = 1 + x;
        if (u == 1)
        {
            return x;
        }

        if (double.IsPositiveInfinity(u))
        {
            return Math.Log(x);
        }

        return Math.Log(u) * x / (u - 1);
    }

    /// <summary>ln(1 + x) for four x &gt; −1 at once (the same correction; Vector256.Log is within 3 ulp).</summary>
    public static Vector256<double> Log1P(Vector256<double> x)
    {
        var u = Vector256<double>.One + x;
        var exact = Vector256.Equals(u, Vector256<double>.One);
        var corrected = Vector256.Log(u) * x / (u - Vector256<double>.One);
        return Vector256.ConditionalSelect(exact, x, corrected);
    }

    /// <summary>eˣ − 1, accurate when |x| is tiny.</summary>
    public static double ExpM1(double x)
    {
        if (Math.Abs(x) > 0.5)
        {
            return Math.Exp(x) - 1;
        }

        var u = Math.Exp(x);
        if (u == 1)
        {
            return x;
        }

        var um1 = u - 1;
        return um1 * x / Math.Log(u);
    }
}
