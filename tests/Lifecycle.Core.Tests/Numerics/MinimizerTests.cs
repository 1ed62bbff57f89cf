using Lifecycle.Numerics;

namespace Lifecycle.Tests.Numerics;

public sealed class MinimizerTests
{
    // Rosenbrock: minimum 0 at (1, 1).
    private static double Rosenbrock(ReadOnlySpan<double> x, Span<double> g)
    {
        double a = 1 - x[0], b = x[1] - (x[0] * x[0]);
        g[0] = (-2 * a) - (400 * x[0] * b);
        g[1] = 200 * b;
        return (a * a) + (100 * b * b);
    }

    [Fact]
    public void Bfgs_Rosenbrock_ConvergesToMinimum()
    {
        var result = Minimizer.Minimize(Rosenbrock, [-1.2, 1.0]);
        Assert.True(result.Converged, result.Exit.ToString());
        Assert.Equal(MinimizerExit.GradientTolerance, result.Exit);
        Tolerance.Close(1, result.Point[0], 1e-8);
        Tolerance.Close(1, result.Point[1], 1e-8);
        Assert.True(result.GradientNorm <= 1e-8);
        Assert.InRange(result.Iterations, 1, 200);
    }

    [Fact]
    public void NelderMead_Rosenbrock_FindsMinimumWithoutGradient()
    {
        var result = Minimizer.NelderMead(x => Rosenbrock(x, new double[2]), [-1.2, 1.0], new MinimizerOptions { MaxIterations = 2000 });
        Assert.True(result.Converged);
        Tolerance.Close(1, result.Point[0], 1e-5);
        Tolerance.Close(1, result.Point[1], 1e-5);
    }

    [Fact]
    public void Bfgs_IterationBudgetExhausted_ReportsNotConvergedWithBestPoint()
    {
        var result = Minimizer.Bfgs(Rosenbrock, [-1.2, 1.0], new MinimizerOptions { MaxIterations = 3 });
        Assert.False(result.Converged);
        Assert.Equal(MinimizerExit.MaxIterations, result.Exit);
        Assert.True(result.Value < Rosenbrock([-1.2, 1.0], new double[2]));
        Assert.All(result.Point, p => Assert.True(double.IsFinite(p)));
    }

    [Fact]
    public void Bfgs_NonFiniteStart_SaysSo()
    {
        var result = Minimizer.Minimize((x, g) => double.NaN, [1.0]);
        Assert.False(result.Converged);
        Assert.Equal(MinimizerExit.NonFiniteStart, result.Exit);
    }

    [Fact]
    public void LogParameters_ChainRule_FindsPositiveMinimum()
    {
        // f(p) = (p − 3)² on p > 0, optimized in θ = ln p.
        var f = Minimizer.LogParameters((p, g) =>
        {
            g[0] = 2 * (p[0] - 3);
            return (p[0] - 3) * (p[0] - 3);
        });
        var result = Minimizer.Minimize(f, [0.0]);
        Assert.True(result.Converged);
        Tolerance.Close(3, Math.Exp(result.Point[0]), 1e-9);
    }

    [Fact]
    public void HessianFromGradient_Quadratic_IsExact()
    {
        // f = x² + 3xy + 5y²: H = [[2, 3], [3, 10]]
        var h = Derivatives.HessianFromGradient(
            (x, g) =>
            {
                g[0] = (2 * x[0]) + (3 * x[1]);
                g[1] = (3 * x[0]) + (10 * x[1]);
                return (x[0] * x[0]) + (3 * x[0] * x[1]) + (5 * x[1] * x[1]);
            },
            [0.7, -1.3]);
        Tolerance.Close(2, h[0, 0], 1e-9);
        Tolerance.Close(3, h[0, 1], 1e-9);
        Tolerance.Close(3, h[1, 0], 1e-9);
        Tolerance.Close(10, h[1, 1], 1e-9);
    }

    [Fact]
    public void Hessian_FunctionOnly_MatchesAnalytic()
    {
        var h = Derivatives.Hessian(x => Math.Exp(x[0]) + (x[0] * x[1] * x[1]), [0.3, 2.0]);
        Tolerance.Close(Math.Exp(0.3), h[0, 0], 1e-6);
        Tolerance.Close(4, h[0, 1], 1e-6);
        Tolerance.Close(0.6, h[1, 1], 1e-6);
    }

    [Fact]
    public void TryInvert_PositiveDefinite_GivesInverse()
    {
        var a = new double[,] { { 4, 2 }, { 2, 3 } };
        Assert.True(Derivatives.TryInvertSymmetricPositiveDefinite(a, out var inv));
        Tolerance.Close(3.0 / 8, inv[0, 0], 1e-15);
        Tolerance.Close(-2.0 / 8, inv[0, 1], 1e-15);
        Tolerance.Close(4.0 / 8, inv[1, 1], 1e-15);
    }

    [Fact]
    public void TryInvert_Indefinite_Refuses() =>
        Assert.False(Derivatives.TryInvertSymmetricPositiveDefinite(new double[,] { { 1, 2 }, { 2, 1 } }, out _));
}
