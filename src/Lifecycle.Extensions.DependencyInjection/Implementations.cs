using Lifecycle.Analysis;
using Lifecycle.Clv;
using Lifecycle.Metrics;
using Lifecycle.Segmentation;
using Lifecycle.Stages;
using Microsoft.Extensions.DependencyInjection;

namespace Lifecycle;

internal sealed class SummarizerFactory(LifecycleSettings settings, TimeProvider time) : ISummarizerFactory
{
    public TimeUnit Unit => settings.TimeUnit;

    public SummarizerOptions CreateOptions() => CreateOptions(time.GetUtcNow());

    public SummarizerOptions CreateOptions(DateTimeOffset observationEnd) => new(observationEnd) { Unit = settings.TimeUnit };

    public TransactionSummarizer<TKey> Create<TKey>(DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey> => new(CreateOptions(observationEnd));

    public SummarySet<TKey> Summarize<TKey>(ReadOnlySpan<Transaction<TKey>> transactions)
        where TKey : notnull, IEquatable<TKey> => Summarize(transactions, time.GetUtcNow());

    public SummarySet<TKey> Summarize<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>
    {
        var summarizer = Create<TKey>(observationEnd);
        summarizer.AddRange(transactions);
        return summarizer.Build();
    }
}

internal sealed class CustomerAnalyzer(LifecycleSettings settings) : ICustomerAnalyzer
{
    public AnalysisOptions Options => settings.Analysis;

    public AnalysisResult<TKey> Analyze<TKey>(IEnumerable<Transaction<TKey>> transactions, IComparer<TKey>? order = null, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
        where TKey : notnull, IEquatable<TKey> => CustomerAnalysis.Run(transactions, settings.Analysis, order, progress, cancellationToken);

    public Task<AnalysisResult<TKey>> AnalyzeAsync<TKey>(IAsyncEnumerable<Transaction<TKey>> transactions, IComparer<TKey>? order = null, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
        where TKey : notnull, IEquatable<TKey> => CustomerAnalysis.RunAsync(transactions, settings.Analysis, order, progress, cancellationToken);
}

internal sealed class StageEngineFactory : IStageEngineFactory
{
    private readonly LifecycleSettings _settings;

    public StageEngineFactory(LifecycleSettings settings)
    {
        _settings = settings;
        Model = Build(null);
    }

    public StageModel Model { get; }

    public LifecycleEngine Create() => new(Model, _settings.OutOfOrder);

    public LifecycleEngine Create(ITransactionModel aliveModel)
    {
        ArgumentNullException.ThrowIfNull(aliveModel);
        if (_settings.StageModel != StageModelKind.ReachToLoyalty)
        {
            throw new InvalidOperationException(FormattableString.Invariant($"Lifecycle:Stages:Model = {_settings.StageModel} has no AtRisk stage, so a P(alive) rule cannot apply; call Create() without a model, or set Lifecycle:Stages:Model to ReachToLoyalty."));
        }

        var alive = AliveProbability.FromSummaryModel(s => aliveModel.ProbabilityAlive(s.Frequency, s.Recency, s.T), aliveModel.TimeUnit);
        return new LifecycleEngine(Build(alive), _settings.OutOfOrder);
    }

    private StageModel Build(IAliveProbability? alive)
    {
        var rules = _settings.RuleOptions(alive);
        return _settings.StageModel == StageModelKind.AwarenessToAdvocacy
            ? StageModels.AwarenessToAdvocacy(rules)
            : StageModels.ReachToLoyalty(rules);
    }
}

internal sealed class ClvModelFitter(LifecycleSettings settings) : IClvModelFitter
{
    private readonly FitOptions _fitOptions = new() { ComputeCovariance = settings.ComputeCovariance };

    public FitResult<BgNbdModel> FitTransactions<TKey>(SummarySet<TKey> summaries)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(summaries);
        return BgNbdModel.Fit(summaries, _fitOptions);
    }

    public FitResult<GammaGammaModel> FitSpend<TKey>(SummarySet<TKey> summaries)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(summaries);
        return GammaGammaModel.Fit(summaries, _fitOptions, settings.ConstrainSpendQAboveOne);
    }
}

internal sealed class ClvCalculator(LifecycleSettings settings) : IClvCalculator
{
    public double Horizon(TimeUnit unit) => settings.HorizonPeriods * settings.DiscountPeriodDays / unit.DaysPerUnit();

