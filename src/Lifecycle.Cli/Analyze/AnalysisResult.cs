using Lifecycle.Clv;
using Lifecycle.Metrics;
using Lifecycle.Segmentation;
using Lifecycle.Stages;

namespace Lifecycle.Cli.Analyze;

/// <summary>Mean actual and predicted holdout purchases of the customers with one calibration frequency.</summary>
internal sealed record HoldoutBin(string Frequency, int Customers, double Actual, double Predicted);

/// <summary>How a model fitted on the calibration period predicted the holdout period.</summary>
internal sealed record HoldoutResult(string Model, FitResult<BgNbdModel> Fit, DateTimeOffset CalibrationEnd, double Duration, int Customers, double Mae, double Rmse, double Bias, IReadOnlyList<HoldoutBin> Bins);

/// <summary>Everything the analysis computed; the writers turn it into report.html, customers.csv and summary.json.</summary>
internal sealed class AnalysisResult
{
    public required AnalysisSettings Settings { get; init; }

    public required DateTimeOffset ObservationEnd { get; init; }

    public required SummarySet<string> Summaries { get; init; }

    public required long TransactionRows { get; init; }

    public FitResult<BgNbdModel> TransactionFit { get; set; } = null!;

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

    public string SegmentOf(int customer) => Segments[customer] >= 0 ? SegmentNames[Segments[customer]] : "Unassigned";
}
