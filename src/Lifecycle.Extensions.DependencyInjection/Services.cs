using Lifecycle.Analysis;
using Lifecycle.Clv;
using Lifecycle.Metrics;
using Lifecycle.Segmentation;
using Lifecycle.Stages;

namespace Lifecycle;

/// <summary>The whole lifecycle analysis (<see cref="CustomerAnalysis"/>) with options bound from configuration: the same numbers as the CLI's <c>analyze</c> and a direct call for the same options.</summary>
/// <remarks>Implementations call Core and add nothing; thread-safe.</remarks>
public interface ICustomerAnalyzer
{
    /// <summary>Gets the analysis options built from the configuration (validated at start).</summary>
    AnalysisOptions Options { get; }

    /// <summary>Runs the analysis on transactions (<see cref="CustomerAnalysis.Run{TKey}(IEnumerable{Transaction{TKey}}, AnalysisOptions?, IComparer{TKey}?, IProgress{AnalysisProgress}?, CancellationToken)"/> with <see cref="Options"/>).</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order; enumerated twice when a first pass is needed.</param>
    /// <param name="order">The customer order of the summaries; <see langword="null"/> for the default comparer.</param>
    /// <param name="progress">Receives progress; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The result, with notes for skipped sections.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transactions"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no transactions, or a transaction breaks a rule of the summarizer.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    AnalysisResult<TKey> Analyze<TKey>(IEnumerable<Transaction<TKey>> transactions, IComparer<TKey>? order = null, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
        where TKey : notnull, IEquatable<TKey>;

    /// <summary>Runs the analysis on a stream of transactions (<see cref="CustomerAnalysis.RunAsync{TKey}"/> with <see cref="Options"/>).</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions; enumerated twice when a first pass is needed.</param>
    /// <param name="order">The customer order of the summaries; <see langword="null"/> for the default comparer.</param>
    /// <param name="progress">Receives progress; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transactions"/> is null.</exception>
    /// <exception cref="ArgumentException">There are no transactions, or a transaction breaks a rule of the summarizer.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    Task<AnalysisResult<TKey>> AnalyzeAsync<TKey>(IAsyncEnumerable<Transaction<TKey>> transactions, IComparer<TKey>? order = null, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
        where TKey : notnull, IEquatable<TKey>;
}

/// <summary>Creates transaction summarizers on the configured model time unit.</summary>
/// <remarks>
/// The default observation end is "now" from the container's <see cref="TimeProvider"/> (the system clock when none is
/// registered). Implementations are thread-safe; the summarizers they create are not (see <see cref="TransactionSummarizer{TKey}"/>).
/// </remarks>
public interface ISummarizerFactory
{
    /// <summary>Gets the model time unit of the summaries (<see cref="LifecycleOptions.TimeUnit"/>).</summary>
    TimeUnit Unit { get; }

    /// <summary>Creates summarizer options for an observation window ending now.</summary>
    /// <returns>Options with <see cref="Unit"/> and the current instant as observation end.</returns>
    SummarizerOptions CreateOptions();

    /// <summary>Creates summarizer options for an observation window ending at <paramref name="observationEnd"/>.</summary>
    /// <param name="observationEnd">The end of observation (its period is included).</param>
    /// <returns>Options with <see cref="Unit"/>.</returns>
    SummarizerOptions CreateOptions(DateTimeOffset observationEnd);

    /// <summary>Creates an empty summarizer for an observation window ending at <paramref name="observationEnd"/>.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="observationEnd">The end of observation.</param>
    /// <returns>A new summarizer; add transactions, then build.</returns>
    TransactionSummarizer<TKey> Create<TKey>(DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>;

    /// <summary>Summarizes transactions for an observation window ending now.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order.</param>
    /// <returns>One summary per customer.</returns>
    /// <exception cref="ArgumentException">A transaction breaks a rule of the summarizer (see <see cref="TransactionSummarizer{TKey}"/>).</exception>
    SummarySet<TKey> Summarize<TKey>(ReadOnlySpan<Transaction<TKey>> transactions)
        where TKey : notnull, IEquatable<TKey>;

    /// <summary>Summarizes transactions for an observation window ending at <paramref name="observationEnd"/>.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order.</param>
    /// <param name="observationEnd">The end of observation; later transactions are excluded and counted.</param>
    /// <returns>One summary per customer.</returns>
    /// <exception cref="ArgumentException">A transaction breaks a rule of the summarizer (see <see cref="TransactionSummarizer{TKey}"/>).</exception>
    SummarySet<TKey> Summarize<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>;
}

/// <summary>Creates stage engines over the configured stage model and rule thresholds.</summary>
/// <remarks>Implementations are thread-safe; engines are immutable and thread-safe, states belong to the caller.</remarks>
public interface IStageEngineFactory
{
    /// <summary>Gets the configured stage model (without the P(alive) rule, which needs a fitted model).</summary>
    StageModel Model { get; }

