using Lifecycle.Clv;
using Lifecycle.Metrics;
using Lifecycle.Segmentation;
using Lifecycle.Stages;

namespace Lifecycle.Analysis;

/// <summary>The sections of the analysis, in report order; a note names the section it belongs to.</summary>
public enum AnalysisSection
{
    /// <summary>Counts, revenue and the headline predictions.</summary>
    Overview = 0,

    /// <summary>The transaction models and the choice between them.</summary>
    Models = 1,

    /// <summary>Calibration vs holdout: how each model predicted purchases it did not see.</summary>
    Holdout = 2,

    /// <summary>Weekly repeat purchases of the whole base, actual vs model.</summary>
    Tracking = 3,

    /// <summary>Customers by number of repeat purchases, actual vs model.</summary>
    PurchaseHistogram = 4,

    /// <summary>The Gamma-Gamma spend model and customer lifetime value.</summary>
    Value = 5,

    /// <summary>RFM scores and named segments.</summary>
    Segments = 6,

    /// <summary>Lifecycle stages as of the observation end.</summary>
    Stages = 7,

    /// <summary>Period churn and retention.</summary>
    Churn = 8,

    /// <summary>Acquisition cohorts' retention.</summary>
    Cohorts = 9,

    /// <summary>Kaplan–Meier survival of customers.</summary>
    Survival = 10,
}

/// <summary>Something the reader should know about a section: why it was skipped, or a caveat on its numbers.</summary>
/// <param name="Section">The section.</param>
/// <param name="Skipped">Whether the section could not be computed (its result is <see langword="null"/>).</param>
/// <param name="Message">The explanation in plain words, with the numbers that decided it.</param>
public sealed record AnalysisNote(AnalysisSection Section, bool Skipped, string Message);

/// <summary>Progress of a running analysis.</summary>
/// <param name="Step">What is being done, in words ("reading transactions", "fitting models").</param>
/// <param name="Count">Items done in this step (transactions read), or 0 when the step does not count.</param>
public readonly record struct AnalysisProgress(string Step, long Count);

/// <summary>A fitted transaction model, whatever its type.</summary>
/// <param name="Kind">Which model.</param>
/// <param name="Model">The fitted model.</param>
/// <param name="ParameterNames">Parameter names in the order of <paramref name="Parameters"/>.</param>
/// <param name="Parameters">The estimates.</param>
/// <param name="StandardErrors">Their standard errors (NaN where not available).</param>
/// <param name="LogLikelihood">The maximised log-likelihood.</param>
/// <param name="Converged">Whether the optimiser converged.</param>
/// <param name="ExitReason">Why the optimiser stopped.</param>
/// <param name="Iterations">Optimiser iterations.</param>
/// <param name="Customers">Customers fitted on.</param>
public sealed record TransactionModelFit(TransactionModelKind Kind, ITransactionModel Model, IReadOnlyList<string> ParameterNames, IReadOnlyList<double> Parameters, IReadOnlyList<double> StandardErrors, double LogLikelihood, bool Converged, FitExitReason ExitReason, int Iterations, double Customers)
{
    /// <summary>Gets the model's name as the CLI and model files spell it: <c>bgnbd</c>, <c>mbgnbd</c>, <c>pareto-nbd</c>.</summary>
    public string Name => Kind switch
    {
        TransactionModelKind.BgNbd => "bgnbd",
        TransactionModelKind.ModifiedBgNbd => "mbgnbd",
        _ => "pareto-nbd",
    };

    /// <summary>Gets the model's name as people write it, with its paper: "BG/NBD (Fader, Hardie &amp; Lee 2005)".</summary>
    public string Title => Kind switch
    {
        TransactionModelKind.BgNbd => "BG/NBD (Fader, Hardie & Lee 2005)",
        TransactionModelKind.ModifiedBgNbd => "MBG/NBD (Batislam, Denizel & Filiztekin 2007)",
        _ => "Pareto/NBD (Schmittlein, Morrison & Colombo 1987)",
    };

    /// <summary>Gets the model's short display name: "BG/NBD", "MBG/NBD", "Pareto/NBD".</summary>
    public string DisplayName => Kind switch
    {
        TransactionModelKind.BgNbd => "BG/NBD",
        TransactionModelKind.ModifiedBgNbd => "MBG/NBD",
        _ => "Pareto/NBD",
    };

    /// <summary>Gets a value indicating whether the fit can be used: it converged and every standard error is finite (a parameter without one sits on a boundary or a flat likelihood, such as r → ∞ on data too short to tell rates apart).</summary>
    public bool Usable => Converged && StandardErrors.All(double.IsFinite) && Parameters.All(p => double.IsFinite(p) && p > 0);

    /// <summary>Gets why the fit is or is not usable, in words.</summary>
    public string Verdict => Usable ? "usable" : !Converged ? "did not converge (" + ExitReason + ")" : "converged to a boundary (a standard error is undefined)";

