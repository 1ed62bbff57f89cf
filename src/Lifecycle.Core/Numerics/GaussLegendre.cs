namespace Lifecycle.Numerics;

/// <summary>Gauss–Legendre nodes and weights on [−1, 1], computed once by Newton's method on P_n.</summary>
/// <remarks>Nodes and weights are accurate to a few ulp (Newton converges quadratically from Tricomi's initial guesses).</remarks>
internal static class GaussLegendre
{
    private static readonly (double[] Nodes, double[] Weights) Rule16 = Compute(16);

    public static ReadOnlySpan<double> Nodes16 => Rule16.Nodes;

    public static ReadOnlySpan<double> Weights16 => Rule16.Weights;

    public static (double[] Nodes, double[] Weights) Compute(int n)
    {
        var nodes = new double[n];
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            var x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (var iteration = 0; iteration < 100; iteration++)
            {
                double p0 = 1, p1 = x;
                for (var k = 2; k <= n; k++)
                {
                    var p2 = (((2 * k) - 1) * x * p1 - ((k - 1) * p0)) / k;
                    p0 = p1;
                    p1 = p2;
                }

                dp = n * ((x * p1) - p0) / ((x * x) - 1);
                var dx = p1 / dp;
                x -= dx;
                if (Math.Abs(dx) < 1e-16)
                {
                    break;
                }
            }

            nodes[i] = x;
            weights[i] = 2 / ((1 - (x * x)) * dp * dp);
        }

        return (nodes, weights);
    }

    /// <summary>∫_a^b f by composite 16-point Gauss–Legendre on <paramref name="panels"/> equal panels.</summary>
    public static double Integrate(Func<double, double> f, double a, double b, int panels)
    {
        var width = (b - a) / panels;
        var sum = 0.0;
        var nodes = Nodes16;
        var weights = Weights16;
        for (var p = 0; p < panels; p++)
        {
            var mid = a + ((p + 0.5) * width);
            var half = 0.5 * width;
            var s = 0.0;
            for (var i = 0; i < nodes.Length; i++)
            {
                s += weights[i] * f(mid + (half * nodes[i]));
            }

            sum += s * half;
        }

        return sum;
    }
}
