using Lifecycle.Analysis;
using Lifecycle.Metrics;
using Lifecycle.Segmentation;
using Lifecycle.Stages;
using Microsoft.Extensions.Options;

namespace Lifecycle;

/// <summary>Which ready-made stage model the stage engine runs.</summary>
public enum StageModelKind
{
    /// <summary><see cref="StageModels.ReachToLoyalty"/>: Reach → Acquisition → Conversion → Retention → Loyalty, plus AtRisk and Churned.</summary>
    ReachToLoyalty = 0,

    /// <summary><see cref="StageModels.AwarenessToAdvocacy"/>: the forward-only funnel Awareness → … → Advocacy, without risk stages (the inactivity and P(alive) thresholds do not apply).</summary>
    AwarenessToAdvocacy = 1,
}

/// <summary>Which built-in RFM segment map the segmenter uses when no <see cref="SegmentMap"/> is registered in the container.</summary>
public enum SegmentMapKind
{
    /// <summary><see cref="SegmentMap.RecencyFrequencyMonetary"/>: the R×FM map (5-point scales).</summary>
    RecencyFrequencyMonetary = 0,

    /// <summary><see cref="SegmentMap.RecencyFrequency"/>: the R×F map (5-point scales).</summary>
    RecencyFrequency = 1,
}

/// <summary>Configuration of the Lifecycle services registered by <see cref="LifecycleServiceCollectionExtensions.AddLifecycle(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/>, usually bound from the <c>Lifecycle</c> section of appsettings.</summary>
/// <remarks>
/// <para>Every value has a working default, so an empty section is valid. Values are checked by the registered
/// validators (ranges on each field, then rules across fields such as "at risk before churned") when the options are
/// first built and, with a host, at start; a failure is an <see cref="OptionsValidationException"/> whose message
/// names the option by its configuration path (for example <c>Lifecycle:Stages:ChurnedAfterDays</c>) and the fix.</para>
/// <para>This is a mutable options class as the options pattern requires; services read it once, when they are
/// first resolved, and keep an immutable copy of what they need. It is not thread-safe while being configured.</para>
/// </remarks>
public sealed class LifecycleOptions
{
    /// <summary>The conventional configuration section: <c>Lifecycle</c>.</summary>
    public const string SectionName = "Lifecycle";

    /// <summary>Gets or sets the model time unit of summaries, fitted models and horizons.</summary>
    /// <value>Default <see cref="AnalysisOptions.Unit"/> of <see cref="AnalysisOptions.Default"/> (days); <see cref="Lifecycle.TimeUnit.Days"/> or <see cref="Lifecycle.TimeUnit.Weeks"/>.</value>
    public TimeUnit TimeUnit { get; set; } = AnalysisOptions.Default.Unit;

    /// <summary>Gets or sets the stage model and its rule thresholds.</summary>
    /// <value>Defaults of <see cref="LifecycleStageOptions"/>.</value>
    [ValidateObjectMembers]
    public LifecycleStageOptions Stages { get; set; } = new();

    /// <summary>Gets or sets the discounting and horizon of customer lifetime value.</summary>
    /// <value>Defaults of <see cref="LifecycleClvOptions"/>.</value>
    [ValidateObjectMembers]
    public LifecycleClvOptions Clv { get; set; } = new();

    /// <summary>Gets or sets RFM scoring and the segment map.</summary>
    /// <value>Defaults of <see cref="LifecycleSegmentationOptions"/>.</value>
    [ValidateObjectMembers]
    public LifecycleSegmentationOptions Segmentation { get; set; } = new();

    /// <summary>Gets or sets the churn report's period and inactivity window.</summary>
    /// <value>Defaults of <see cref="LifecycleChurnOptions"/>.</value>
    [ValidateObjectMembers]
    public LifecycleChurnOptions Churn { get; set; } = new();

    /// <summary>Gets or sets the settings only the whole analysis (<see cref="ICustomerAnalyzer"/>) uses: the holdout and the month length.</summary>
    /// <value>Defaults of <see cref="LifecycleAnalysisOptions"/>.</value>
    [ValidateObjectMembers]
    public LifecycleAnalysisOptions Analysis { get; set; } = new();
}

/// <summary>Settings of the whole analysis beyond the shared sections (section <c>Lifecycle:Analysis</c>); every default is <see cref="AnalysisOptions.Default"/>'s.</summary>
/// <remarks>Mutable options; see <see cref="LifecycleOptions"/>.</remarks>
public sealed class LifecycleAnalysisOptions
{
    /// <summary>Gets or sets the calibration end of the holdout check; <see langword="null"/> lets the automatic rule choose.</summary>
    /// <value>Default <see langword="null"/> (<see cref="AnalysisOptions.CalibrationEnd"/>).</value>
    public DateTimeOffset? CalibrationEnd { get; set; }

    /// <summary>Gets or sets a value indicating whether the last part of the window is held out automatically to rank the models.</summary>
    /// <value>Default <see langword="true"/> (<see cref="AnalysisOptions.AutoHoldout"/>).</value>
    public bool AutoHoldout { get; set; } = AnalysisOptions.Default.AutoHoldout;