    /// <summary>Creates an engine over <see cref="Model"/>.</summary>
    /// <returns>The engine, with the configured out-of-order policy.</returns>
    LifecycleEngine Create();

    /// <summary>Creates an engine whose model adds the <c>low-p-alive</c> rule: P(alive) from <paramref name="aliveModel"/> below <see cref="LifecycleStageOptions.AliveThreshold"/> moves a customer to AtRisk.</summary>
    /// <param name="aliveModel">A fitted transaction model (for example BG/NBD); customer facts are turned into summaries on its time unit.</param>
    /// <returns>The engine.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="aliveModel"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The model's time unit is not Days or Weeks.</exception>
    /// <exception cref="InvalidOperationException">The configured model is <see cref="StageModelKind.AwarenessToAdvocacy"/>, which has no AtRisk stage.</exception>
    LifecycleEngine Create(ITransactionModel aliveModel);
}

/// <summary>Fits the probabilistic models with the configured fit options.</summary>
/// <remarks>Implementations are thread-safe. A fit that does not converge is a result (<see cref="FitResult{TModel}.Converged"/>), not an exception.</remarks>
public interface IClvModelFitter
{
    /// <summary>Fits the BG/NBD transaction model.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="summaries">Customer summaries.</param>
    /// <returns>The fit.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="summaries"/> is null.</exception>
    /// <exception cref="ArgumentException">The summaries cannot be fitted (see <see cref="BgNbdModel"/>).</exception>
    FitResult<BgNbdModel> FitTransactions<TKey>(SummarySet<TKey> summaries)
        where TKey : notnull, IEquatable<TKey>;

    /// <summary>Fits the Gamma-Gamma spend model on the customers with repeat purchases.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="summaries">Customer summaries with monetary values.</param>
    /// <returns>The fit (constrained to q &gt; 1 when <see cref="LifecycleClvOptions.ConstrainSpendQAboveOne"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="summaries"/> is null.</exception>
    /// <exception cref="ArgumentException">No customer has a repeat purchase, or a monetary value is not positive.</exception>
    FitResult<GammaGammaModel> FitSpend<TKey>(SummarySet<TKey> summaries)
        where TKey : notnull, IEquatable<TKey>;
}

/// <summary>Per-customer predictions and discounted customer lifetime value with the configured horizon and discounting.</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IClvCalculator
{
    /// <summary>Gets the prediction horizon in units of <paramref name="unit"/>: <see cref="LifecycleClvOptions.HorizonPeriods"/> × <see cref="LifecycleClvOptions.DiscountPeriodDays"/>.</summary>
    /// <param name="unit">Days or Weeks.</param>
    /// <returns>The horizon, &gt; 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is not Days or Weeks.</exception>
    double Horizon(TimeUnit unit);

    /// <summary>Gets the configured discounting for a model on <paramref name="unit"/>: <see cref="LifecycleClvOptions.HorizonPeriods"/> periods of <see cref="LifecycleClvOptions.DiscountPeriodDays"/> days at <see cref="LifecycleClvOptions.DiscountRate"/> per period, with <see cref="LifecycleClvOptions.Margin"/>.</summary>
    /// <param name="unit">The model time unit, Days or Weeks.</param>
    /// <returns>The discrete convention used by <see cref="Predict{TKey}"/> (see <see cref="CustomerLifetimeValue"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is not Days or Weeks.</exception>
    DiscreteDiscounting Discounting(TimeUnit unit);

    /// <summary>Predicts P(alive), expected transactions over the horizon and, with a spend model, expected spend and discounted CLV (<see cref="CustomerLifetimeValue.Discrete(ITransactionModel, ISpendModel, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, DiscreteDiscounting, Span{double})"/> with <see cref="Discounting"/>).</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="summaries">Customer summaries on the transaction model's time unit.</param>
    /// <param name="transactions">The fitted transaction model.</param>
    /// <param name="spend">The fitted spend model, or <see langword="null"/> for no spend and CLV.</param>
    /// <returns>One prediction per customer, in the order of <paramref name="summaries"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="summaries"/> or <paramref name="transactions"/> is null.</exception>
    /// <exception cref="ArgumentException">The summaries and the model are on different time units, or a summary breaks a rule of a model.</exception>
    /// <exception cref="InvalidOperationException">The spend model has no expected spend for a customer (a Gamma-Gamma fit with q ≤ 1 and a customer without repeat purchases).</exception>
    CustomerPredictions Predict<TKey>(SummarySet<TKey> summaries, ITransactionModel transactions, ISpendModel? spend)
        where TKey : notnull, IEquatable<TKey>;
}

/// <summary>Churn reports over the configured period, with the registered churn definitions.</summary>
/// <remarks>
/// <para>Which definition is used: a definition passed by key (a keyed <see cref="IChurnDefinition{TRecord}"/>
/// registration); else the last registered <see cref="IChurnDefinition{TRecord}"/> for the record type; else the
/// built-in one (<see cref="InactivityChurn{TKey}"/> with the configured window for transactions,
/// <see cref="SubscriptionChurn{TKey}"/> for subscriptions). Register definitions as singletons: they are resolved from
/// the root provider. Implementations are thread-safe.</para>
/// </remarks>
public interface IChurnCalculator
{
    /// <summary>Gets the calendar of the reports.</summary>
    PeriodCalendar Calendar { get; }

