using Lifecycle.Clv;
using Lifecycle.Segmentation;
using Lifecycle.Stages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lifecycle.Extensions.DependencyInjection.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public void AddLifecycle_NullServices_ThrowsNamingServices()
    {
        IServiceCollection services = null!;
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => services.AddLifecycle()).ParamName);
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => services.AddLifecycle(_ => { })).ParamName);
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => services.AddLifecycle("eu")).ParamName);
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => services.AddLifecycle("eu", _ => { })).ParamName);
    }

    [Fact]
    public void AddLifecycle_NullConfigure_ThrowsNamingConfigure()
    {
        var services = new ServiceCollection();
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => services.AddLifecycle((Action<LifecycleOptions>)null!)).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => services.AddLifecycle("eu", null!)).ParamName);
        Assert.Empty(services);
    }

    [Fact]
    public void AddLifecycle_NullOrBlankName_ThrowsNamingName()
    {
        var services = new ServiceCollection();
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => services.AddLifecycle((string)null!)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => services.AddLifecycle(null!, _ => { })).ParamName);
        var blank = Assert.Throws<ArgumentException>(() => services.AddLifecycle(" "));
        Assert.Equal("name", blank.ParamName);
        Assert.Equal("name is empty or white space; pass the name of the configuration (for example \"eu\"), or call AddLifecycle() for the default one. (Parameter 'name')", blank.Message);
        Assert.Empty(services);
    }

    [Fact]
    public void AddLifecycle_CalledTwice_RegistersNothingTwice()
    {
        var once = new ServiceCollection().AddLifecycle();
        var twice = new ServiceCollection().AddLifecycle().AddLifecycle();
        Assert.Equal(Describe(once), Describe(twice));

        var namedOnce = new ServiceCollection().AddLifecycle("eu");
        var namedTwice = new ServiceCollection().AddLifecycle("eu").AddLifecycle("eu");
        Assert.Equal(Describe(namedOnce), Describe(namedTwice));

        using var provider = twice.BuildServiceProvider();
        Assert.Equal(2, provider.GetServices<IValidateOptions<LifecycleOptions>>().Count());
        Assert.Equal(3, provider.GetServices<ITransactionMetric>().Count());
        Assert.Single(provider.GetServices<IClvCalculator>());
    }

    [Fact]
    public void AddLifecycle_WithConfigureTwice_AppliesBothActionsOnce()
    {
        var services = new ServiceCollection()
            .AddLifecycle(o => o.Stages.AtRiskAfterDays += 10)
            .AddLifecycle(o => o.Stages.AtRiskAfterDays += 1);
        var baseline = new ServiceCollection().AddLifecycle();
        Assert.Equal(Describe(baseline).Length + 2, services.Count);
        using var provider = services.BuildServiceProvider();
        Assert.Equal(101, provider.GetRequiredService<IOptions<LifecycleOptions>>().Value.Stages.AtRiskAfterDays);
    }

    [Fact]
    public void AddLifecycle_DefaultAndNamed_AreIndependent()
    {
        var services = new ServiceCollection()
            .AddLifecycle(o => o.Segmentation.RfmBins = 4)
            .AddLifecycle("eu", o => o.Segmentation.RfmBins = 3);
        var once = new ServiceCollection().AddLifecycle().AddLifecycle("eu");
        Assert.Equal(Describe(once).Length + 2, services.Count);
        using var provider = services.BuildServiceProvider();
        var summaries = SummarySet.FromColumns<int>([1, 2, 3, 4, 5, 6], [0, 1, 2, 3, 4, 5], [0, 5, 10, 15, 20, 25], [30, 30, 30, 30, 30, 30], [0, 10, 20, 30, 40, 50], TimeUnit.Weeks);
        Assert.Equal(4, provider.GetRequiredService<ICustomerSegmenter>().Score(summaries).Bins.Frequency.RequestedBins);
        Assert.Equal(3, provider.GetRequiredKeyedService<ICustomerSegmenter>("eu").Score(summaries).Bins.Frequency.RequestedBins);
        Assert.Null(provider.GetKeyedService<ICustomerSegmenter>("us"));
        Assert.NotSame(provider.GetRequiredService<IStageEngineFactory>(), provider.GetRequiredKeyedService<IStageEngineFactory>("eu"));
    }

    [Fact]
    public void AddLifecycle_UserRegistrationBefore_Wins()
    {
        var mine = new RecordingSummarizerFactory();
        var services = new ServiceCollection();
        services.AddSingleton<ISummarizerFactory>(mine);
        services.AddKeyedSingleton<ISummarizerFactory>("eu", mine);
        services.AddLifecycle().AddLifecycle("eu");
        Assert.Single(services, d => d.ServiceType == typeof(ISummarizerFactory) && !d.IsKeyedService);
        Assert.Single(services, d => d.ServiceType == typeof(ISummarizerFactory) && d.IsKeyedService);
        using var provider = services.BuildServiceProvider();
        Assert.Same(mine, provider.GetRequiredService<ISummarizerFactory>());
        Assert.Same(mine, provider.GetRequiredKeyedService<ISummarizerFactory>("eu"));
    }

    [Fact]
    public void AddLifecycle_UserRegistrationAfter_Wins()
    {
        var mine = new RecordingSummarizerFactory();
        var services = new ServiceCollection().AddLifecycle();
        services.AddSingleton<ISummarizerFactory>(mine);
        using var provider = services.BuildServiceProvider();
        Assert.Same(mine, provider.GetRequiredService<ISummarizerFactory>());
    }

    [Fact]
    public void AddLifecycle_UserSegmentMap_IsUsedBySegmenter()
    {
        var map = new SegmentMapBuilder(SegmentAxis.Frequency).Add("everyone", 1, 5, 1, 5).Build();
        var services = new ServiceCollection().AddLifecycle();
        services.AddSingleton(map);
        using var provider = services.BuildServiceProvider();
        var segmenter = provider.GetRequiredService<ICustomerSegmenter>();
        Assert.Same(map, segmenter.Map);
        var summaries = SummarySet.FromColumns<int>([1, 2, 3, 4, 5], [0, 1, 2, 3, 4], [0, 5, 10, 15, 20], [30, 30, 30, 30, 30], [0, 10, 20, 30, 40], TimeUnit.Weeks);
        var assignment = segmenter.Segment(summaries);
        Assert.Equal(["everyone"], assignment.Names);
        Assert.Equal([0, 0, 0, 0, 0], assignment.Segments.ToArray());
    }

    [Fact]
    public void AddLifecycle_NoSegmentMap_UsesConfiguredBuiltIn()
    {
        using var rfm = new ServiceCollection().AddLifecycle().BuildServiceProvider();
        Assert.Same(SegmentMap.RecencyFrequencyMonetary, rfm.GetRequiredService<ICustomerSegmenter>().Map);
        using var rf = new ServiceCollection().AddLifecycle(o => o.Segmentation.Map = SegmentMapKind.RecencyFrequency).BuildServiceProvider();
        Assert.Same(SegmentMap.RecencyFrequency, rf.GetRequiredService<ICustomerSegmenter>().Map);
    }

    [Fact]
    public void TimeProvider_Registered_GivesDefaultObservationEnd()
    {
        var now = new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var services = new ServiceCollection().AddLifecycle();
        services.AddSingleton<TimeProvider>(new FixedTimeProvider(now));
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<ISummarizerFactory>();
        Assert.Equal(now, factory.CreateOptions().ObservationEnd);
        Assert.Equal(TimeUnit.Days, factory.CreateOptions().Unit);
    }

    [Fact]
    public void TimeProvider_NotRegistered_UsesSystemClock()
    {
        using var provider = new ServiceCollection().AddLifecycle().BuildServiceProvider();
        Assert.Null(provider.GetService<TimeProvider>());
        var before = TimeProvider.System.GetUtcNow();
        var end = provider.GetRequiredService<ISummarizerFactory>().CreateOptions().ObservationEnd;
        var after = TimeProvider.System.GetUtcNow();
        Assert.InRange(end, before, after);
    }

    [Fact]
    public void AddLifecycle_ResolvesEveryService_AsSingletons()
    {
        using var provider = new ServiceCollection().AddLifecycle().AddLifecycle("eu").BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        foreach (var type in ServiceTypes)
        {
            var service = provider.GetRequiredService(type);
            Assert.Same(service, provider.GetRequiredService(type));
            var keyed = provider.GetRequiredKeyedService(type, "eu");
            Assert.NotSame(service, keyed);
        }
    }

    [Fact]
    public void StageEngineFactory_ConfiguredThresholds_AreInTheModel()
    {
        using var provider = new ServiceCollection()
            .AddLifecycle(o =>
            {
                o.Stages.AtRiskAfterDays = 30;
                o.Stages.ChurnedAfterDays = 75;
                o.Stages.OutOfOrder = OutOfOrderPolicy.Reject;
            })
            .BuildServiceProvider();
        var factory = provider.GetRequiredService<IStageEngineFactory>();
        Assert.Contains(factory.Model.Stages, s => s.Id == StageModels.Ids.Loyalty);
        Assert.Equal(TimeSpan.FromDays(30), factory.Model.Rules.Single(r => r.Name == "at-risk").Inactivity);
        Assert.Equal(TimeSpan.FromDays(75), factory.Model.Rules.Single(r => r.Name == "churned").Inactivity);
        Assert.DoesNotContain(factory.Model.Rules, r => r.Trigger == RuleTrigger.Model);
        var engine = provider.GetRequiredService<LifecycleEngine>();
        Assert.Same(factory.Model, engine.Model);
        Assert.Equal(OutOfOrderPolicy.Reject, engine.OutOfOrder);

        var withAlive = factory.Create(new BgNbdModel(0.24, 4.41, 0.79, 2.43, TimeUnit.Weeks));
        var rule = withAlive.Model.Rules.Single(r => r.Trigger == RuleTrigger.Model);
        Assert.Equal(0.3, rule.Threshold);
        Assert.Equal("aliveModel", Assert.Throws<ArgumentNullException>(() => factory.Create(null!)).ParamName);
    }

    [Fact]
    public void StageEngineFactory_AwarenessToAdvocacyWithAliveModel_ThrowsWithFix()
    {
        using var provider = new ServiceCollection().AddLifecycle(o => o.Stages.Model = StageModelKind.AwarenessToAdvocacy).BuildServiceProvider();
        var factory = provider.GetRequiredService<IStageEngineFactory>();
        Assert.Contains(factory.Model.Stages, s => s.Id == StageModels.Ids.Advocacy);
        var e = Assert.Throws<InvalidOperationException>(() => factory.Create(new BgNbdModel(0.24, 4.41, 0.79, 2.43, TimeUnit.Weeks)));
        Assert.Equal("Lifecycle:Stages:Model = AwarenessToAdvocacy has no AtRisk stage, so a P(alive) rule cannot apply; call Create() without a model, or set Lifecycle:Stages:Model to ReachToLoyalty.", e.Message);
    }

    internal static readonly Type[] ServiceTypes =
    [
        typeof(ISummarizerFactory), typeof(IStageEngineFactory), typeof(LifecycleEngine), typeof(IClvModelFitter),
        typeof(IClvCalculator), typeof(IChurnCalculator), typeof(IMetricCalculator), typeof(ICustomerSegmenter),
    ];

    private static string[] Describe(IServiceCollection services) =>
        [.. services.Select(d => $"{d.ServiceType.FullName}|{d.ServiceKey}|{d.Lifetime}|{(d.IsKeyedService ? d.KeyedImplementationType : d.ImplementationType)?.FullName}")];

    private sealed class RecordingSummarizerFactory : ISummarizerFactory
    {
        public TimeUnit Unit => TimeUnit.Days;

        public SummarizerOptions CreateOptions() => CreateOptions(TestData.End);

        public SummarizerOptions CreateOptions(DateTimeOffset observationEnd) => new(observationEnd);

        public TransactionSummarizer<TKey> Create<TKey>(DateTimeOffset observationEnd)
            where TKey : notnull, IEquatable<TKey> => new(CreateOptions(observationEnd));

        public SummarySet<TKey> Summarize<TKey>(ReadOnlySpan<Transaction<TKey>> transactions)
            where TKey : notnull, IEquatable<TKey> => Summarize(transactions, TestData.End);

        public SummarySet<TKey> Summarize<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
            where TKey : notnull, IEquatable<TKey>
        {
            var s = Create<TKey>(observationEnd);
            s.AddRange(transactions);
            return s.Build();
        }
    }
}