    /// <summary>Gets or sets the share of the window held out by the automatic rule.</summary>
    /// <value>Default 1/3 (<see cref="AnalysisOptions.HoldoutFraction"/>); in (0, 0.9].</value>
    [OptionRange("Lifecycle:Analysis:HoldoutFraction", 0, 0.9, "use 0.333 to hold out the last third", MinimumIsExclusive = true)]
    public double HoldoutFraction { get; set; } = AnalysisOptions.Default.HoldoutFraction;

    /// <summary>Gets or sets the shortest window, in days, for which the automatic holdout is made.</summary>
    /// <value>Default 120 (<see cref="AnalysisOptions.MinimumHoldoutSpan"/>); 1–36500.</value>
    [OptionRange("Lifecycle:Analysis:MinimumHoldoutDays", 1, 36500, "use 120", Unit = "days")]
    public int MinimumHoldoutDays { get; set; } = (int)AnalysisOptions.Default.MinimumHoldoutSpan.TotalDays;

    /// <summary>Gets or sets the length of a month in horizons and discounting.</summary>
    /// <value>Default <see cref="MonthLength.Calendar"/> (<see cref="AnalysisOptions.MonthLength"/>).</value>
    public MonthLength MonthLength { get; set; } = AnalysisOptions.Default.MonthLength;
}

/// <summary>Stage model choice and rule thresholds (section <c>Lifecycle:Stages</c>).</summary>
/// <remarks>Mutable options; see <see cref="LifecycleOptions"/>.</remarks>
public sealed class LifecycleStageOptions
{
    /// <summary>Gets or sets the ready-made stage model.</summary>
    /// <value>Default <see cref="StageModelKind.ReachToLoyalty"/>.</value>
    public StageModelKind Model { get; set; } = StageModelKind.ReachToLoyalty;

    /// <summary>Gets or sets the days without a purchase after which a customer is AtRisk.</summary>
    /// <value>Default 90 (<see cref="AnalysisOptions.AtRiskAfter"/>); 1–3650; less than <see cref="ChurnedAfterDays"/>.</value>
    [OptionRange("Lifecycle:Stages:AtRiskAfterDays", 1, 3650, "set it to the days without a purchase that signal risk, for example 90", Unit = "days")]
    public int AtRiskAfterDays { get; set; } = (int)AnalysisOptions.Default.AtRiskAfter.TotalDays;

    /// <summary>Gets or sets the days without a purchase after which a customer is Churned.</summary>
    /// <value>Default 180 (<see cref="AnalysisOptions.ChurnedAfter"/>, the one churn window); 1–3650; greater than <see cref="AtRiskAfterDays"/>.</value>
    [OptionRange("Lifecycle:Stages:ChurnedAfterDays", 1, 3650, "set it to the days without a purchase that count as lost, for example 180", Unit = "days")]
    public int ChurnedAfterDays { get; set; } = (int)AnalysisOptions.Default.ChurnedAfter.TotalDays;

    /// <summary>Gets or sets the P(alive) below which the model-driven rule moves a customer to AtRisk (used when the engine is created with a fitted model).</summary>
    /// <value>Default 0.3; in (0, 1].</value>
    [OptionRange("Lifecycle:Stages:AliveThreshold", 0, 1, "set it to the P(alive) below which a customer is at risk, for example 0.3", MinimumIsExclusive = true)]
    public double AliveThreshold { get; set; } = AnalysisOptions.Default.AliveThreshold;

    /// <summary>Gets or sets the NPS answer from which a customer is a promoter (moves to Loyalty or Advocacy).</summary>
    /// <value>Default 9 (the NPS definition); 0–10.</value>
    [OptionRange("Lifecycle:Stages:PromoterScore", 0, 10, "use 9 for the standard NPS promoter definition")]
    public int PromoterScore { get; set; } = 9;

    /// <summary>Gets or sets the purchase count from which a customer is retained.</summary>
    /// <value>Default 2 (a repeat purchase); 2–1000.</value>
    [OptionRange("Lifecycle:Stages:RetentionPurchases", 2, 1000, "the first purchase is conversion; use 2 for 'a repeat purchase'")]
    public int RetentionPurchases { get; set; } = 2;

    /// <summary>Gets or sets what the engine does with an event older than the state it is applied to.</summary>
    /// <value>Default <see cref="OutOfOrderPolicy.Refold"/>.</value>
    public OutOfOrderPolicy OutOfOrder { get; set; } = OutOfOrderPolicy.Refold;
}

/// <summary>Customer lifetime value discounting and horizon (section <c>Lifecycle:Clv</c>), in the discrete convention: <see cref="HorizonPeriods"/> periods of <see cref="DiscountPeriodDays"/> days discounted at <see cref="DiscountRate"/> per period.</summary>
/// <remarks>Mutable options; see <see cref="LifecycleOptions"/>.</remarks>
public sealed class LifecycleClvOptions
{
    /// <summary>Gets or sets the discount rate per discount period.</summary>
    /// <value>Default 0.01 (1% a month, about 12.7% a year; <see cref="AnalysisOptions.MonthlyDiscountRate"/>); 0 to 1.</value>
    [OptionRange("Lifecycle:Clv:DiscountRate", 0, 1, "set the rate per discount period, for example 0.01 for 1% a month")]
    public double DiscountRate { get; set; } = AnalysisOptions.Default.MonthlyDiscountRate;