    internal static TransactionModelFit From<TModel>(TransactionModelKind kind, FitResult<TModel> fit)
        where TModel : class, ITransactionModel =>
        new(kind, fit.Model, fit.ParameterNames, fit.Parameters, fit.StandardErrors, fit.LogLikelihood, fit.Converged, fit.ExitReason, fit.Iterations, fit.CustomersUsed);
}

/// <summary>How the models fitted on the calibration period predicted the holdout period.</summary>
/// <param name="CalibrationEnd">The last day of the calibration period.</param>
/// <param name="Duration">The holdout's length in model units.</param>
/// <param name="Customers">Customers in the calibration period (first purchase on or before its end).</param>
/// <param name="Automatic">Whether the holdout came from the automatic rule (not an explicit calibration end).</param>
/// <param name="CalibrationFits">Every model fitted on the calibration period, converged or not.</param>
/// <param name="Rankings">The converged models ranked by mean absolute error of holdout purchases per customer, best first.</param>
/// <param name="Rows">Per converged model (by <see cref="TransactionModelFit.Name"/>): mean holdout purchases by calibration frequency, actual vs predicted.</param>
public sealed record HoldoutComparison(DateTimeOffset CalibrationEnd, double Duration, int Customers, bool Automatic, IReadOnlyList<TransactionModelFit> CalibrationFits, IReadOnlyList<ModelRanking> Rankings, IReadOnlyDictionary<string, IReadOnlyList<CalibrationHoldoutRow>> Rows);

/// <summary>One named segment's size, mean P(alive) and total value.</summary>
/// <param name="Name">The segment name (or "Unassigned").</param>
/// <param name="Customers">Customers in it.</param>
/// <param name="MeanPAlive">Their mean P(alive), or NaN when no transaction model was fitted.</param>
/// <param name="Value">Their total value (<see cref="AnalysisResult{TKey}.ValueName"/>).</param>
public sealed record SegmentTotal(string Name, int Customers, double MeanPAlive, double Value);

/// <summary>Customers in one stage and one P(alive) band.</summary>
/// <param name="Stage">The stage id.</param>
/// <param name="Band">The band's index in <see cref="AnalysisResult{TKey}.AliveBands"/>.</param>
/// <param name="Customers">Customers.</param>
public readonly record struct StageAliveCell(string Stage, int Band, int Customers);

