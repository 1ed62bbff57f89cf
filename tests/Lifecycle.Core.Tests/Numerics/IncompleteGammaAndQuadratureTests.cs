using Lifecycle.Numerics;

namespace Lifecycle.Tests.Numerics;

/// <summary>Regularized incomplete gamma and adaptive Gauss–Kronrod against closed forms.</summary>
public sealed class IncompleteGammaAndQuadratureTests
{
    [Theory]
    [InlineData(0.01)]
    [InlineData(0.5)]
    [InlineData(1)]
    [InlineData(3.7)]
    [InlineData(20)]
    [InlineData(80)]
    public void UpperRegularized_IntegerShapes_MatchPoissonSums(double x)
    {
        // Q(k, x) = e^{-x} Σ_{j<k} x^j / j!.
        foreach (var k in new[] { 1, 2, 3, 7, 15 })
        {
            double sum = 0, term = 1;
            for (var j = 0; j < k; j++)
            {
                sum += term;
                term *= x / (j + 1);
            }

            var expected = Math.Exp(-x) * sum;
            Tolerance.Close(expected, IncompleteGamma.UpperRegularized(k, x), 1e-13, 1e-300);
            Tolerance.Close(1 - expected, IncompleteGamma.LowerRegularized(k, x), 1e-13, 1e-15);
        }
    }

    [Fact]
    public void UpperRegularized_EdgeCases()
    {
        Assert.Equal(1, IncompleteGamma.UpperRegularized(2.5, 0));
        Assert.Equal(0, IncompleteGamma.UpperRegularized(2.5, double.PositiveInfinity));
        Assert.True(double.IsNaN(IncompleteGamma.UpperRegularized(0, 1)));
        Assert.True(double.IsNaN(IncompleteGamma.UpperRegularized(1, double.NaN)));
    }

    [Fact]
    public void Integrate_SmoothAndPeakedIntegrands_MatchClosedForms()
    {
        Tolerance.Close(2, Quadrature.Integrate(Math.Sin, 0, Math.PI), 1e-13);
        Tolerance.Close(1 - Math.Exp(-500), Quadrature.Integrate(u => 500 * Math.Exp(-500 * u), 0, 1), 1e-12);
        Tolerance.Close(Math.Log(1e4), Quadrature.Integrate(u => 1 / u, 1, 1e4), 1e-12);
        Assert.Equal(0, Quadrature.Integrate(Math.Exp, 2, 2));
    }

    [Fact]
    public void IntegrateToInfinity_ExponentialAndAlgebraicTails_MatchClosedForms()
    {
        Tolerance.Close(1 / 0.003, Quadrature.IntegrateToInfinity(u => Math.Exp(-0.003 * u), 0), 1e-12);
        Tolerance.Close(1.0 / 3, Quadrature.IntegrateToInfinity(u => Math.Pow(1 + u, -4), 0), 1e-12);
        Tolerance.Close(Math.PI / 2, Quadrature.IntegrateToInfinity(u => 1 / (1 + (u * u)), 0), 1e-12);
    }
}
