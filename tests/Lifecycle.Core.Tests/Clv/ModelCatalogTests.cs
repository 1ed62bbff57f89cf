using Lifecycle.Clv;

namespace Lifecycle.Tests.Clv;

/// <summary>One model shape: the catalog, the model file (versioned, unit-carrying) and unit checks.</summary>
public sealed class ModelCatalogTests
{
    private static readonly Dictionary<string, double[]> Known = new(StringComparer.Ordinal)
    {
        ["bgnbd"] = [0.2426, 4.4136, 0.7929, 2.4259],
        ["pareto-nbd"] = [0.5533, 10.5776, 0.6061, 11.6650],
        ["mbgnbd"] = [0.525, 6.183, 0.891, 1.614],
        ["bgbb"] = [1.204, 0.750, 0.657, 2.783],
        ["gamma-gamma"] = [6.25, 3.74, 15.44],
        ["sbg"] = [0.668, 3.806],
    };

    [Fact]
    public void Families_ListEveryModelOnceWithReadOnlyNames()
    {
        Assert.Equal(["bgnbd", "pareto-nbd", "mbgnbd", "bgbb", "gamma-gamma", "sbg"], ModelCatalog.Names);
        foreach (var family in ModelCatalog.Families)
        {
            Assert.Same(family, ModelCatalog.Get(family.Name));
            Assert.False(family.ParameterNames is string[], family.Name + ": ParameterNames must not hand out an array");
        }

        Assert.False(BgBbModel.ParameterNames is string[]);
        Assert.False(MbgNbdModel.ParameterNames is string[]);
        Assert.False(ParetoNbdModel.ParameterNames is string[]);
        Assert.False(ShiftedBetaGeometricModel.ParameterNames is string[]);
    }

    [Fact]
    public void Create_EveryFamily_GivesItsModelWithTheParameters()
    {
        foreach (var family in ModelCatalog.Families)
        {
            var model = family.Create(Known[family.Name], TimeUnit.Weeks);
            Assert.Same(family, model.Family);
            Assert.Equal(Known[family.Name], model.Parameters);
            Assert.Equal(family.HasTimeUnit ? TimeUnit.Weeks : TimeUnit.None, model.TimeUnit);
        }
    }

