using Lifecycle.Clv;
using Lifecycle.Metrics;
using Lifecycle.Segmentation;
using Lifecycle.Stages;

namespace Lifecycle.Cli.Analyze;

/// <summary>A fitted transaction model, whatever its type, as the report shows it.</summary>
internal sealed record ModelFit(string Name, string Title, ITransactionModel Model, IReadOnlyList<string> ParameterNames, IReadOnlyList<double> Parameters, IReadOnlyList<double> StandardErrors, double LogLikelihood, bool Converged, FitExitReason ExitReason, int Iterations, double Customers)
{
    public static ModelFit From<TModel>(string name, string title, FitResult<TModel> fit)
        where TModel : class, ITransactionModel =>
        new(name, title, fit.Model, fit.ParameterNames, fit.Parameters, fit.StandardErrors, fit.LogLikelihood, fit.Converged, fit.ExitReason, fit.Iterations, fit.CustomersUsed);
}

/// <summary>How the models fitted on the calibration period predicted the holdout period, best first.</summary>
internal sealed record HoldoutResult(DateTimeOffset CalibrationEnd, double Duration, int Customers, IReadOnlyList<ModelRanking> Rankings, IReadOnlyDictionary<string, IReadOnlyList<CalibrationHoldoutRow>> Rows);

/// <summary>One named segment's size, mean P(alive) and total value.</summary>
internal sealed record SegmentTotal(string Name, int Customers, double MeanPAlive, double Value);

/// <summary>Everything the analysis computed; the writers turn it into report.html, customers.csv and summary.json.</summary>
internal sealed class AnalysisResult
{
    public required AnalysisSettings Settings { get; init; }

    public required DateTimeOffset ObservationEnd { get; init; }

    public required SummarySet<string> Summaries { get; init; }

    public required long TransactionRows { get; init; }

    /// <summary>Every transaction model fitted on the whole observation window.</summary>
    public IReadOnlyList<ModelFit> TransactionFits { get; set; } = [];

    /// <summary>The model the predictions come from: the best on holdout error when there is a holdout.</summary>
    public ModelFit TransactionFit { get; set; } = null!;

    public string SelectionReason { get; set; } = string.Empty;

    public HoldoutResult? Holdout { get; set; }

    public double[] PAlive { get; set; } = [];

    public double[] ExpectedPurchases { get; set; } = [];

    public RfmScores Rfm { get; set; } = null!;

    public IReadOnlyList<string> SegmentNames { get; set; } = [];

    public int[] Segments { get; set; } = [];

    public StageModel StageModel { get; set; } = null!;

    public string[] Stages { get; set; } = [];

    public IReadOnlyList<StageCount> StageDistribution { get; set; } = [];

    public IReadOnlyList<FunnelStep> Funnel { get; set; } = [];

    public ChurnReport Churn { get; set; } = null!;

    public CohortMatrix Cohorts { get; set; } = null!;

    public SurvivalCurve Survival { get; set; } = null!;

    /// <summary>The value each customer is ranked by: CLV when a spend model was fitted, else historic spend.</summary>
    public double[] Value { get; set; } = [];

    public string ValueName { get; set; } = "historic spend";

    public double[] ExpectedSpend { get; set; } = [];

    public FitResult<GammaGammaModel>? SpendFit { get; set; }

    /// <summary>Customers left out of the spend fit (no repeat purchase of positive value).</summary>
    public int SpendExcluded { get; set; }

    /// <summary>Things the reader should know (model fallbacks, exclusions), shown in the report and the console.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Per segment, largest first; computed once for the report, the JSON and the console.</summary>
    public IReadOnlyList<SegmentTotal> SegmentTotals { get; set; } = [];

    public string SegmentOf(int customer) => Segments[customer] >= 0 ? SegmentNames[Segments[customer]] : "Unassigned";
}