    /// <summary>Analyzes transactions with the registered or built-in definition, observation ending now.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">See <see cref="ChurnAnalysis.Analyze{TKey}(ReadOnlySpan{Transaction{TKey}}, PeriodCalendar, DateTimeOffset, IChurnDefinition{Transaction{TKey}})"/>.</exception>
    ChurnReport Analyze<TKey>(ReadOnlySpan<Transaction<TKey>> transactions)
        where TKey : notnull, IEquatable<TKey>;

    /// <summary>Analyzes transactions with the registered or built-in definition.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order.</param>
    /// <param name="observationEnd">The end of observation (exclusive).</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">See <see cref="ChurnAnalysis.Analyze{TKey}(ReadOnlySpan{Transaction{TKey}}, PeriodCalendar, DateTimeOffset, IChurnDefinition{Transaction{TKey}})"/>.</exception>
    ChurnReport Analyze<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>;

    /// <summary>Analyzes transactions with the definition registered under <paramref name="definitionKey"/>.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order.</param>
    /// <param name="observationEnd">The end of observation (exclusive).</param>
    /// <param name="definitionKey">The service key of a keyed <see cref="IChurnDefinition{TRecord}"/> of <see cref="Transaction{TKey}"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="definitionKey"/> is null.</exception>
    /// <exception cref="InvalidOperationException">No definition is registered under the key.</exception>
    ChurnReport Analyze<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd, object definitionKey)
        where TKey : notnull, IEquatable<TKey>;

    /// <summary>Analyzes transactions once per definition: the built-in one, then every registered one in registration order.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order.</param>
    /// <param name="observationEnd">The end of observation (exclusive).</param>
    /// <returns>One report per definition; <see cref="ChurnReport.Definition"/> names it.</returns>
    IReadOnlyList<ChurnReport> AnalyzeAll<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>;

    /// <summary>Analyzes subscriptions with the registered definition or <see cref="SubscriptionChurn{TKey}"/>.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="subscriptions">The subscriptions, in any order.</param>
    /// <param name="observationEnd">The end of observation (exclusive).</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">See <see cref="ChurnAnalysis.Analyze{TKey}(ReadOnlySpan{Subscription{TKey}}, PeriodCalendar, DateTimeOffset, IChurnDefinition{Subscription{TKey}})"/>.</exception>
    ChurnReport Analyze<TKey>(ReadOnlySpan<Subscription<TKey>> subscriptions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>;

    /// <summary>Builds the acquisition cohort table (customer and revenue retention by age) on the configured period.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order.</param>
    /// <param name="observationEnd">The end of observation (exclusive).</param>
    /// <returns>The cohort matrix.</returns>
    /// <exception cref="ArgumentException">See <see cref="CohortMatrix.FromTransactions{TKey}"/>.</exception>
    CohortMatrix Cohorts<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>;

    /// <summary>Fits the Kaplan–Meier survival curve of a report's customer lifetimes, in the configured model time unit.</summary>
    /// <param name="report">A churn report.</param>
    /// <returns>The survival curve (95% log intervals).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    SurvivalCurve Survival(ChurnReport report);
}

/// <summary>A customer metric computed from transactions: the strategy contributors register to add their own metrics.</summary>
/// <remarks>
/// Register with <c>services.AddSingleton&lt;ITransactionMetric, MyMetric&gt;()</c> (every registration is computed by
/// <see cref="IMetricCalculator.Compute{TKey}(ReadOnlySpan{Transaction{TKey}}, DateTimeOffset)"/>) or as a keyed service
/// (computed on request by key). Implementations must be immutable and thread-safe.
/// </remarks>
public interface ITransactionMetric
{
    /// <summary>Gets the metric's name in reports.</summary>
    string Name { get; }

