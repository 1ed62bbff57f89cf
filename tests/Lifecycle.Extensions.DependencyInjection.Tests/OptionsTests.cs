using Lifecycle.Metrics;
using Lifecycle.Segmentation;
using Lifecycle.Stages;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lifecycle.Extensions.DependencyInjection.Tests;

public sealed class OptionsTests
{
    private const string FullJson = """
        {
          "Lifecycle": {
            "TimeUnit": "Days",
            "Stages": {
              "Model": "AwarenessToAdvocacy",
              "AtRiskAfterDays": 45,
              "ChurnedAfterDays": 120,
              "AliveThreshold": 0.25,
              "PromoterScore": 8,
              "RetentionPurchases": 3,
              "OutOfOrder": "Reject"
            },
            "Clv": {
              "DiscountRate": 0.02,
              "DiscountPeriodDays": 7,
              "HorizonPeriods": 26,
              "Margin": 0.4,
              "ComputeCovariance": false,
              "ConstrainSpendQAboveOne": false
            },
            "Segmentation": { "RfmBins": 4, "Ties": "AverageRank", "Map": "RecencyFrequency" },
            "Churn": { "Period": "Quarter", "InactivityDays": 60 }
          }
        }
        """;

    [Fact]
    public void Defaults_AreValidAndDocumented()
    {
        var o = new LifecycleOptions();
        Assert.Equal(TimeUnit.Days, o.TimeUnit);
        Assert.Equal(StageModelKind.ReachToLoyalty, o.Stages.Model);
        Assert.Equal((90, 180, 0.3, 9, 2, OutOfOrderPolicy.Refold), (o.Stages.AtRiskAfterDays, o.Stages.ChurnedAfterDays, o.Stages.AliveThreshold, o.Stages.PromoterScore, o.Stages.RetentionPurchases, o.Stages.OutOfOrder));
        Assert.Equal((0.01, 365.2425 / 12, 12, 1.0, true, true), (o.Clv.DiscountRate, o.Clv.DiscountPeriodDays, o.Clv.HorizonPeriods, o.Clv.Margin, o.Clv.ComputeCovariance, o.Clv.ConstrainSpendQAboveOne));
        Assert.Equal((5, TiePolicy.AverageRank, SegmentMapKind.RecencyFrequencyMonetary), (o.Segmentation.RfmBins, o.Segmentation.Ties, o.Segmentation.Map));
        Assert.Equal((PeriodGranularity.Month, (int?)null), (o.Churn.Period, o.Churn.InactivityDays));

        using var provider = new ServiceCollection().AddLifecycle().BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void Configure_FromJsonSection_BindsEveryOption()
    {
        var configuration = TestData.Json(FullJson);
        var services = new ServiceCollection().AddLifecycle();
        services.Configure<LifecycleOptions>(configuration.GetSection(LifecycleOptions.SectionName));
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var o = provider.GetRequiredService<IOptions<LifecycleOptions>>().Value;
        Assert.Equal(TimeUnit.Days, o.TimeUnit);
        Assert.Equal(StageModelKind.AwarenessToAdvocacy, o.Stages.Model);
        Assert.Equal((45, 120, 0.25, 8, 3, OutOfOrderPolicy.Reject), (o.Stages.AtRiskAfterDays, o.Stages.ChurnedAfterDays, o.Stages.AliveThreshold, o.Stages.PromoterScore, o.Stages.RetentionPurchases, o.Stages.OutOfOrder));
        Assert.Equal((0.02, 7.0, 26, 0.4, false, false), (o.Clv.DiscountRate, o.Clv.DiscountPeriodDays, o.Clv.HorizonPeriods, o.Clv.Margin, o.Clv.ComputeCovariance, o.Clv.ConstrainSpendQAboveOne));
        Assert.Equal((4, TiePolicy.AverageRank, SegmentMapKind.RecencyFrequency), (o.Segmentation.RfmBins, o.Segmentation.Ties, o.Segmentation.Map));
        Assert.Equal((PeriodGranularity.Quarter, (int?)60), (o.Churn.Period, o.Churn.InactivityDays));

        // ...and the services are built from what was bound.
        Assert.Equal(TimeUnit.Days, provider.GetRequiredService<ISummarizerFactory>().Unit);
        var model = provider.GetRequiredService<IStageEngineFactory>().Model;
        Assert.Contains(model.Stages, s => s.Id == StageModels.Ids.Advocacy);
        Assert.Equal("NPS answer of 8 or more from a customer", model.Rules.Single(r => r.Name == "promoter").Description);
        Assert.Equal("purchase number 3", model.Rules.Single(r => r.Name == "engaged").Description);
        Assert.Equal(OutOfOrderPolicy.Reject, provider.GetRequiredService<LifecycleEngine>().OutOfOrder);
        Assert.Equal(26 * 7.0, provider.GetRequiredService<IClvCalculator>().Horizon(TimeUnit.Days));
        Assert.Equal(26.0, provider.GetRequiredService<IClvCalculator>().Horizon(TimeUnit.Weeks), 12);
        Assert.Equal(PeriodGranularity.Quarter, provider.GetRequiredService<IChurnCalculator>().Calendar.Granularity);
        Assert.Same(SegmentMap.RecencyFrequency, provider.GetRequiredService<ICustomerSegmenter>().Map);
    }

    [Fact]
    public void Configure_NamedSections_BindIndependently()
    {
        var configuration = TestData.Json("""
            { "Lifecycle": { "Eu": { "TimeUnit": "Weeks" }, "Us": { "Churn": { "Period": "Week" } } } }
            """);
        var services = new ServiceCollection().AddLifecycle("eu").AddLifecycle("us");
        services.Configure<LifecycleOptions>("eu", configuration.GetSection("Lifecycle:Eu"));
        services.Configure<LifecycleOptions>("us", configuration.GetSection("Lifecycle:Us"));
        using var provider = services.BuildServiceProvider();
        Assert.Equal(TimeUnit.Weeks, provider.GetRequiredKeyedService<ISummarizerFactory>("eu").Unit);
        Assert.Equal(TimeUnit.Days, provider.GetRequiredKeyedService<ISummarizerFactory>("us").Unit);
        Assert.Equal(PeriodGranularity.Month, provider.GetRequiredKeyedService<IChurnCalculator>("eu").Calendar.Granularity);
        Assert.Equal(PeriodGranularity.Week, provider.GetRequiredKeyedService<IChurnCalculator>("us").Calendar.Granularity);
    }

    public static TheoryData<string, string> BadSections => new()
    {
        { """{ "Stages": { "AtRiskAfterDays": 0 } }""", "Lifecycle:Stages:AtRiskAfterDays = 0 must be between 1 and 3650 days; set it to the days without a purchase that signal risk, for example 90." },
        { """{ "Stages": { "AtRiskAfterDays": 200 } }""", "Lifecycle:Stages:ChurnedAfterDays = 180 must be greater than Lifecycle:Stages:AtRiskAfterDays = 200; customers are at risk before they churn, so lengthen ChurnedAfterDays or shorten AtRiskAfterDays." },
        { """{ "Stages": { "ChurnedAfterDays": 4000 } }""", "Lifecycle:Stages:ChurnedAfterDays = 4000 must be between 1 and 3650 days; set it to the days without a purchase that count as lost, for example 180." },
        { """{ "Stages": { "AliveThreshold": 0 } }""", "Lifecycle:Stages:AliveThreshold = 0 must be greater than 0 and at most 1; set it to the P(alive) below which a customer is at risk, for example 0.3." },
        { """{ "Stages": { "AliveThreshold": 1.5 } }""", "Lifecycle:Stages:AliveThreshold = 1.5 must be greater than 0 and at most 1; set it to the P(alive) below which a customer is at risk, for example 0.3." },
        { """{ "Stages": { "PromoterScore": 11 } }""", "Lifecycle:Stages:PromoterScore = 11 must be between 0 and 10; use 9 for the standard NPS promoter definition." },
        { """{ "Stages": { "RetentionPurchases": 1 } }""", "Lifecycle:Stages:RetentionPurchases = 1 must be between 2 and 1000; the first purchase is conversion; use 2 for 'a repeat purchase'." },
        { """{ "Stages": { "Model": 7 } }""", "Lifecycle:Stages:Model = 7 must be ReachToLoyalty or AwarenessToAdvocacy; choose one of the ready-made stage models." },
        { """{ "TimeUnit": "None" }""", "Lifecycle:TimeUnit = None must be Days or Weeks; set the unit of model time and horizons, for example Weeks." },
        { """{ "Clv": { "DiscountRate": -0.1 } }""", "Lifecycle:Clv:DiscountRate = -0.1 must be between 0 and 1; set the rate per discount period, for example 0.01 for 1% a month." },
        { """{ "Clv": { "DiscountRate": "NaN" } }""", "Lifecycle:Clv:DiscountRate = NaN must be between 0 and 1; set the rate per discount period, for example 0.01 for 1% a month." },
        { """{ "Clv": { "DiscountPeriodDays": 0.5 } }""", "Lifecycle:Clv:DiscountPeriodDays = 0.5 must be between 1 and 366 days; use 30.436875 for monthly discounting." },
        { """{ "Clv": { "HorizonPeriods": 0 } }""", "Lifecycle:Clv:HorizonPeriods = 0 must be between 1 and 1200 periods; use 12 for a year of monthly periods." },
        { """{ "TimeUnit": "Weeks", "Clv": { "HorizonPeriods": 2, "DiscountPeriodDays": 3 } }""", "Lifecycle:Clv:HorizonPeriods × Lifecycle:Clv:DiscountPeriodDays = 2 × 3 days must be at least one model time unit (Weeks); lengthen the horizon or set Lifecycle:TimeUnit to Days." },
        { """{ "Clv": { "Margin": 0 } }""", "Lifecycle:Clv:Margin = 0 must be greater than 0 and at most 1; use 1 for CLV in revenue or your gross margin, for example 0.3." },
        { """{ "Segmentation": { "RfmBins": 1 } }""", "Lifecycle:Segmentation:RfmBins = 1 must be between 2 and 255; use 5 for quintiles (the scale of the built-in segment maps)." },
        { """{ "Segmentation": { "Ties": 9 } }""", "Lifecycle:Segmentation:Ties = 9 must be RankFirst, AverageRank or DropDuplicateEdges; use AverageRank so equal customers get equal scores." },
        { """{ "Segmentation": { "Map": 9 } }""", "Lifecycle:Segmentation:Map = 9 must be RecencyFrequencyMonetary or RecencyFrequency; or register your own SegmentMap in the container." },
        { """{ "Churn": { "Period": "None" } }""", "Lifecycle:Churn:Period = None must be Week, Month or Quarter; use Month for monthly churn rates." },
        { """{ "Churn": { "InactivityDays": 0 } }""", "Lifecycle:Churn:InactivityDays = 0 must be between 1 and 3650 days; remove it to use Lifecycle:Stages:ChurnedAfterDays." },
    };

    [Theory]
    [MemberData(nameof(BadSections))]
    public void StartupValidation_BadSection_FailsWithExactMessage(string section, string message)
    {
        var services = new ServiceCollection().AddLifecycle();
        services.Configure<LifecycleOptions>(TestData.Json($$"""{ "Lifecycle": {{section}} }""").GetSection("Lifecycle"));
        using var provider = services.BuildServiceProvider();

        var atStart = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Equal(message, atStart.Message);
        Assert.Equal(Options.DefaultName, atStart.OptionsName);
        Assert.Equal(typeof(LifecycleOptions), atStart.OptionsType);

        // Without a host nobody calls the start-up validator: the first resolution fails with the same message.
        var atResolution = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IClvCalculator>());
        Assert.Equal(message, atResolution.Message);
    }