    /// <summary>Gets or sets the length of one discount period in days.</summary>
    /// <value>Default one calendar month, <see cref="TimeUnitConversions.DaysPerMonth"/> = 30.436875 days (30 reproduces lifetimes); 1–366. The whole analysis (<see cref="ICustomerAnalyzer"/>) discounts by months of <see cref="LifecycleAnalysisOptions.MonthLength"/> and ignores this value.</value>
    [OptionRange("Lifecycle:Clv:DiscountPeriodDays", 1, 366, "use 30.436875 for monthly discounting", Unit = "days")]
    public double DiscountPeriodDays { get; set; } = TimeUnitConversions.DaysPerMonth;

    /// <summary>Gets or sets the CLV horizon as a number of discount periods.</summary>
    /// <value>Default 12 (a year of monthly periods; <see cref="AnalysisOptions.ClvMonths"/>); 1–1200.</value>
    [OptionRange("Lifecycle:Clv:HorizonPeriods", 1, 1200, "use 12 for a year of monthly periods", Unit = "periods")]
    public int HorizonPeriods { get; set; } = AnalysisOptions.Default.ClvMonths;

    /// <summary>Gets or sets the profit margin applied to expected spend.</summary>
    /// <value>Default 1 (CLV in revenue); in (0, 1].</value>
    [OptionRange("Lifecycle:Clv:Margin", 0, 1, "use 1 for CLV in revenue or your gross margin, for example 0.3", MinimumIsExclusive = true)]
    public double Margin { get; set; } = 1;

    /// <summary>Gets or sets a value indicating whether fits compute standard errors and the parameter covariance.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool ComputeCovariance { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the Gamma-Gamma fit is constrained to q &gt; 1, so the population mean spend exists and customers without repeat purchases get a CLV.</summary>
    /// <value>Default <see langword="true"/>; <see langword="false"/> fits unconstrained (as published), and then one-time buyers need q &gt; 1 to be valued. The whole analysis (<see cref="ICustomerAnalyzer"/>) ignores it and follows Core's one policy: fit free, and refit with q &gt; 1 (with a note) only when the free fit has q ≤ 1.</value>
    public bool ConstrainSpendQAboveOne { get; set; } = true;
}

/// <summary>RFM scoring and segment map (section <c>Lifecycle:Segmentation</c>).</summary>
/// <remarks>Mutable options; see <see cref="LifecycleOptions"/>.</remarks>
public sealed class LifecycleSegmentationOptions
{
    /// <summary>Gets or sets the number of RFM scores per dimension.</summary>
    /// <value>Default 5 (quintiles, the scale of the built-in maps); 2–255 (<see cref="QuantileScoring.MaxBins"/>).</value>
    [OptionRange("Lifecycle:Segmentation:RfmBins", 2, QuantileScoring.MaxBins, "use 5 for quintiles (the scale of the built-in segment maps)")]
    public int RfmBins { get; set; } = 5;

    /// <summary>Gets or sets how customers with equal values are placed in bins.</summary>
    /// <value>Default <see cref="TiePolicy.AverageRank"/> (<see cref="AnalysisOptions.Ties"/>): identical customers get identical scores.</value>
    public TiePolicy Ties { get; set; } = AnalysisOptions.Default.Ties;

    /// <summary>Gets or sets the built-in segment map (a <see cref="SegmentMap"/> registered in the container wins).</summary>
    /// <value>Default <see cref="SegmentMapKind.RecencyFrequencyMonetary"/>.</value>
    public SegmentMapKind Map { get; set; } = SegmentMapKind.RecencyFrequencyMonetary;
}

/// <summary>Churn report settings (section <c>Lifecycle:Churn</c>).</summary>
/// <remarks>Mutable options; see <see cref="LifecycleOptions"/>.</remarks>
public sealed class LifecycleChurnOptions
{
    /// <summary>Gets or sets the period of the churn report and cohort table.</summary>
    /// <value>Default <see cref="PeriodGranularity.Month"/>; Week, Month or Quarter.</value>
    public PeriodGranularity Period { get; set; } = PeriodGranularity.Month;

    /// <summary>Gets or sets the inactivity window of the built-in churn definition (<see cref="InactivityChurn{TKey}"/>), in days; <see langword="null"/> uses <see cref="LifecycleStageOptions.ChurnedAfterDays"/>.</summary>
    /// <value>Default <see langword="null"/>; when set, 1–3650.</value>
    [OptionRange("Lifecycle:Churn:InactivityDays", 1, 3650, "remove it to use Lifecycle:Stages:ChurnedAfterDays", Unit = "days")]
    public int? InactivityDays { get; set; }
}