/// <summary>Everything the lifecycle analysis computed: the report, customers.csv and summary.json are views of it.</summary>
/// <typeparam name="TKey">The customer identifier type.</typeparam>
/// <remarks>
/// Per-customer arrays are in the order of <see cref="Summaries"/>. A section that could not be computed is
/// <see langword="null"/> (or empty) and has a note in <see cref="Notes"/> saying why. Immutable once returned; do not
/// change the arrays.
/// </remarks>
public sealed class AnalysisResult<TKey>
    where TKey : notnull, IEquatable<TKey>
{
    internal AnalysisResult(AnalysisOptions options, DateTimeOffset observationEnd, SummarySet<TKey> summaries, long transactions)
    {
        Options = options;
        ObservationEnd = observationEnd;
        Summaries = summaries;
        Transactions = transactions;
    }

    /// <summary>Gets the options the analysis ran with.</summary>
    public AnalysisOptions Options { get; }

    /// <summary>Gets the last day of observation.</summary>
    public DateTimeOffset ObservationEnd { get; }

    /// <summary>Gets the customer summaries on the whole window.</summary>
    public SummarySet<TKey> Summaries { get; }

    /// <summary>Gets the number of transactions read (0 when the analysis started from summaries).</summary>
    public long Transactions { get; }

    /// <summary>Gets the horizon of <see cref="ExpectedPurchases"/> in model units.</summary>
    public double Horizon => Options.HorizonUnits;

    /// <summary>Gets the transaction models fitted on the whole window (the chosen one, refitted on all data).</summary>
    public IReadOnlyList<TransactionModelFit> TransactionFits { get; internal set; } = [];

    /// <summary>Gets the model the predictions come from, or <see langword="null"/> when no model could be fitted (see <see cref="Notes"/>).</summary>
    public TransactionModelFit? TransactionFit { get; internal set; }

    /// <summary>Gets why <see cref="TransactionFit"/> was chosen, in words.</summary>
    public string SelectionReason { get; internal set; } = string.Empty;

    /// <summary>Gets the calibration vs holdout comparison, or <see langword="null"/> when there was no holdout.</summary>
    public HoldoutComparison? Holdout { get; internal set; }

    /// <summary>Gets weekly repeat purchases of the base, actual vs the chosen model (empty when not computed).</summary>
    public IReadOnlyList<TrackingRow> Tracking { get; internal set; } = [];

    /// <summary>Gets the length of a tracking period in model units (7 days).</summary>
    public double TrackingPeriod { get; internal set; }

    /// <summary>Gets the first day of the first tracking period.</summary>
    public DateTimeOffset TrackingOrigin { get; internal set; }

    /// <summary>Gets customers by repeat purchases, actual vs the chosen model, or <see langword="null"/> when not computed.</summary>
    public HistogramComparison? PurchaseHistogram { get; internal set; }

    /// <summary>Gets P(alive) per customer at the observation end (empty without a transaction model).</summary>
    public IReadOnlyList<double> PAlive { get; internal set; } = [];

    /// <summary>Gets expected repeat purchases per customer over <see cref="Horizon"/> (empty without a transaction model).</summary>
    public IReadOnlyList<double> ExpectedPurchases { get; internal set; } = [];

    /// <summary>Gets the Gamma-Gamma fit, or <see langword="null"/> when it was not fitted (see <see cref="Notes"/>).</summary>
    public FitResult<GammaGammaModel>? SpendFit { get; internal set; }

    /// <summary>Gets customers left out of the spend fit (no repeat purchase of positive value).</summary>
    public int SpendExcluded { get; internal set; }

    /// <summary>Gets expected spend per transaction per customer (empty without a spend model).</summary>
    public IReadOnlyList<double> ExpectedSpend { get; internal set; } = [];

    /// <summary>Gets the value customers are ranked by: CLV when both models were fitted, else historic spend.</summary>
    public IReadOnlyList<double> Value { get; internal set; } = [];

    /// <summary>Gets a value indicating whether <see cref="Value"/> is a discounted CLV (otherwise historic spend).</summary>
    public bool HasClv { get; internal set; }

    /// <summary>Gets what <see cref="Value"/> is, in words: "CLV (12 months)" or "historic spend".</summary>
    public string ValueName { get; internal set; } = "historic spend";

    /// <summary>Gets the RFM scores, or <see langword="null"/> when the section was skipped.</summary>
    public RfmScores? Rfm { get; internal set; }

    /// <summary>Gets the RFM monetary input per customer: average order value including the first purchase.</summary>
    public IReadOnlyList<double> AverageOrderValue { get; internal set; } = [];

    /// <summary>Gets the segment names of <see cref="AnalysisOptions.SegmentMap"/>.</summary>
    public IReadOnlyList<string> SegmentNames { get; internal set; } = [];

    /// <summary>Gets the segment index per customer (<see cref="SegmentMap.Unassigned"/> for none; empty when skipped).</summary>
    public IReadOnlyList<int> Segments { get; internal set; } = [];

    /// <summary>Gets the segments, largest first.</summary>
    public IReadOnlyList<SegmentTotal> SegmentTotals { get; internal set; } = [];

    /// <summary>Gets the stage model the stages come from.</summary>
    public StageModel? StageModel { get; internal set; }

    /// <summary>Gets the stage id per customer as of the observation end.</summary>
    public IReadOnlyList<string> Stages { get; internal set; } = [];

    /// <summary>Gets customers per current stage.</summary>
    public IReadOnlyList<StageCount> StageDistribution { get; internal set; } = [];

    /// <summary>Gets the funnel: customers who ever reached each stage.</summary>
    public IReadOnlyList<FunnelStep> Funnel { get; internal set; } = [];

    /// <summary>Gets the P(alive) bands of <see cref="StageByAlive"/>: lower bounds, ascending (the first is 0).</summary>
    public IReadOnlyList<double> AliveBands { get; internal set; } = [];

    /// <summary>Gets customers per stage and P(alive) band (empty without a transaction model).</summary>
    public IReadOnlyList<StageAliveCell> StageByAlive { get; internal set; } = [];

    /// <summary>Gets, per stage the data cannot reach, the event kinds it would need (Reach, Acquisition and Loyalty on transaction data).</summary>
    public IReadOnlyDictionary<string, string> UnreachableStages { get; internal set; } = new Dictionary<string, string>();

    /// <summary>Gets the churn report, or <see langword="null"/> when the section was skipped.</summary>
    public ChurnReport? Churn { get; internal set; }

    /// <summary>Gets the cohort matrix, or <see langword="null"/> when the section was skipped.</summary>
    public CohortMatrix? Cohorts { get; internal set; }

    /// <summary>Gets the Kaplan–Meier curve of lifetimes (in model units), or <see langword="null"/> when the section was skipped.</summary>
    public SurvivalCurve? Survival { get; internal set; }

    /// <summary>Gets the notes: skipped sections and caveats.</summary>
    public IReadOnlyList<AnalysisNote> Notes => _notes;

    /// <summary>Gets the segment name of a customer.</summary>
    /// <param name="customer">The customer's index in <see cref="Summaries"/>.</param>
    /// <returns>The name, "Unassigned", or "—" when segmentation was skipped.</returns>
    public string SegmentOf(int customer) =>
        Segments.Count == 0 ? "—" : Segments[customer] >= 0 ? SegmentNames[Segments[customer]] : "Unassigned";

    /// <summary>Gets whether a section was skipped.</summary>
    /// <param name="section">The section.</param>
    /// <returns><see langword="true"/> when a note says it was skipped.</returns>
    public bool IsSkipped(AnalysisSection section) => _notes.Any(n => n.Section == section && n.Skipped);

    internal void Note(AnalysisSection section, string message) => _notes.Add(new AnalysisNote(section, false, message));

    internal void Skip(AnalysisSection section, string message) => _notes.Add(new AnalysisNote(section, true, message));

    private readonly List<AnalysisNote> _notes = [];
}