    /// <summary>Computes the metric.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions before the observation end, in any order.</param>
    /// <param name="observationEnd">The end of observation (exclusive).</param>
    /// <returns>The value as a ratio; undefined (zero denominator) when the data cannot define it.</returns>
    Ratio Compute<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>;
}

/// <summary>A named metric value.</summary>
/// <remarks><c>default</c> has an empty name and an undefined value.</remarks>
public readonly record struct MetricValue
{
    private readonly string? _name;

    /// <summary>Creates a metric value.</summary>
    /// <param name="name">The metric's name; not empty.</param>
    /// <param name="value">The value; undefined when the data cannot define it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public MetricValue(string name, Ratio value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>Gets the metric's name.</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    /// <exception cref="ArgumentException">Set to an empty or white-space name.</exception>
    public string Name
    {
        get => _name ?? string.Empty;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Name));
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException("Name is empty or white space; give the metric a name for reports, for example \"average order value\".", nameof(Name));
            }

            _name = value;
        }
    }

    /// <summary>Gets the value; undefined (zero denominator) when the data cannot define it.</summary>
    public Ratio Value { get; init; }
}

/// <summary>Computes every registered <see cref="ITransactionMetric"/> (the built-ins, average order value, purchase frequency and repeat purchase rate, and yours).</summary>
/// <remarks>Implementations are thread-safe. Transactions at or after the observation end are left out before any metric sees them.</remarks>
public interface IMetricCalculator
{
    /// <summary>Computes every registered metric, in registration order, observation ending now.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order.</param>
    /// <returns>One value per metric.</returns>
    IReadOnlyList<MetricValue> Compute<TKey>(ReadOnlySpan<Transaction<TKey>> transactions)
        where TKey : notnull, IEquatable<TKey>;

    /// <summary>Computes every registered metric, in registration order.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order.</param>
    /// <param name="observationEnd">The end of observation (exclusive).</param>
    /// <returns>One value per metric.</returns>
    IReadOnlyList<MetricValue> Compute<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd)
        where TKey : notnull, IEquatable<TKey>;

    /// <summary>Computes the metric registered under <paramref name="metricKey"/>.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order.</param>
    /// <param name="observationEnd">The end of observation (exclusive).</param>
    /// <param name="metricKey">The service key of a keyed <see cref="ITransactionMetric"/>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="metricKey"/> is null.</exception>
    /// <exception cref="InvalidOperationException">No metric is registered under the key.</exception>
    MetricValue Compute<TKey>(ReadOnlySpan<Transaction<TKey>> transactions, DateTimeOffset observationEnd, object metricKey)
        where TKey : notnull, IEquatable<TKey>;
}

/// <summary>RFM scoring with the configured bins and tie policy, and segment assignment with the configured or registered map.</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface ICustomerSegmenter
{
    /// <summary>Gets the segment map: a <see cref="SegmentMap"/> registered in the container, else the configured built-in map.</summary>
    SegmentMap Map { get; }

    /// <summary>Scores customers on recency, frequency and monetary value.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="summaries">Customer summaries.</param>
    /// <returns>The scores and their bins.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="summaries"/> is null.</exception>
    RfmScores Score<TKey>(SummarySet<TKey> summaries)
        where TKey : notnull, IEquatable<TKey>;

    /// <summary>Scores customers and assigns each to a segment of <see cref="Map"/>.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="summaries">Customer summaries.</param>
    /// <returns>The assignment (customers in no cell are unassigned and counted).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="summaries"/> is null.</exception>
    SegmentAssignment Segment<TKey>(SummarySet<TKey> summaries)
        where TKey : notnull, IEquatable<TKey>;
}
