namespace Lifecycle.Numerics;

/// <summary>Numerical Hessians (for observed information and standard errors) and symmetric matrix inversion.</summary>
/// <remarks>
/// The Hessian from an analytic gradient uses central differences with step h = ε^{1/3} max(1, |xᵢ|)
/// (error O(h²) ≈ 1e-10 relative for smooth objectives), then symmetrizes. The gradient-free variant uses the
/// four-point formula with h = ε^{1/4} max(1, |xᵢ|) (about 1e-8 relative). Inversion is by Cholesky: a matrix that is
/// not positive definite (a saddle or a flat direction) is reported, not silently inverted.
/// </remarks>
internal static class Derivatives
{
    /// <summary>Hessian of <paramref name="f"/> at <paramref name="x"/> by central differences of its analytic gradient.</summary>
    public static double[,] HessianFromGradient(GradientObjective f, ReadOnlySpan<double> x)
    {
        var n = x.Length;
        var h = new double[n, n];
        var xp = x.ToArray();
        var gp = new double[n];
        var gm = new double[n];
        for (var j = 0; j < n; j++)
        {
            var step = Math.Cbrt(2.220446049250313e-16) * Math.Max(1, Math.Abs(x[j]));
            xp[j] = x[j] + step;
            var realStep = xp[j] - x[j];
            f(xp, gp);
            xp[j] = x[j] - realStep;
            f(xp, gm);
            xp[j] = x[j];
            for (var i = 0; i < n; i++)
            {
                h[i, j] = (gp[i] - gm[i]) / (2 * realStep);
            }
        }

        Symmetrize(h);
        return h;
    }

    /// <summary>Hessian of a gradient-free objective by the four-point central formula.</summary>
    public static double[,] Hessian(Objective f, ReadOnlySpan<double> x)
    {
        var n = x.Length;
        var h = new double[n, n];
        var p = x.ToArray();
        var f0 = f(p);
        var steps = new double[n];
        for (var i = 0; i < n; i++)
        {
            steps[i] = Math.Pow(2.220446049250313e-16, 0.25) * Math.Max(1, Math.Abs(x[i]));
        }

        for (var i = 0; i < n; i++)
        {
            var hi = steps[i];
            p[i] = x[i] + hi;
            var fp = f(p);
            p[i] = x[i] - hi;
            var fm = f(p);
            p[i] = x[i];
            h[i, i] = (fp - (2 * f0) + fm) / (hi * hi);
            for (var j = 0; j < i; j++)
            {
                var hj = steps[j];
                p[i] = x[i] + hi;
                p[j] = x[j] + hj;
                var fpp = f(p);
                p[j] = x[j] - hj;
                var fpm = f(p);
                p[i] = x[i] - hi;
                var fmm = f(p);
                p[j] = x[j] + hj;
                var fmp = f(p);
                p[i] = x[i];
                p[j] = x[j];
                h[i, j] = h[j, i] = (fpp - fpm - fmp + fmm) / (4 * hi * hj);
            }
        }

        return h;
    }

    /// <summary>Inverts a symmetric positive-definite matrix by Cholesky; false when it is not positive definite or not finite.</summary>
    public static bool TryInvertSymmetricPositiveDefinite(double[,] a, out double[,] inverse)
    {
        var n = a.GetLength(0);
        inverse = new double[n, n];
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var s = a[i, j];
                for (var k = 0; k < j; k++)
                {
                    s -= l[i, k] * l[j, k];
                }

                if (i == j)
                {
                    if (!(s > 0) || !double.IsFinite(s))
                    {
                        return false;
                    }

                    l[i, i] = Math.Sqrt(s);
                }
                else
                {
                    l[i, j] = s / l[j, j];
                }
            }
        }

        // Solve L Lᵀ X = I column by column.
        var y = new double[n];
        for (var c = 0; c < n; c++)
        {
            for (var i = 0; i < n; i++)
            {
                var s = i == c ? 1.0 : 0.0;
                for (var k = 0; k < i; k++)
                {
                    s -= l[i, k] * y[k];
                }

                y[i] = s / l[i, i];
            }

            for (var i = n - 1; i >= 0; i--)
            {
                var s = y[i];
                for (var k = i + 1; k < n; k++)
                {
                    s -= l[k, i] * inverse[k, c];
                }

                inverse[i, c] = s / l[i, i];
            }
        }

        Symmetrize(inverse);
        return true;
    }

    /// <summary>Delta method for θ = ln p: Cov(p) = diag(p) Cov(θ) diag(p).</summary>
    public static double[,] LogToNaturalCovariance(double[,] thetaCovariance, ReadOnlySpan<double> p)
    {
        var n = p.Length;
        var c = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                c[i, j] = c[j, i] = p[i] * p[j] * thetaCovariance[i, j];
            }
        }

        return c;
    }

    private static void Symmetrize(double[,] m)
    {
        var n = m.GetLength(0);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var v = 0.5 * (m[i, j] + m[j, i]);
                m[i, j] = v;
                m[j, i] = v;
            }
        }
    }
}
