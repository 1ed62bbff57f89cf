using Lifecycle.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Lifecycle.Extensions.DependencyInjection.Tests;

/// <summary>Contributors plug their own churn definitions and metrics in through the container; the calculators use them.</summary>
public sealed class StrategyTests
{
    private static readonly Transaction<string>[] Orders =
    [
        new("a", new DateTimeOffset(2024, 1, 5, 0, 0, 0, TimeSpan.Zero), 10m),
        new("a", new DateTimeOffset(2024, 2, 5, 0, 0, 0, TimeSpan.Zero), 20m),
        new("b", new DateTimeOffset(2024, 1, 20, 0, 0, 0, TimeSpan.Zero), 130m),
        new("c", new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), 40m),
        new("c", new DateTimeOffset(2024, 7, 1, 0, 0, 0, TimeSpan.Zero), 500m), // at the observation end: not yet known
    ];

    private static readonly DateTimeOffset OrdersEnd = new(2024, 7, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MetricCalculator_BuiltIns_AreComputedOnObservedOrders()
    {
        using var provider = new ServiceCollection().AddLifecycle().BuildServiceProvider();
        var values = provider.GetRequiredService<IMetricCalculator>().Compute<string>(Orders, OrdersEnd);
        Assert.Equal(["average order value", "purchase frequency", "repeat purchase rate"], values.Select(v => v.Name));
        Assert.Equal(new Ratio(200m, 4m), values[0].Value); // 10 + 20 + 130 + 40 over 4 orders
        Assert.Equal(new Ratio(4m, 3m), values[1].Value);
        Assert.Equal(new Ratio(1m, 3m), values[2].Value);
    }

    [Fact]
    public void MetricCalculator_RegisteredMetric_IsComputedAfterBuiltIns()
    {
        var services = new ServiceCollection().AddLifecycle();
        services.AddSingleton<ITransactionMetric>(new LargeOrderShare(100m));
        using var provider = services.BuildServiceProvider();
        var values = provider.GetRequiredService<IMetricCalculator>().Compute<string>(Orders, OrdersEnd);
        Assert.Equal(4, values.Count);
        Assert.Equal(new MetricValue("orders of 100 or more", new Ratio(1m, 4m)), values[3]);
    }

    [Fact]
    public void MetricCalculator_KeyedMetric_IsComputedByKey()
    {
        var services = new ServiceCollection().AddLifecycle();
        services.AddKeyedSingleton<ITransactionMetric>("large", new LargeOrderShare(35m));
        using var provider = services.BuildServiceProvider();
        var calculator = provider.GetRequiredService<IMetricCalculator>();
        Assert.Equal(3, calculator.Compute<string>(Orders, OrdersEnd).Count);
        Assert.Equal(new MetricValue("orders of 35 or more", new Ratio(2m, 4m)), calculator.Compute<string>(Orders, OrdersEnd, "large"));
        var missing = Assert.Throws<InvalidOperationException>(() => calculator.Compute<string>(Orders, OrdersEnd, "small"));
        Assert.Equal("No metric ITransactionMetric is registered under the key 'small'; register one with services.AddKeyedSingleton<ITransactionMetric, YourMetric>(key) or pass a registered key.", missing.Message);
        Assert.Equal("metricKey", Assert.Throws<ArgumentNullException>(() => calculator.Compute<string>(Orders, OrdersEnd, null!)).ParamName);
    }

    [Fact]
    public void MetricCalculator_NoEnd_UsesTimeProvider()
    {
        var services = new ServiceCollection().AddLifecycle();
        services.AddSingleton<TimeProvider>(new FixedTimeProvider(new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero)));
        using var provider = services.BuildServiceProvider();
        var values = provider.GetRequiredService<IMetricCalculator>().Compute<string>(Orders);
        Assert.Equal(new Ratio(140m, 2m), values[0].Value); // only a's first order and b's were known on 1 February
    }

    [Fact]
    public void ChurnCalculator_NoDefinitionRegistered_UsesInactivityWithConfiguredWindow()
    {
        var transactions = TestData.Transactions(200, seed: 7);
        using var provider = new ServiceCollection().AddLifecycle(o => o.Churn.InactivityDays = 60).BuildServiceProvider();
        var report = provider.GetRequiredService<IChurnCalculator>().Analyze<string>(transactions, TestData.End);
        var expected = ChurnAnalysis.Analyze<string>(transactions, new PeriodCalendar(PeriodGranularity.Month), TestData.End, new InactivityChurn<string>(TimeSpan.FromDays(60)));
        Assert.Equal("inactivity 60 days", report.Definition);
        Assert.Equal(expected.Periods, report.Periods);

        using var fallback = new ServiceCollection().AddLifecycle(o => o.Stages.ChurnedAfterDays = 120).BuildServiceProvider();
        Assert.Equal("inactivity 120 days", fallback.GetRequiredService<IChurnCalculator>().Analyze<string>(transactions, TestData.End).Definition);
    }

    [Fact]
    public void ChurnCalculator_RegisteredDefinition_IsUsed()
    {
        var transactions = TestData.Transactions(200, seed: 7);
        var mine = new FixedLifetimeChurn<string>(TimeSpan.FromDays(45));
        var services = new ServiceCollection().AddLifecycle();
        services.AddSingleton<IChurnDefinition<Transaction<string>>>(mine);
        using var provider = services.BuildServiceProvider();
        var calculator = provider.GetRequiredService<IChurnCalculator>();

        var report = calculator.Analyze<string>(transactions, TestData.End);
        Assert.Equal("fixed lifetime 45 days", report.Definition);
        Assert.Equal(report.Customers, mine.Calls);
        var expected = ChurnAnalysis.Analyze<string>(transactions, calculator.Calendar, TestData.End, new FixedLifetimeChurn<string>(TimeSpan.FromDays(45)));
        Assert.Equal(expected.Periods, report.Periods);
        Assert.NotEqual(ChurnAnalysis.Analyze<string>(transactions, calculator.Calendar, TestData.End, new InactivityChurn<string>(TimeSpan.FromDays(180))).Periods, report.Periods);

        var all = calculator.AnalyzeAll<string>(transactions, TestData.End);
        Assert.Equal(["inactivity 180 days", "fixed lifetime 45 days"], all.Select(r => r.Definition));
    }

    [Fact]
    public void ChurnCalculator_KeyedDefinition_IsUsedByKey()
    {
        var transactions = TestData.Transactions(100, seed: 3);
        var services = new ServiceCollection().AddLifecycle();
        services.AddKeyedSingleton<IChurnDefinition<Transaction<string>>>("trial", new FixedLifetimeChurn<string>(TimeSpan.FromDays(14)));
        using var provider = services.BuildServiceProvider();
        var calculator = provider.GetRequiredService<IChurnCalculator>();
        Assert.Equal("inactivity 180 days", calculator.Analyze<string>(transactions, TestData.End).Definition);
        Assert.Equal("fixed lifetime 14 days", calculator.Analyze<string>(transactions, TestData.End, "trial").Definition);
        var missing = Assert.Throws<InvalidOperationException>(() => calculator.Analyze<string>(transactions, TestData.End, "annual"));
        Assert.Equal("No churn definition IChurnDefinition<Transaction<String>> is registered under the key 'annual'; register one with services.AddKeyedSingleton<IChurnDefinition<Transaction<String>>>(key, ...) or pass a registered key.", missing.Message);
        Assert.Equal("definitionKey", Assert.Throws<ArgumentNullException>(() => calculator.Analyze<string>(transactions, TestData.End, null!)).ParamName);
    }

    [Fact]
    public void ChurnCalculator_Subscriptions_CohortsAndSurvival()
    {
        using var provider = new ServiceCollection().AddLifecycle(o => o.TimeUnit = TimeUnit.Days).BuildServiceProvider();
        var calculator = provider.GetRequiredService<IChurnCalculator>();
        Subscription<string>[] subscriptions =
        [
            new("a", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), 10m),
            new("b", new DateTimeOffset(2024, 1, 15, 0, 0, 0, TimeSpan.Zero), null, 20m),
        ];
        var report = calculator.Analyze<string>(subscriptions, OrdersEnd);
        Assert.Equal("subscription", report.Definition);
        var curve = calculator.Survival(report);
        Assert.Equal(2, curve.Subjects);
        Assert.Equal(1, curve.EventCount);
        Assert.Equal(3, calculator.Cohorts<string>(Orders, OrdersEnd).TotalCustomers);
        Assert.Equal("report", Assert.Throws<ArgumentNullException>(() => calculator.Survival(null!)).ParamName);
    }

    /// <summary>A churn definition of our own: every customer is lost a fixed time after the first purchase (a trial that lapses).</summary>
    private sealed class FixedLifetimeChurn<TKey>(TimeSpan lifetime) : IChurnDefinition<Transaction<TKey>>
        where TKey : notnull, IEquatable<TKey>
    {
        private int _calls;

        public int Calls => _calls;

        public string Name => FormattableString.Invariant($"fixed lifetime {lifetime.TotalDays} days");

        public void AddSpells(ReadOnlySpan<Transaction<TKey>> customerRecords, DateTimeOffset observationEnd, ICollection<ActivitySpell> spells)
        {
            Interlocked.Increment(ref _calls);
            var start = customerRecords[0].Timestamp;
            var end = start + lifetime;
            spells.Add(new ActivitySpell(start, end < observationEnd ? end : null));
        }
    }

    /// <summary>A metric of our own: the share of orders at or above a value.</summary>
    private sealed class LargeOrderShare(decimal threshold) : ITransactionMetric
    {
        public string Name => FormattableString.Invariant($"orders of {threshold} or more");

        public Ratio Compute<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
            where TKey : notnull, IEquatable<TKey>
        {
            var large = 0;
            foreach (var t in transactions)
            {
                large += t.Amount >= threshold ? 1 : 0;
            }

            return new Ratio(large, transactions.Length);
        }
    }
}
