using Lifecycle.Clv;

namespace Lifecycle.Tests.Clv;

/// <summary>Fits that tell the truth: boundary estimates, degenerate data, standard errors with reasons.</summary>
public sealed class FitBoundaryTests(ITestOutputHelper output)
{
    /// <summary>Customers who never drop out (BG/NBD with a = 1e-9: p ≈ 0), daily purchase periods over 1–2 years.</summary>
    internal static CompressedSummaries NoDropout(int customers, int seed)
    {
        var random = new Random(seed);
        var ages = Enumerable.Range(0, customers).Select(_ => 365 + (365 * random.NextDouble())).ToArray();
        return new BgNbdModel(2, 60, 1e-9, 1, TimeUnit.Days).Simulate(ages, random, 1).Compress();
    }

    [Theory]
    [InlineData("bgnbd")]
    [InlineData("mbgnbd")]
    [InlineData("pareto-nbd")]
    public void Fit_NoDropout_StopsAtBoundaryNamingDropout(string model)
    {
        var data = NoDropout(5_000, 7);
        var fit = ModelCatalog.Get(model).Fit(data, null);
        output.WriteLine(fit.Describe());
        File.AppendAllText("/tmp/model-shape-boundary.txt", model + ": " + fit.Describe() + " :: " + string.Join(", ", fit.Parameters) + "\n");
        output.WriteLine(string.Join(", ", fit.Parameters.Select(p => p.ToString("G6", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.False(fit.Converged);
        Assert.Equal(FitExitReason.Boundary, fit.ExitReason);
        Assert.NotNull(fit.Boundary);
        Assert.Contains("no dropout visible", fit.Boundary!.Reason, StringComparison.Ordinal);
        Assert.StartsWith("NBD", fit.Boundary.LimitModel, StringComparison.Ordinal);
        Assert.NotNull(fit.StandardErrorsUnavailableReason);
        Assert.Null(((FitResult<BgNbdModel>?)null)?.StandardErrorOrNull("r"));
        Assert.True(fit.Iterations < 200, fit.Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