    public CustomerPredictions Predict<TKey>(SummarySet<TKey> summaries, ITransactionModel transactions, ISpendModel? spend)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(summaries);
        ArgumentNullException.ThrowIfNull(transactions);
        if (summaries.Unit != transactions.TimeUnit)
        {
            throw new ArgumentException(
                FormattableString.Invariant($"summaries are in {summaries.Unit} but the transaction model is in {transactions.TimeUnit}; summarize on the model's unit (Lifecycle:TimeUnit) or refit the model on these summaries."),
                nameof(summaries));
        }

        var unit = transactions.TimeUnit;
        var n = summaries.Count;
        var horizon = Horizon(unit);
        var alive = new double[n];
        var expected = new double[n];
        transactions.ProbabilityAlive(summaries.Frequency, summaries.Recency, summaries.T, alive);
        transactions.ConditionalExpectedTransactions(horizon, summaries.Frequency, summaries.Recency, summaries.T, expected);
        if (spend is null)
        {
            return new CustomerPredictions(unit, horizon, alive, expected, null, null);
        }

        var expectedSpend = new double[n];
        spend.ConditionalExpectedSpend(summaries.Frequency, summaries.MonetaryValue, expectedSpend);
        var value = new double[n];
        CustomerLifetimeValue.Discrete(transactions, spend, summaries.Frequency, summaries.Recency, summaries.T, summaries.MonetaryValue, Discounting(unit), value);
        return new CustomerPredictions(unit, horizon, alive, expected, expectedSpend, value);
    }

    public DiscreteDiscounting Discounting(TimeUnit unit) =>
        new(settings.HorizonPeriods, settings.DiscountPeriodDays / unit.DaysPerUnit(), settings.DiscountRate) { Margin = settings.Margin };
}

internal sealed class ChurnCalculator(LifecycleSettings settings, TimeProvider time, IServiceProvider services) : IChurnCalculator
{
    public PeriodCalendar Calendar { get; } = new(settings.ChurnPeriod);

    public ChurnReport Analyze<TKey>(ReadOnlySpan<Transaction<TKey>> transactions)
        where TKey : notnull, IEquatable<TKey> => Analyze(transactions, time.GetUtcNow());

    public ChurnReport Analyze<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>
    {
        var definition = services.GetService<IChurnDefinition<Transaction<TKey>>>() ?? BuiltIn<TKey>();
        return ChurnAnalysis.Analyze(transactions, Calendar, observationEnd, definition);
    }

    public ChurnReport Analyze<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd, object definitionKey)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(definitionKey);
        var definition = services.GetKeyedService<IChurnDefinition<Transaction<TKey>>>(definitionKey)
            ?? throw new InvalidOperationException(FormattableString.Invariant($"No churn definition IChurnDefinition<Transaction<{typeof(TKey).Name}>> is registered under the key '{definitionKey}'; register one with services.AddKeyedSingleton<IChurnDefinition<Transaction<{typeof(TKey).Name}>>>(key, ...) or pass a registered key."));
        return ChurnAnalysis.Analyze(transactions, Calendar, observationEnd, definition);
    }

    public IReadOnlyList<ChurnReport> AnalyzeAll<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>
    {
        var reports = new List<ChurnReport> { ChurnAnalysis.Analyze(transactions, Calendar, observationEnd, BuiltIn<TKey>()) };
        foreach (var definition in services.GetServices<IChurnDefinition<Transaction<TKey>>>())
        {
            reports.Add(ChurnAnalysis.Analyze(transactions, Calendar, observationEnd, definition));
        }

        return reports;
    }

    public ChurnReport Analyze<TKey>(ReadOnlySpan<Subscription<TKey>> subscriptions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>
    {
        var definition = services.GetService<IChurnDefinition<Subscription<TKey>>>() ?? new SubscriptionChurn<TKey>();
        return ChurnAnalysis.Analyze(subscriptions, Calendar, observationEnd, definition);
    }

    public CohortMatrix Cohorts<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey> => CohortMatrix.FromTransactions(transactions, Calendar, observationEnd);

    public SurvivalCurve Survival(ChurnReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return KaplanMeier.Fit(report.Lifetimes(settings.TimeUnit));
    }

    private InactivityChurn<TKey> BuiltIn<TKey>()
        where TKey : notnull, IEquatable<TKey> => new(settings.ChurnWindow);
}

