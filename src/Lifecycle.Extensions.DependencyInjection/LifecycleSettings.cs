using Lifecycle.Analysis;
using Lifecycle.Metrics;
using Lifecycle.Segmentation;
using Lifecycle.Stages;

namespace Lifecycle;

/// <summary>An immutable copy of validated <see cref="LifecycleOptions"/>: services take it once, so later changes to the mutable options object cannot tear their state.</summary>
internal sealed record LifecycleSettings
{
    public LifecycleSettings(LifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TimeUnit = options.TimeUnit;
        StageModel = options.Stages.Model;
        AtRiskAfter = TimeSpan.FromDays(options.Stages.AtRiskAfterDays);
        ChurnedAfter = TimeSpan.FromDays(options.Stages.ChurnedAfterDays);
        AliveThreshold = options.Stages.AliveThreshold;
        PromoterScore = options.Stages.PromoterScore;
        RetentionPurchases = options.Stages.RetentionPurchases;
        OutOfOrder = options.Stages.OutOfOrder;
        DiscountRate = options.Clv.DiscountRate;
        DiscountPeriodDays = options.Clv.DiscountPeriodDays;
        HorizonPeriods = options.Clv.HorizonPeriods;
        Margin = options.Clv.Margin;
        ComputeCovariance = options.Clv.ComputeCovariance;
        ConstrainSpendQAboveOne = options.Clv.ConstrainSpendQAboveOne;
        Rfm = new RfmOptions { Bins = options.Segmentation.RfmBins, Ties = options.Segmentation.Ties };
        Map = options.Segmentation.Map;
        ChurnPeriod = options.Churn.Period;
        ChurnWindow = TimeSpan.FromDays(options.Churn.InactivityDays ?? options.Stages.ChurnedAfterDays);
        Analysis = ToAnalysisOptions(options);
    }

    /// <summary>The analysis options the configuration describes; every value not configured keeps Core's default.</summary>
    public AnalysisOptions Analysis { get; }

    public TimeUnit TimeUnit { get; }

    public StageModelKind StageModel { get; }

    public TimeSpan AtRiskAfter { get; }

    public TimeSpan ChurnedAfter { get; }

    public double AliveThreshold { get; }

    public int PromoterScore { get; }

    public int RetentionPurchases { get; }

    public OutOfOrderPolicy OutOfOrder { get; }

    public double DiscountRate { get; }

    public double DiscountPeriodDays { get; }

    public int HorizonPeriods { get; }

    public double Margin { get; }

    public bool ComputeCovariance { get; }

    public bool ConstrainSpendQAboveOne { get; }

    public RfmOptions Rfm { get; }

    public SegmentMapKind Map { get; }

    public PeriodGranularity ChurnPeriod { get; }

    public TimeSpan ChurnWindow { get; }

    /// <summary>Maps the configuration onto Core's analysis options (which check every value again). The analysis has one churn window, <c>Stages:ChurnedAfterDays</c>; <c>Churn:InactivityDays</c> applies to <see cref="IChurnCalculator"/> only.</summary>
    public static AnalysisOptions ToAnalysisOptions(LifecycleOptions o) => AnalysisOptions.Default with
    {
        Unit = o.TimeUnit,
        AtRiskAfter = TimeSpan.FromDays(o.Stages.AtRiskAfterDays),
        ChurnedAfter = TimeSpan.FromDays(o.Stages.ChurnedAfterDays),
        AliveThreshold = o.Stages.AliveThreshold,
        ClvMonths = o.Clv.HorizonPeriods,
        MonthlyDiscountRate = o.Clv.DiscountRate,
        Margin = o.Clv.Margin,
        RfmBins = Math.Min(o.Segmentation.RfmBins, 5),
        Ties = o.Segmentation.Ties,
        SegmentMap = o.Segmentation.Map == SegmentMapKind.RecencyFrequency ? SegmentMap.RecencyFrequency : SegmentMap.RecencyFrequencyMonetary,
        Period = o.Churn.Period,
        CalibrationEnd = o.Analysis.CalibrationEnd,
        AutoHoldout = o.Analysis.AutoHoldout,
        HoldoutFraction = o.Analysis.HoldoutFraction,
        MinimumHoldoutSpan = TimeSpan.FromDays(o.Analysis.MinimumHoldoutDays),
        MonthLength = o.Analysis.MonthLength,
    };

    public DefaultRuleOptions RuleOptions(IAliveProbability? aliveModel) => new()
    {
        AtRiskAfter = AtRiskAfter,
        ChurnedAfter = ChurnedAfter,
        PromoterScore = PromoterScore,
        RetentionPurchases = RetentionPurchases,
        AliveThreshold = AliveThreshold,
        AliveModel = aliveModel,
    };
}
