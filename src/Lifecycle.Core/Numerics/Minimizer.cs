namespace Lifecycle.Numerics;

/// <summary>An objective with an analytic gradient: returns f(x) and writes ∇f(x) into <c>gradient</c>.</summary>
/// <remarks>May return NaN or +∞ for points outside its domain; the minimizers treat such points as unacceptable.</remarks>
internal delegate double GradientObjective(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>An objective without a gradient.</summary>
internal delegate double Objective(ReadOnlySpan<double> x);

/// <summary>Why a minimization stopped.</summary>
internal enum MinimizerExit
{
    /// <summary>The gradient norm fell below the tolerance (converged).</summary>
    GradientTolerance,

    /// <summary>The relative change of the objective and the step both fell below their tolerances (converged).</summary>
    SmallChange,

    /// <summary>The iteration budget ran out.</summary>
    MaxIterations,

    /// <summary>The line search found no acceptable step along a descent direction.</summary>
    LineSearchFailed,

    /// <summary>The objective or its gradient was not finite at the starting point.</summary>
    NonFiniteStart,

    /// <summary>The Nelder–Mead simplex collapsed below the tolerance (converged for a derivative-free search).</summary>
    SimplexTolerance,

    /// <summary>The caller's <see cref="MinimizerOptions.Monitor"/> asked to stop (for example a parameter running to a boundary).</summary>
    Stopped,
}

/// <summary>Options for <see cref="Minimizer"/>.</summary>
internal sealed record MinimizerOptions
{
    /// <summary>Gets the gradient infinity-norm below which the search stops as converged.</summary>
    public double GradientTolerance { get; init; } = 1e-8;

    /// <summary>Gets the relative objective change that, with a tiny step, counts as converged.</summary>
    public double FunctionTolerance { get; init; } = 1e-15;

    /// <summary>Gets the iteration budget of each method.</summary>
    public int MaxIterations { get; init; } = 500;

    /// <summary>Gets a callback run after every accepted BFGS step with the iteration, point and value; returning true stops the search (exit <see cref="MinimizerExit.Stopped"/>, no fallback).</summary>
    public Func<int, double[], double, bool>? Monitor { get; init; }
}

/// <summary>Outcome of a minimization: the best point found, always returned, with how and why the search stopped.</summary>
internal sealed record MinimizationResult(double[] Point, double Value, double[] Gradient, bool Converged, MinimizerExit Exit, int Iterations, int Evaluations, double GradientNorm, string Method);

/// <summary>Unconstrained minimizers: BFGS with a strong-Wolfe line search, Nelder–Mead as a fallback.</summary>
/// <remarks>
/// Models fit on log-parameters θ = ln p so that positivity is automatic; <see cref="LogParameters"/> wraps an
/// objective in p with its gradient into one in θ (chain rule: ∂f/∂θᵢ = pᵢ ∂f/∂pᵢ).
/// <see cref="Minimize"/> runs BFGS; if BFGS stops without converging it runs Nelder–Mead from the best point and
/// then BFGS again from the simplex's best vertex, returning the best result and its honest exit reason.
/// </remarks>
internal static class Minimizer
{
    /// <summary>Wraps an objective in natural positive parameters p into one in θ = ln p.</summary>
    public static GradientObjective LogParameters(GradientObjective natural) => (theta, gradient) =>
    {
        Span<double> p = theta.Length <= 16 ? stackalloc double[theta.Length] : new double[theta.Length];
        for (var i = 0; i < theta.Length; i++)
        {
            p[i] = Math.Exp(theta[i]);
        }

        var f = natural(p, gradient);
        for (var i = 0; i < theta.Length; i++)
        {
            gradient[i] *= p[i];
        }

        return f;
    };

    /// <summary>BFGS, then (if it did not converge) Nelder–Mead and a BFGS polish.</summary>
    public static MinimizationResult Minimize(GradientObjective f, ReadOnlySpan<double> start, MinimizerOptions? options = null)
    {
        options ??= new MinimizerOptions();
        var first = Bfgs(f, start, options);
        if (first.Converged || first.Exit is MinimizerExit.NonFiniteStart or MinimizerExit.Stopped)
        {
            return first;
        }

        var nm = NelderMead(x => f(x, new double[x.Length]), first.Point, options);
        var polish = Bfgs(f, nm.Point, options);
        var total = first.Iterations + nm.Iterations + polish.Iterations;
        var evaluations = first.Evaluations + nm.Evaluations + polish.Evaluations;
        var best = polish.Value <= first.Value || polish.Converged ? polish : first;
        return best with { Iterations = total, Evaluations = evaluations, Method = first.Method + "+NelderMead+BFGS" };
    }

    /// <summary>BFGS with an inverse-Hessian update and a strong-Wolfe line search (Nocedal &amp; Wright, alg. 6.1, 3.5, 3.6).</summary>
    public static MinimizationResult Bfgs(GradientObjective f, ReadOnlySpan<double> start, MinimizerOptions options)
    {
        var n = start.Length;
        var x = start.ToArray();
        var g = new double[n];
        var fx = f(x, g);
        var evaluations = 1;
        if (!double.IsFinite(fx) || !AllFinite(g))
        {
            return new MinimizationResult(x, fx, g, false, MinimizerExit.NonFiniteStart, 0, evaluations, double.NaN, "BFGS");
        }

        var h = Identity(n);
        var d = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        var s = new double[n];
        var y = new double[n];
        var hy = new double[n];
        var firstStep = true;
        for (var iteration = 1; iteration <= options.MaxIterations; iteration++)
        {
            var gNorm = NormInf(g);
            if (gNorm <= options.GradientTolerance)
            {
                return new MinimizationResult(x, fx, g, true, MinimizerExit.GradientTolerance, iteration - 1, evaluations, gNorm, "BFGS");
            }

            // d = −H g; fall back to steepest descent if H lost positive definiteness numerically.
            MatVec(h, g, d);
            var slope = 0.0;
            for (var i = 0; i < n; i++)
            {
                d[i] = -d[i];
                slope += d[i] * g[i];
            }

            if (!(slope < 0))
            {
                ResetIdentity(h);
                for (var i = 0; i < n; i++)
                {
                    d[i] = -g[i];
                }

                slope = -Dot(g, g);
            }

            var initial = firstStep ? Math.Min(1.0, 1.0 / Math.Max(NormInf(g), 1e-300)) : 1.0;
            var (alpha, fNew, evals) = LineSearch(f, x, fx, g, d, slope, initial, xNew, gNew);
            evaluations += evals;
            if (alpha == 0)
            {
                if (!firstStep)
                {
                    // Retry once along steepest descent from a fresh curvature estimate.
                    ResetIdentity(h);
                    firstStep = true;
                    continue;
                }

                return new MinimizationResult(x, fx, g, false, MinimizerExit.LineSearchFailed, iteration, evaluations, NormInf(g), "BFGS");
            }

            double sy = 0, stepNorm = 0, xNorm = 0;
            for (var i = 0; i < n; i++)
            {
                s[i] = xNew[i] - x[i];
                y[i] = gNew[i] - g[i];
                sy += s[i] * y[i];
                stepNorm = Math.Max(stepNorm, Math.Abs(s[i]));
                xNorm = Math.Max(xNorm, Math.Abs(xNew[i]));
            }

            var change = Math.Abs(fx - fNew);
            Array.Copy(xNew, x, n);
            Array.Copy(gNew, g, n);
            var fOld = fx;
            fx = fNew;

            if (sy > 1e-300)
            {
                if (firstStep)
                {
                    // Scale the initial inverse Hessian (N&W eq. 6.20) before the first update.
                    var yy = Dot(y, y);
                    ScaleIdentity(h, sy / yy);
                    firstStep = false;
                }

                // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
                var rho = 1 / sy;
                MatVec(h, y, hy);
                var yhy = Dot(y, hy);
                for (var i = 0; i < n; i++)
                {
                    for (var j = 0; j < n; j++)
                    {
                        h[i, j] += (-rho * ((hy[i] * s[j]) + (s[i] * hy[j]))) + (((rho * rho * yhy) + rho) * s[i] * s[j]);
                    }
                }
            }

            if (options.Monitor is { } monitor && monitor(iteration, x, fx))
            {
                return new MinimizationResult(x, fx, g, false, MinimizerExit.Stopped, iteration, evaluations, NormInf(g), "BFGS");
            }

            if (change <= options.FunctionTolerance * Math.Max(1, Math.Abs(fOld)) && stepNorm <= 1e-12 * Math.Max(1, xNorm))
            {
                var norm = NormInf(g);
                return new MinimizationResult(x, fx, g, norm <= Math.Sqrt(options.GradientTolerance), MinimizerExit.SmallChange, iteration, evaluations, norm, "BFGS");
            }
        }

        var finalNorm = NormInf(g);
        var converged = finalNorm <= options.GradientTolerance;
        return new MinimizationResult(x, fx, g, converged, converged ? MinimizerExit.GradientTolerance : MinimizerExit.MaxIterations, options.MaxIterations, evaluations, finalNorm, "BFGS");
    }

    /// <summary>Nelder–Mead with adaptive coefficients (Gao &amp; Han 2012) from an initial simplex of ±5% (or 0.05 absolute) steps.</summary>
    public static MinimizationResult NelderMead(Objective f, ReadOnlySpan<double> start, MinimizerOptions options, double simplexTolerance = 1e-10)
    {
        var n = start.Length;
        double alpha = 1, gamma = 1 + (2.0 / n), rhoC = 0.75 - (1.0 / (2 * n)), sigma = 1 - (1.0 / n);
        var pts = new double[n + 1][];
        var vals = new double[n + 1];
        var evaluations = 0;
        double Eval(double[] p)
        {
            evaluations++;
            var v = f(p);
            return double.IsNaN(v) ? double.PositiveInfinity : v;
        }

        pts[0] = start.ToArray();
        vals[0] = Eval(pts[0]);
        for (var i = 0; i < n; i++)
        {
            var p = start.ToArray();
            p[i] += p[i] != 0 ? 0.05 * Math.Abs(p[i]) : 0.05;
            pts[i + 1] = p;
            vals[i + 1] = Eval(p);
        }

        var order = new int[n + 1];
        var centroid = new double[n];
        var xr = new double[n];
        var xe = new double[n];
        var xc = new double[n];
        var iteration = 0;
        for (; iteration < options.MaxIterations * 4; iteration++)
        {
            for (var i = 0; i <= n; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, (i, j) => vals[i].CompareTo(vals[j]));
            var best = order[0];
            var worst = order[n];
            var second = order[n - 1];
            var spread = 0.0;
            for (var i = 0; i <= n; i++)
            {
                for (var k = 0; k < n; k++)
                {
                    spread = Math.Max(spread, Math.Abs(pts[i][k] - pts[best][k]));
                }
            }

            if (spread <= simplexTolerance && Math.Abs(vals[worst] - vals[best]) <= options.FunctionTolerance * Math.Max(1, Math.Abs(vals[best])))
            {
                break;
            }

            Array.Clear(centroid);
            for (var i = 0; i <= n; i++)
            {
                if (i == worst)
                {
                    continue;
                }

                for (var k = 0; k < n; k++)
                {
                    centroid[k] += pts[i][k] / n;
                }
            }

            for (var k = 0; k < n; k++)
            {
                xr[k] = centroid[k] + (alpha * (centroid[k] - pts[worst][k]));
            }

            var fr = Eval(xr);
            if (fr < vals[best])
            {
                for (var k = 0; k < n; k++)
                {
                    xe[k] = centroid[k] + (gamma * (xr[k] - centroid[k]));
                }

                var fe = Eval(xe);
                Replace(worst, fe < fr ? xe : xr, Math.Min(fe, fr));
            }
            else if (fr < vals[second])
            {
                Replace(worst, xr, fr);
            }
            else
            {
                var outside = fr < vals[worst];
                for (var k = 0; k < n; k++)
                {
                    xc[k] = outside ? centroid[k] + (rhoC * (xr[k] - centroid[k])) : centroid[k] - (rhoC * (centroid[k] - pts[worst][k]));
                }

                var fc = Eval(xc);
                if (fc < Math.Min(fr, vals[worst]))
                {
                    Replace(worst, xc, fc);
                }
                else
                {
                    for (var i = 0; i <= n; i++)
                    {
                        if (i == best)
                        {
                            continue;
                        }

                        for (var k = 0; k < n; k++)
                        {
                            pts[i][k] = pts[best][k] + (sigma * (pts[i][k] - pts[best][k]));
                        }

                        vals[i] = Eval(pts[i]);
                    }
                }
            }
        }

        var bestIndex = 0;
        for (var i = 1; i <= n; i++)
        {
            if (vals[i] < vals[bestIndex])
            {
                bestIndex = i;
            }
        }

        var converged = iteration < options.MaxIterations * 4;
        return new MinimizationResult(pts[bestIndex], vals[bestIndex], [], converged, converged ? MinimizerExit.SimplexTolerance : MinimizerExit.MaxIterations, iteration, evaluations, double.NaN, "NelderMead");

        void Replace(int index, double[] point, double value)
        {
            Array.Copy(point, pts[index], n);
            vals[index] = value;
        }
    }

    // Strong-Wolfe line search (c1 = 1e-4, c2 = 0.9) with bracketing and zoom by safeguarded cubic interpolation.
    private static (double Alpha, double F, int Evaluations) LineSearch(GradientObjective f, double[] x, double f0, double[] g0, double[] d, double slope0, double initial, double[] xNew, double[] gNew)
    {
        const double c1 = 1e-4, c2 = 0.9;
        var n = x.Length;
        var evaluations = 0;
        double Phi(double a, out double dphi)
        {
            for (var i = 0; i < n; i++)
            {
                xNew[i] = x[i] + (a * d[i]);
            }

            evaluations++;
            var v = f(xNew, gNew);
            dphi = Dot(gNew, d);
            if (!double.IsFinite(v) || !double.IsFinite(dphi))
            {
                return double.PositiveInfinity;
            }

            return v;
        }

        // Near the optimum, decreases fall below the rounding of f; Hager & Zhang's approximate Wolfe conditions then
        // accept a step on the directional derivative alone (f may not rise by more than rounding).
        var fNoise = 1e-14 * Math.Max(1, Math.Abs(f0));
        bool ApproximateWolfe(double fa, double da) =>
            Math.Abs(fa - f0) <= fNoise && fa <= f0 + fNoise && da >= c2 * slope0 && da <= -0.8 * slope0;

        double aPrev = 0, fPrev = f0, dPrev = slope0;
        var a = initial;
        for (var i = 0; i < 40; i++)
        {
            var fa = Phi(a, out var da);
            if (double.IsPositiveInfinity(fa))
            {
                // Outside the domain: shrink toward the last good point.
                a = aPrev + ((a - aPrev) * 0.25);
                if (a - aPrev < 1e-20)
                {
                    break;
                }

                continue;
            }

            if (ApproximateWolfe(fa, da))
            {
                return (a, fa, evaluations);
            }

            if (fa > f0 + (c1 * a * slope0) || (i > 0 && fa >= fPrev))
            {
                return Zoom(aPrev, fPrev, dPrev, a, fa, da);
            }

            if (Math.Abs(da) <= -c2 * slope0)
            {
                return (a, fa, evaluations);
            }

            if (da >= 0)
            {
                return Zoom(a, fa, da, aPrev, fPrev, dPrev);
            }

            aPrev = a;
            fPrev = fa;
            dPrev = da;
            a *= 2;
        }

        // No point satisfying Wolfe: accept the last sufficient-decrease point if there is one.
        if (aPrev > 0)
        {
            _ = Phi(aPrev, out _);
            return (aPrev, fPrev, evaluations);
        }

        return (0, f0, evaluations);

        (double, double, int) Zoom(double lo, double flo, double dlo, double hi, double fhi, double dhi)
        {
            for (var j = 0; j < 60; j++)
            {
                var aj = Cubic(lo, flo, dlo, hi, fhi, dhi);
                var fj = Phi(aj, out var dj);
                if (ApproximateWolfe(fj, dj))
                {
                    return (aj, fj, evaluations);
                }

                if (fj > f0 + (c1 * aj * slope0) || fj >= flo)
                {
                    hi = aj;
                    fhi = fj;
                    dhi = dj;
                }
                else
                {
                    if (Math.Abs(dj) <= -c2 * slope0)
                    {
                        return (aj, fj, evaluations);
                    }

                    if (dj * (hi - lo) >= 0)
                    {
                        hi = lo;
                        fhi = flo;
                        dhi = dlo;
                    }

                    lo = aj;
                    flo = fj;
                    dlo = dj;
                }

                if (Math.Abs(hi - lo) <= 1e-16 * Math.Max(1, Math.Abs(lo)))
                {
                    break;
                }
            }

            if (lo > 0 && flo < f0)
            {
                _ = Phi(lo, out _);
                return (lo, flo, evaluations);
            }

            return (0, f0, evaluations);
        }
    }

    // Minimizer of the cubic through (a, fa, da), (b, fb, db), kept inside the middle 80% of the interval.
    private static double Cubic(double a, double fa, double da, double b, double fb, double db)
    {
        var lo = Math.Min(a, b);
        var hi = Math.Max(a, b);
        var width = hi - lo;
        double candidate;
        if (double.IsFinite(fb) && double.IsFinite(db))
        {
            var d1 = da + db - (3 * (fa - fb) / (a - b));
            var disc = (d1 * d1) - (da * db);
            if (disc >= 0)
            {
                var d2 = Math.Sign(b - a) * Math.Sqrt(disc);
                candidate = b - ((b - a) * (db + d2 - d1) / (db - da + (2 * d2)));
            }
            else
            {
                candidate = double.NaN;
            }
        }
        else
        {
            candidate = double.NaN;
        }

        if (!double.IsFinite(candidate) || candidate < lo + (0.1 * width) || candidate > hi - (0.1 * width))
        {
            candidate = lo + (0.5 * width);
        }

        return candidate;
    }

    private static double[,] Identity(int n)
    {
        var m = new double[n, n];
        ResetIdentity(m);
        return m;
    }

    private static void ResetIdentity(double[,] m)
    {
        Array.Clear(m);
        for (var i = 0; i < m.GetLength(0); i++)
        {
            m[i, i] = 1;
        }
    }

    private static void ScaleIdentity(double[,] m, double scale)
    {
        Array.Clear(m);
        for (var i = 0; i < m.GetLength(0); i++)
        {
            m[i, i] = scale;
        }
    }

    private static void MatVec(double[,] m, double[] v, double[] result)
    {
        var n = v.Length;
        for (var i = 0; i < n; i++)
        {
            var s = 0.0;
            for (var j = 0; j < n; j++)
            {
                s += m[i, j] * v[j];
            }

            result[i] = s;
        }
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var s = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    private static double NormInf(ReadOnlySpan<double> v)
    {
        var m = 0.0;
        foreach (var x in v)
        {
            m = Math.Max(m, Math.Abs(x));
        }

        return m;
    }

    private static bool AllFinite(ReadOnlySpan<double> v)
    {
        foreach (var x in v)
        {
            if (!double.IsFinite(x))
            {
                return false;
            }
        }

        return true;
    }
}
