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
        output.WriteLine(string.Join(", ", fit.Parameters.Select(p => p.ToString("G6", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.False(fit.Converged);
        Assert.Equal(FitExitReason.Boundary, fit.ExitReason);
        Assert.NotNull(fit.Boundary);
        AssertNoDropoutBoundary(fit);
        Assert.NotNull(fit.StandardErrorsUnavailableReason);
        Assert.All(fit.ParameterNames, name => Assert.Null(fit.StandardErrorOrNull(name)));
        Assert.Contains("boundary", fit.StandardErrorsUnavailableReason, StringComparison.Ordinal);

        // The limit model's parameters are still found: r and alpha of the simulating NBD (2, 60) within 10%.
        Assert.InRange(fit.Parameters[0], 1.8, 2.2);
        Assert.InRange(fit.Parameters[1], 54, 66);
        Assert.True(fit.Iterations < 200, fit.Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Fit_Cdnow_EveryCountFamilyConvergesInterior()
    {
        foreach (var family in ModelCatalog.Families.Where(f => f.Data == ModelDataKind.CountSummaries))
        {
            var fit = family.Fit(Cdnow.Summaries.Compress(), null);
            Assert.True(fit.Converged, family.Name + ": " + fit.Describe());
            Assert.Null(fit.Boundary);
            Assert.Null(fit.StandardErrorsUnavailableReason);
            Assert.StartsWith("converged", fit.Describe(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Fit_AllTZero_ThrowsNothingObserved()
    {
        var data = CompressedSummaries.Create([0, 0, 0], [0, 0, 0], [0, 0, 0], [], TimeUnit.Days);
        var e = Assert.Throws<ArgumentException>(() => BgNbdModel.Fit(data));
        Assert.Contains("every customer has T = 0", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bgnbd")]
    [InlineData("mbgnbd")]
    [InlineData("pareto-nbd")]
    public void Fit_AllFrequenciesZero_ThrowsNoRepeatPurchases(string model)
    {
        var data = CompressedSummaries.Create([0, 0, 0], [0, 0, 0], [10, 20, 30], [], TimeUnit.Days);
        var e = Assert.Throws<ArgumentException>(() => ModelCatalog.Get(model).Fit(data, null));
        Assert.Contains("no repeat purchases", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_SingleCustomer_ThrowsCannotIdentify()
    {
        var data = CompressedSummaries.Create([3], [20], [30], [], TimeUnit.Days);
        var e = Assert.Throws<ArgumentException>(() => BgNbdModel.Fit(data));
        Assert.Contains("single distinct customer row", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_FrequencyBeyondTheUnit_ThrowsNamingTheRow()
    {
        var data = CompressedSummaries.Create([1e20, 2], [50, 10], [60, 30], [], TimeUnit.Days);
        var e = Assert.Throws<ArgumentException>(() => BgNbdModel.Fit(data));
        Assert.Contains("more repeat purchases than one per second", e.Message, StringComparison.Ordinal);
    }

    /// <summary>500 customers who each bought once (x = 0 for all): issue 12 reported r = 1.35e-5, "converged"; now a clear error.</summary>
    [Fact]
    public void Fit_OneTimeBuyersOnly_ThrowsNoRepeatPurchases()
    {
        var t = Enumerable.Range(0, 500).Select(i => 10.0 + i).ToArray();
        var data = CompressedSummaries.Create(new double[500], new double[500], t, [], TimeUnit.Days);
        Assert.Throws<ArgumentException>(() => MbgNbdModel.Fit(data));
    }

    /// <summary>Homogeneous Poisson purchases (every customer rate 0.05/day) and no dropout: the fit stops at the first boundary it meets (no dropout) within a few dozen iterations.</summary>
    [Fact]
    public void Fit_HomogeneousRatesNoDropout_StopsEarlyAtABoundary()
    {
        var random = new Random(3);
        var n = 4000;
        double[] x = new double[n], tx = new double[n], t = new double[n];
        for (var i = 0; i < n; i++)
        {
            t[i] = 200 + random.Next(200);
            double time = 0, last = 0, count = 0;
            while ((time += -Math.Log(1 - random.NextDouble()) / 0.05) <= t[i])
            {
                count++;
                last = time;
            }

            x[i] = count;
            tx[i] = last;
        }

        var fit = BgNbdModel.Fit(CompressedSummaries.Create(x, tx, t, [], TimeUnit.Days));
        output.WriteLine(fit.Describe());
        Assert.False(fit.Converged);
        Assert.Equal(FitExitReason.Boundary, fit.ExitReason);
        AssertNoDropoutBoundary(fit);
        Assert.True(fit.Iterations < 100);
    }

    /// <summary>The supremum of data without dropout is on the "no dropout" face (a → 0, limit NBD), or on the "all or
    /// nothing" face (a, b → 0) with a share a/(a+b) of immediate dropouts below 1 %: that face contains the first as
    /// share → 0, and a finite sample can raise the likelihood a little by explaining a few zero counts as immediate
    /// dropouts (MBG/NBD lets customers drop out at time 0). The fit reports whichever is higher.</summary>
    private static void AssertNoDropoutBoundary<TModel>(FitResult<TModel> fit)
        where TModel : class
    {
        var boundary = fit.Boundary!;
        if (boundary.Reason.Contains("all or nothing", StringComparison.Ordinal))
        {
            Assert.Equal(["a", "b"], boundary.Parameters);
            Assert.InRange(fit.Parameter("a") / (fit.Parameter("a") + fit.Parameter("b")), 0, 0.01);
        }
        else
        {
            Assert.Contains("no dropout visible", boundary.Reason, StringComparison.Ordinal);
            Assert.StartsWith("NBD", boundary.LimitModel, StringComparison.Ordinal);
        }
    }

    /// <summary>The reading of a boundary: r and alpha both → ∞ is "no rate heterogeneity" with the finite ratio r/alpha; a → 0 alone is "no dropout visible"; an unexplained divergence is named as such.</summary>
    [Fact]
    public void Describe_BoundaryPatterns_NameWhatTheDataShow()
    {
        string[] names = ["r", "alpha", "a", "b"];
        var rate = BoundaryRules.Describe(BoundaryRules.BetaGeometric, names, [1e6, 2e7, 0.8, 2.5], new double[4], [3, 3, 0, 0]);
        Assert.Equal(["r", "alpha"], rate.Parameters);
        Assert.Equal(["→ ∞", "→ ∞"], rate.Directions);
        Assert.Contains("no rate heterogeneity", rate.Reason, StringComparison.Ordinal);
        Assert.Contains("r/alpha → 0.05", rate.Reason, StringComparison.Ordinal);
        Assert.StartsWith("a homogeneous Poisson", rate.LimitModel, StringComparison.Ordinal);

        var both = BoundaryRules.Describe(BoundaryRules.BetaGeometric, names, [0.5, 6, 1e7, 3e7], new double[4], [0, 0, 4, 4]);
        Assert.Contains("no dropout heterogeneity", both.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("no dropout visible", both.Reason, StringComparison.Ordinal);

        var other = BoundaryRules.Describe(BoundaryRules.BetaGeometric, names, [1e-9, 6, 1, 2], new double[4], [-5, 0, 0, 0]);
        Assert.Contains("r → 0 with no change in the likelihood", other.Reason, StringComparison.Ordinal);
        Assert.Null(other.LimitModel);
    }

    [Fact]
    public void Fit_WithoutCovariance_SaysWhyStandardErrorsAreMissing()
    {
        var fit = BgNbdModel.Fit(Cdnow.Summaries.Compress(), new FitOptions { ComputeCovariance = false });
        Assert.True(fit.Converged);
        Assert.Contains("ComputeCovariance", fit.StandardErrorsUnavailableReason, StringComparison.Ordinal);
        Assert.Null(fit.StandardErrorOrNull("r"));
    }
}
