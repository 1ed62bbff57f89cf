namespace Lifecycle.Numerics;

/// <summary>Sums of exponentials kept in log space, with signs: log|Σ sᵢ e^{aᵢ}| and the sign of the sum.</summary>
/// <remarks>
/// The largest term is factored out, so terms of size e^{±700} and beyond are added without overflow.
/// A sum whose terms cancel exactly returns −∞ with sign 0. Relative error of the sum is a few ulp times the
/// condition number Σ|terms| / |Σ terms| (unavoidable for differences of nearly equal terms).
/// </remarks>
internal static class LogSumExp
{
    /// <summary>log(e^a + e^b) for finite or −∞ inputs.</summary>
    public static double Add(double a, double b)
    {
        if (a < b)
        {
            (a, b) = (b, a);
        }

        if (double.IsNegativeInfinity(b))
        {
            return a;
        }

        return a + Elementary.Log1P(Math.Exp(b - a));
    }

    /// <summary>Signed sum of two terms sa·e^a + sb·e^b: returns the log of its magnitude and sets its sign (−1, 0, 1).</summary>
    public static double Add(double a, int signA, double b, int signB, out int sign)
    {
        if (signA == 0 || double.IsNegativeInfinity(a))
        {
            sign = signB == 0 || double.IsNegativeInfinity(b) ? 0 : signB;
            return sign == 0 ? double.NegativeInfinity : b;
        }

        if (signB == 0 || double.IsNegativeInfinity(b))
        {
            sign = signA;
            return a;
        }

        if (a < b)
        {
            (a, b) = (b, a);
            (signA, signB) = (signB, signA);
        }

        var d = Math.Exp(b - a);
        if (signA == signB)
        {
            sign = signA;
            return a + Elementary.Log1P(d);
        }

        if (d == 1)
        {
            sign = 0;
            return double.NegativeInfinity;
        }

        sign = signA;
        return a + Elementary.Log1P(-d);
    }

    /// <summary>log Σ e^{aᵢ}; −∞ for an empty span.</summary>
    public static double Sum(ReadOnlySpan<double> logs)
    {
        var max = double.NegativeInfinity;
        foreach (var a in logs)
        {
            if (a > max)
            {
                max = a;
            }
        }

        if (double.IsNegativeInfinity(max) || double.IsPositiveInfinity(max) || double.IsNaN(max))
        {
            return max;
        }

        var s = 0.0;
        foreach (var a in logs)
        {
            s += Math.Exp(a - max);
        }

        return max + Math.Log(s);
    }

    /// <summary>log|Σ sᵢ e^{aᵢ}| with the sign of the sum in <paramref name="sign"/> (0 when the sum is exactly 0).</summary>
    public static double SignedSum(ReadOnlySpan<double> logs, ReadOnlySpan<int> signs, out int sign)
    {
        if (logs.Length != signs.Length)
        {
            throw new ArgumentException("logs and signs must have the same length.", nameof(signs));
        }

        var max = double.NegativeInfinity;
        for (var i = 0; i < logs.Length; i++)
        {
            if (signs[i] != 0 && logs[i] > max)
            {
                max = logs[i];
            }
        }

        if (double.IsNegativeInfinity(max))
        {
            sign = 0;
            return double.NegativeInfinity;
        }

        // Positive and negative parts are summed separately to keep the cancellation in a single final step.
        double pos = 0, neg = 0;
        for (var i = 0; i < logs.Length; i++)
        {
            if (signs[i] > 0)
            {
                pos += Math.Exp(logs[i] - max);
            }
            else if (signs[i] < 0)
            {
                neg += Math.Exp(logs[i] - max);
            }
        }

        var s = pos - neg;
        if (s == 0)
        {
            sign = 0;
            return double.NegativeInfinity;
        }

        sign = s > 0 ? 1 : -1;
        return max + Math.Log(Math.Abs(s));
    }
}