internal sealed class MetricCalculator(TimeProvider time, IServiceProvider services) : IMetricCalculator
{
    public IReadOnlyList<MetricValue> Compute<TKey>(ReadOnlySpan<Transaction<TKey>> transactions)
        where TKey : notnull, IEquatable<TKey> => Compute(transactions, time.GetUtcNow());

    public IReadOnlyList<MetricValue> Compute<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>
    {
        var observed = Observed(transactions, observationEnd);
        var values = new List<MetricValue>();
        foreach (var metric in services.GetServices<ITransactionMetric>())
        {
            values.Add(new MetricValue(metric.Name, metric.Compute(observed, observationEnd)));
        }

        return values;
    }

    public MetricValue Compute<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd, object metricKey)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(metricKey);
        var metric = services.GetKeyedService<ITransactionMetric>(metricKey)
            ?? throw new InvalidOperationException(FormattableString.Invariant($"No metric ITransactionMetric is registered under the key '{metricKey}'; register one with services.AddKeyedSingleton<ITransactionMetric, YourMetric>(key) or pass a registered key."));
        return new MetricValue(metric.Name, metric.Compute(Observed(transactions, observationEnd), observationEnd));
    }

    // Metrics see only what was known at the observation end; copy only when something must be left out.
    private static ReadOnlySpan<Transaction<TKey>> Observed<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>
    {
        var later = 0;
        foreach (ref readonly var t in transactions)
        {
            if (t.Timestamp >= observationEnd)
            {
                later++;
            }
        }

        if (later == 0)
        {
            return transactions;
        }

        var kept = new Transaction<TKey>[transactions.Length - later];
        var j = 0;
        foreach (ref readonly var t in transactions)
        {
            if (t.Timestamp < observationEnd)
            {
                kept[j++] = t;
            }
        }

        return kept;
    }
}

internal sealed class CustomerSegmenter(LifecycleSettings settings, SegmentMap? registeredMap) : ICustomerSegmenter
{
    public SegmentMap Map { get; } = registeredMap ?? (settings.Map == SegmentMapKind.RecencyFrequency ? SegmentMap.RecencyFrequency : SegmentMap.RecencyFrequencyMonetary);

    public RfmScores Score<TKey>(SummarySet<TKey> summaries)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(summaries);
        return Rfm.Score(summaries, settings.Rfm);
    }

    public SegmentAssignment Segment<TKey>(SummarySet<TKey> summaries)
        where TKey : notnull, IEquatable<TKey> => Map.Assign(Score(summaries));
}

internal sealed class AverageOrderValueMetric : ITransactionMetric
{
    public string Name => "average order value";

    public Ratio Compute<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey> => CustomerMetrics.Orders(transactions).AverageOrderValue;
}

internal sealed class PurchaseFrequencyMetric : ITransactionMetric
{
    public string Name => "purchase frequency";

    public Ratio Compute<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey> => CustomerMetrics.Orders(transactions).PurchaseFrequency;
}

internal sealed class RepeatPurchaseRateMetric : ITransactionMetric
{
    public string Name => "repeat purchase rate";

    public Ratio Compute<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey> => CustomerMetrics.Orders(transactions).RepeatPurchaseRate;
}