    [Fact]
    public void StartupValidation_SeveralProblems_ReportsAllAtOnce()
    {
        var services = new ServiceCollection().AddLifecycle(o =>
        {
            o.Stages.AtRiskAfterDays = 100;
            o.Stages.ChurnedAfterDays = 50;
            o.Segmentation.RfmBins = 300;
        });
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Equal(
            [
                "Lifecycle:Segmentation:RfmBins = 300 must be between 2 and 255; use 5 for quintiles (the scale of the built-in segment maps).",
                "Lifecycle:Stages:ChurnedAfterDays = 50 must be greater than Lifecycle:Stages:AtRiskAfterDays = 100; customers are at risk before they churn, so lengthen ChurnedAfterDays or shorten AtRiskAfterDays.",
            ],
            e.Failures);
    }

    [Fact]
    public void StartupValidation_NamedConfiguration_NamesIt()
    {
        var services = new ServiceCollection().AddLifecycle().AddLifecycle("eu", o => o.Stages.AtRiskAfterDays = 365);
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Equal("eu", e.OptionsName);
        Assert.Equal("Lifecycle:Stages:ChurnedAfterDays = 180 must be greater than Lifecycle:Stages:AtRiskAfterDays = 365; customers are at risk before they churn, so lengthen ChurnedAfterDays or shorten AtRiskAfterDays.", e.Message);
        Assert.NotNull(provider.GetRequiredService<IClvCalculator>());
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<IClvCalculator>("eu"));
    }

    [Fact]
    public void StartupValidation_NullNestedSection_FailsWithFix()
    {
        using var provider = new ServiceCollection().AddLifecycle(o => o.Clv = null!).BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Equal("Lifecycle:Stages, Lifecycle:Clv, Lifecycle:Segmentation, Lifecycle:Churn and Lifecycle:Analysis must not be null; remove the null assignment to keep the defaults.", e.Message);
    }

    [Fact]
    public void Binding_UnknownEnumName_FailsNamingThePath()
    {
        var services = new ServiceCollection().AddLifecycle();
        services.Configure<LifecycleOptions>(TestData.Json("""{ "Lifecycle": { "TimeUnit": "Months" } }""").GetSection("Lifecycle"));
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("'Lifecycle:TimeUnit'", e.Message, StringComparison.Ordinal);
    }
}