    [Fact]
    public void Get_UnknownName_ListsTheNames()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelCatalog.Get("bg-nbd"));
        Assert.Contains("bgnbd, pareto-nbd, mbgnbd, bgbb, gamma-gamma, sbg", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_BadValue_NamesTheParameterWithoutFrameworkSuffix()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelCatalog.BgNbd.Create([0.2, -1, 1, 1], TimeUnit.Days));
        Assert.Contains("\"alpha\" = -1", e.Message, StringComparison.Ordinal);
        var named = Assert.Throws<ArgumentException>(() => ModelCatalog.BgNbd.Create(new Dictionary<string, double> { ["r"] = 1, ["alpha"] = 1, ["a"] = 1 }, TimeUnit.Days));
        Assert.Contains("needs parameter \"b\"", named.Message, StringComparison.Ordinal);
        var unit = Assert.Throws<ArgumentException>(() => ModelCatalog.ParetoNbd.Create(Known["pareto-nbd"], TimeUnit.None));
        Assert.Contains("days or weeks", unit.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelDocument_FitRoundTrip_KeepsUnitParametersAndDiagnostics()
    {
        var fit = ModelCatalog.BgNbd.Fit(Cdnow.Summaries.Compress(), null);
        var json = ModelDocument.FromFit(fit).ToJson();
        var back = ModelDocument.Parse(json);
        Assert.Equal(ModelDocument.CurrentFormatVersion, back.FormatVersion);
        Assert.Same(ModelCatalog.BgNbd, back.Family);
        Assert.Equal(TimeUnit.Weeks, back.Unit);
        Assert.Equal(fit.Parameters, back.Parameters); // round-trip doubles: bit for bit
        Assert.Equal(fit.LogLikelihood, back.LogLikelihood);
        Assert.Equal(fit.StandardErrors.Select(se => (double?)se), back.StandardErrors!);
        Assert.True(back.Converged);
        Assert.Equal(2357, back.Customers);
        Assert.Equal(ModelDocument.CurrentLibraryVersion, back.LibraryVersion);
        var model = (BgNbdModel)back.CreateModel(TimeUnit.None);
        Assert.Equal(TimeUnit.Weeks, model.TimeUnit);
        Assert.Equal(fit.Model.ConditionalExpectedTransactions(39, 2, 30.43, 38.86), model.ConditionalExpectedTransactions(39, 2, 30.43, 38.86));
    }

    [Fact]
    public void ModelDocument_VersionZeroFile_StillReads()
    {
        // What 'fit --out' wrote before format versions and units (CLI.md shape).
        const string Old = """
            {
              "model": "bgnbd",
              "customers": 2357,
              "parameters": { "r": 0.2425, "alpha": 4.4136, "a": 0.7929, "b": 2.4259 },
              "standardErrors": { "r": 0.0125, "alpha": null, "a": 0.1857, "b": 0.7053 },
              "logLikelihood": -9582.43,
              "converged": true,
              "iterations": 31
            }
            """;
        var doc = ModelDocument.Parse(Old);
        Assert.Equal(0, doc.FormatVersion);
        Assert.Equal(TimeUnit.None, doc.Unit);
        Assert.Null(doc.StandardErrors![1]);
        Assert.Equal(31, doc.Iterations);
        var e = Assert.Throws<ArgumentException>(() => doc.CreateModel(TimeUnit.None));
        Assert.Contains("records no \"unit\"", e.Message, StringComparison.Ordinal);
        Assert.Equal(TimeUnit.Days, doc.CreateModel(TimeUnit.Days).TimeUnit);
    }

    [Fact]
    public void ModelDocument_UnitContradicted_NamesBothUnits()
    {
        var doc = ModelDocument.Parse("""{"model": "bgnbd", "unit": "weeks", "parameters": {"r": 1, "alpha": 1, "a": 1, "b": 1}}""");
        var e = Assert.Throws<ArgumentException>(() => doc.CreateModel(TimeUnit.Days));
        Assert.Contains("weeks", e.Message, StringComparison.Ordinal);
        Assert.Contains("days", e.Message, StringComparison.Ordinal);
        Assert.Equal(TimeUnit.Weeks, doc.CreateModel(TimeUnit.Weeks).TimeUnit);
    }

    [Theory]
    [InlineData("""{"model": "bgnbd", "model": "mbgnbd", "unit": "days", "parameters": {"r": 1, "alpha": 1, "a": 1, "b": 1}}""", "appears twice", 1L)]
    [InlineData("{\"model\": \"bgnbd\", \"unit\": \"days\",\n \"parameters\": {\"r\": 1, \"alpha\": 1, \"a\": 1, \"b\": 1, \"b\": 2}}", "\"b\" appears twice", 2L)]
    [InlineData("""{"model": "bgnbd", "unit": "months", "parameters": {"r": 1, "alpha": 1, "a": 1, "b": 1}}""", "\"unit\" must be \"days\" or \"weeks\"", 1L)]
    [InlineData("""{"model": "bgnbd", "parameters": {"r": 1, "alpha": 1, "a": 1, "b": 1, "s": 1}}""", "\"s\", which is not a parameter", 1L)]
    [InlineData("""{"model": "bgnbd", "parameters": {"r": 1, "alpha": 0, "a": 1, "b": 1}}""", "\"alpha\" must be a finite number > 0", 1L)]
    [InlineData("""{"formatVersion": 9, "model": "bgnbd", "parameters": {"r": 1, "alpha": 1, "a": 1, "b": 1}}""", "newer than this library reads", 1L)]
    [InlineData("""{"model": "gg", "parameters": {}}""", "is not a model", 1L)]
    public void ModelDocument_BadFile_SaysWhatAndWhere(string json, string expected, long line)
    {
        var e = Assert.Throws<ModelFileException>(() => ModelDocument.Parse(json));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal(line, e.Line);
        Assert.DoesNotContain("(Parameter '", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelDocument_SpendFamily_HasNoUnit()
    {
        var doc = ModelDocument.FromModel(new GammaGammaModel(6.25, 3.74, 15.44));
        Assert.DoesNotContain("\"unit\"", doc.ToJson(), StringComparison.Ordinal);
        Assert.IsType<GammaGammaModel>(ModelDocument.Parse(doc.ToJson()).CreateModel(TimeUnit.Weeks));
    }

    /// <summary>Issue 12: a weeks model, day summaries and day discounting gave a number; now each mismatch throws naming both units.</summary>
    [Fact]
    public void Clv_WeeksModelWithDaySummariesOrDayDiscounting_ThrowsNamingBothUnits()
    {
        var model = new BgNbdModel(0.2426, 4.4136, 0.7929, 2.4259, TimeUnit.Weeks);
        var spend = new GammaGammaModel(6.25, 3.74, 15.44);
        var weeks = Cdnow.Summaries;
        var days = SummarySet.FromColumns<int>(weeks.Ids, weeks.Frequency, [.. weeks.Recency.ToArray().Select(v => v * 7)], [.. weeks.T.ToArray().Select(v => v * 7)], weeks.MonetaryValue, TimeUnit.Days);
        var destination = new double[weeks.Count];
        var e1 = Assert.Throws<ArgumentException>(() => CustomerLifetimeValue.Discrete(model, spend, days, DiscreteDiscounting.Monthly(TimeUnit.Days, 12, 0.01), destination));
        Assert.Contains("days", e1.Message, StringComparison.Ordinal);
        Assert.Contains("weeks", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<ArgumentException>(() => CustomerLifetimeValue.Discrete(model, spend, weeks.Frequency, weeks.Recency, weeks.T, weeks.MonetaryValue, DiscreteDiscounting.Monthly(TimeUnit.Days, 12, 0.01), destination));
        Assert.Contains("the discounting is in days but the model is in weeks", e2.Message, StringComparison.Ordinal);
        var e3 = Assert.Throws<ArgumentException>(() => CustomerLifetimeValue.Continuous(model, spend, weeks.Frequency, weeks.Recency, weeks.T, weeks.MonetaryValue, ContinuousDiscounting.FromAnnualRate(TimeUnit.Days, 0.1), destination));
        Assert.Contains("days", e3.Message, StringComparison.Ordinal);

        // Matching units work, and agree with the unit-less convention of the same length.
        CustomerLifetimeValue.Discrete(model, spend, weeks, DiscreteDiscounting.Monthly(TimeUnit.Weeks, 12, 0.01, MonthLength.Lifetimes), destination);
        var plain = new double[weeks.Count];
        CustomerLifetimeValue.Discrete(model, spend, weeks.Frequency, weeks.Recency, weeks.T, weeks.MonetaryValue, new DiscreteDiscounting(12, 4.345, 0.01), plain);
        Assert.Equal(plain, destination);
    }

    [Fact]
    public void Simulate_EveryCountFamily_IsSeededAndRefitsNearTheTruth()
    {
        foreach (var family in ModelCatalog.Families.Where(f => f.Data == ModelDataKind.CountSummaries))
        {
            var truth = (ICountModel)family.Create(family.Name == "pareto-nbd" ? [0.55, 10.6, 0.61, 11.7] : [0.5, 6.0, 0.8, 2.5], TimeUnit.Weeks);
            var ages = Enumerable.Range(0, 20_000).Select(i => 20 + (i % 40)).Select(v => (double)v).ToArray();
            var a = truth.Simulate(ages, new Random(11), 0);
            var b = truth.Simulate(ages, new Random(11), 0);
            Assert.Equal(a.Frequency.ToArray(), b.Frequency.ToArray());
            var fit = family.Fit(a.Compress(), null);
            Assert.True(fit.Converged, family.Name + ": " + fit.Describe());

            // r within 4 standard errors of the truth (fails by chance with probability ≈ 6e-5).
            Assert.InRange(fit.Parameters[0], truth.Parameters[0] - (4 * fit.StandardErrors[0]), truth.Parameters[0] + (4 * fit.StandardErrors[0]));
        }
    }

    /// <summary>The non-count families simulate too: refitting 20,000 simulated customers (one cohort of 20,000 for sBG) recovers every parameter within 4 standard errors (chance failure ≈ 6e-5 per parameter).</summary>
    [Fact]
    public void Simulate_BgBbSbgGammaGamma_RefitNearTheTruth()
    {
        var bgbb = new BgBbModel(1.204, 0.750, 0.657, 2.783);
        var bgbbFit = BgBbModel.Fit(bgbb.Simulate(20_000, 6, new Random(5)));
        AssertWithin4Se(bgbbFit.Parameters, bgbbFit.StandardErrors, bgbb.Parameters, bgbbFit.Describe());

        var sbg = new ShiftedBetaGeometricModel(0.668, 3.806);
        var sbgFit = ShiftedBetaGeometricModel.Fit(sbg.Simulate(20_000, 12, new Random(6)));
        AssertWithin4Se(sbgFit.Parameters, sbgFit.StandardErrors, sbg.Parameters, sbgFit.Describe());

        var gg = new GammaGammaModel(6.25, 3.74, 15.44);
        var random = new Random(8);
        var x = Enumerable.Range(0, 20_000).Select(_ => (double)(1 + random.Next(10))).ToArray();
        var ggFit = GammaGammaModel.Fit(x, gg.Simulate(x, new Random(9)), [], null, false);
        AssertWithin4Se(ggFit.Parameters, ggFit.StandardErrors, gg.Parameters, ggFit.Describe());
        Assert.Equal(gg.Simulate(x, new Random(9)), gg.Simulate(x, new Random(9)));
    }

    private static void AssertWithin4Se(IReadOnlyList<double> fitted, IReadOnlyList<double> se, IReadOnlyList<double> truth, string what)
    {
        for (var i = 0; i < truth.Count; i++)
        {
            Assert.True(double.IsFinite(se[i]) && Math.Abs(fitted[i] - truth[i]) <= 4 * se[i], FormattableString.Invariant($"{what}: parameter {i} = {fitted[i]:R}, truth {truth[i]}, se {se[i]:R}"));
        }
    }
}
