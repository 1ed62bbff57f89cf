using System.Text;
using Lifecycle.Clv;
using Lifecycle.Metrics;
using Lifecycle.Stages;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lifecycle.Extensions.DependencyInjection.Tests;

/// <summary>The "done when": a host built from JSON configuration resolves every service and runs a small analysis; bad configuration fails at start.</summary>
public sealed class EndToEndTests
{
    private const string AppSettings = """
        {
          "Lifecycle": {
            "TimeUnit": "Weeks",
            "Stages": { "AtRiskAfterDays": 60, "ChurnedAfterDays": 150, "AliveThreshold": 0.3 },
            "Clv": { "DiscountRate": 0.01, "DiscountPeriodDays": 30, "HorizonPeriods": 12, "Margin": 0.5 },
            "Segmentation": { "RfmBins": 5, "Ties": "RankFirst" },
            "Churn": { "Period": "Month" }
          }
        }
        """;

    [Fact]
    public async Task Host_FromJson_ResolvesEveryServiceAndRunsAnAnalysis()
    {
        using var host = BuildHost(AppSettings);
        await host.StartAsync(TestContext.Current.CancellationToken);
        var services = host.Services;
        foreach (var type in RegistrationTests.ServiceTypes)
        {
            Assert.NotNull(services.GetRequiredService(type));
        }

        var transactions = TestData.Transactions(400, seed: 42);

        // Summarize: observation end from the container's clock.
        var summaries = services.GetRequiredService<ISummarizerFactory>().Summarize<string>(transactions);
        Assert.Equal(TimeUnit.Weeks, summaries.Unit);
        Assert.Equal(400, summaries.Count);

        // Fit BG/NBD and Gamma-Gamma.
        var fitter = services.GetRequiredService<IClvModelFitter>();
        var fit = fitter.FitTransactions(summaries);
        Assert.True(fit.Converged, fit.ExitReason.ToString());
        var spendFit = fitter.FitSpend(summaries);
        Assert.True(spendFit.Converged, spendFit.ExitReason.ToString());
        Assert.True(spendFit.Model.HasPopulationMean);

        // Predict: P(alive), expected purchases over 12 × 30 days, CLV with the configured discounting and margin.
        var calculator = services.GetRequiredService<IClvCalculator>();
        var predictions = calculator.Predict(summaries, fit.Model, spendFit.Model);
        Assert.Equal(360.0 / 7, predictions.Horizon, 12);
        Assert.True(predictions.HasValue);
        var i = summaries.Count / 2;
        var c = summaries[i];
        Assert.Equal(fit.Model.ProbabilityAlive(c.Frequency, c.Recency, c.T), predictions.ProbabilityAlive[i], 1e-12); // batch and scalar kernels may differ in the last bit
        Assert.Equal(fit.Model.ConditionalExpectedTransactions(360.0 / 7, c.Frequency, c.Recency, c.T), predictions.ExpectedTransactions[i], 12);
        Assert.Equal(HandClv(fit.Model, spendFit.Model, c, periods: 12, unitsPerPeriod: 30.0 / 7, rate: 0.01, margin: 0.5), predictions.LifetimeValue[i], 1e-9);
        Assert.All(predictions.LifetimeValue.ToArray(), v => Assert.True(double.IsFinite(v) && v >= 0));

        // Segment with the configured bins.
        var segments = services.GetRequiredService<ICustomerSegmenter>().Segment(summaries);
        Assert.Equal(summaries.Count, segments.Count);
        Assert.Equal(0, segments.Unassigned);
        Assert.Equal(summaries.Count, segments.Counts.ToArray().Sum());

        // Stage: the configured model with the fitted P(alive) rule, evaluated at the observation end.
        var engine = services.GetRequiredService<IStageEngineFactory>().Create(fit.Model);
        var events = transactions.Select((t, k) => LifecycleEvent.Purchase(FormattableString.Invariant($"e{k}"), t.CustomerId, t.Timestamp, t.Amount));
        var states = engine.Run(events, TestData.End);
        Assert.Equal(summaries.Count, states.Count);
        foreach (var state in states)
        {
            var idle = TestData.End - state.Facts.LastPurchase!.Value;
            var stage = state.CurrentStage!.Value.Id;
            if (idle >= TimeSpan.FromDays(150))
            {
                Assert.Equal(StageModels.Ids.Churned, stage);
            }
            else if (idle >= TimeSpan.FromDays(60))
            {
                Assert.Equal(StageModels.Ids.AtRisk, stage);
            }
            else
            {
                Assert.NotEqual(StageModels.Ids.Churned, stage);
            }
        }

        var distribution = StageAnalytics.Distribution(engine.Model, states, TestData.End);
        Assert.Equal(summaries.Count, distribution.Sum(d => d.Customers));
        Assert.Contains(distribution, d => d.Stage == StageModels.Ids.Churned && d.Customers > 0);
        Assert.Contains(states, s => s.Journey.ToArray().Any(t => t.Rule == "low-p-alive"));

        // Churn and metrics over the same data.
        var churn = services.GetRequiredService<IChurnCalculator>().Analyze<string>(transactions);
        Assert.Equal("inactivity 150 days", churn.Definition);
        Assert.Equal(400, churn.Customers);
        var metrics = services.GetRequiredService<IMetricCalculator>().Compute<string>(transactions);
        Assert.Equal(new Ratio(transactions.Length, 400), metrics.Single(m => m.Name == "purchase frequency").Value);

        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Host_BadJson_FailsAtStartNamingTheOption()
    {
        using var host = BuildHost("""{ "Lifecycle": { "Stages": { "AtRiskAfterDays": 200, "ChurnedAfterDays": 150 } } }""");
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Lifecycle:Stages:ChurnedAfterDays = 150 must be greater than Lifecycle:Stages:AtRiskAfterDays = 200; customers are at risk before they churn, so lengthen ChurnedAfterDays or shorten AtRiskAfterDays.", e.Message);
    }

    [Fact]
    public async Task Host_OutOfRangeJson_FailsAtStartNamingTheOption()
    {
        using var host = BuildHost("""{ "Lifecycle": { "Clv": { "Margin": 1.5 } } }""");
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Lifecycle:Clv:Margin = 1.5 must be greater than 0 and at most 1; use 1 for CLV in revenue or your gross margin, for example 0.3.", e.Message);
    }

    // Σ_k margin · E[M] · (E[Y(k f)] − E[Y((k−1) f)]) / (1 + d)^k, written out independently of the library's loop.
    private static double HandClv(BgNbdModel model, GammaGammaModel spend, CustomerSummary c, int periods, double unitsPerPeriod, double rate, double margin)
    {
        var total = 0.0;
        for (var k = 1; k <= periods; k++)
        {
            var during = model.ConditionalExpectedTransactions(k * unitsPerPeriod, c.Frequency, c.Recency, c.T)
                - model.ConditionalExpectedTransactions((k - 1) * unitsPerPeriod, c.Frequency, c.Recency, c.T);
            total += during / Math.Pow(1 + rate, k);
        }

        return margin * spend.ConditionalExpectedSpend(c.Frequency, c.MonetaryValue) * total;
    }

    private static IHost BuildHost(string json)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        builder.Services.AddSingleton<TimeProvider>(new FixedTimeProvider(TestData.End));
        builder.Services.AddLifecycle();
        builder.Services.Configure<LifecycleOptions>(builder.Configuration.GetSection(LifecycleOptions.SectionName));
        return builder.Build();
    }
}
