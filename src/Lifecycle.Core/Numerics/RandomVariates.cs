namespace Lifecycle.Numerics;

/// <summary>Seeded random variates for the simulators: exponential, gamma (Marsaglia–Tsang), beta.</summary>
/// <remarks>All draws come from the caller's <see cref="Random"/>, so a seed reproduces a simulation exactly.</remarks>
internal static class RandomVariates
{
    /// <summary>Uniform on (0, 1) (never 0).</summary>
    public static double OpenUniform(Random random)
    {
        double u;
        do
        {
            u = random.NextDouble();
        }
        while (u == 0);
        return u;
    }

    /// <summary>Exponential with the given rate.</summary>
    public static double Exponential(Random random, double rate) => -Math.Log(OpenUniform(random)) / rate;

    /// <summary>Standard normal (Box–Muller, one of the pair).</summary>
    public static double Normal(Random random)
    {
        var u1 = OpenUniform(random);
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Gamma with the given shape and rate (mean shape/rate); Marsaglia &amp; Tsang (2000), with the shape-boost for shape &lt; 1.</summary>
    public static double Gamma(Random random, double shape, double rate)
    {
        if (shape < 1)
        {
            // X = Y · U^{1/shape} with Y ~ Gamma(shape + 1).
            var y = Gamma(random, shape + 1, 1);
            return y * Math.Pow(OpenUniform(random), 1 / shape) / rate;
        }

        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = OpenUniform(random);
            if (u < 1 - (0.0331 * x * x * x * x) || Math.Log(u) < (0.5 * x * x) + (d * (1 - v + Math.Log(v))))
            {
                return d * v / rate;
            }
        }
    }

    /// <summary>Beta(a, b) from two gammas.</summary>
    public static double Beta(Random random, double a, double b)
    {
        var x = Gamma(random, a, 1);
        var y = Gamma(random, b, 1);
        var sum = x + y;
        // Both draws can underflow for tiny shapes; the limit is a Bernoulli(a / (a + b)) on {0, 1}.
        return sum > 0 ? x / sum : random.NextDouble() < a / (a + b) ? 1 : 0;
    }
}
