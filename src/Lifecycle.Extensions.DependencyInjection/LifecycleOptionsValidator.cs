using Lifecycle.Metrics;
using Lifecycle.Segmentation;
using Lifecycle.Stages;
using Microsoft.Extensions.Options;

namespace Lifecycle;

/// <summary>Checks every field of <see cref="LifecycleOptions"/> against its data-annotation range (the code is generated at compile time by the options source generator: no reflection at run time).</summary>
[OptionsValidator]
internal sealed partial class LifecycleOptionsValidator : IValidateOptions<LifecycleOptions>
{
}

/// <summary>The rules a single-field range cannot say: defined enum values and rules across fields (at risk before churned).</summary>
internal sealed class LifecycleOptionsRulesValidator : IValidateOptions<LifecycleOptions>
{
    public ValidateOptionsResult Validate(string? name, LifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.TimeUnit is not (TimeUnit.Days or TimeUnit.Weeks))
        {
            failures.Add(Invariant($"Lifecycle:TimeUnit = {options.TimeUnit} must be Days or Weeks; set the unit of model time and horizons, for example Weeks."));
        }

        if (options.Stages is null || options.Clv is null || options.Segmentation is null || options.Churn is null || options.Analysis is null)
        {
            failures.Add("Lifecycle:Stages, Lifecycle:Clv, Lifecycle:Segmentation, Lifecycle:Churn and Lifecycle:Analysis must not be null; remove the null assignment to keep the defaults.");
            return ValidateOptionsResult.Fail(failures);
        }

        var stages = options.Stages;
        if (!Enum.IsDefined(stages.Model))
        {
            failures.Add(Invariant($"Lifecycle:Stages:Model = {stages.Model} must be ReachToLoyalty or AwarenessToAdvocacy; choose one of the ready-made stage models."));
        }

        if (!Enum.IsDefined(stages.OutOfOrder))
        {
            failures.Add(Invariant($"Lifecycle:Stages:OutOfOrder = {stages.OutOfOrder} must be Refold or Reject; use Refold to replay late events."));
        }

        if (stages.ChurnedAfterDays <= stages.AtRiskAfterDays)
        {
            failures.Add(Invariant($"Lifecycle:Stages:ChurnedAfterDays = {stages.ChurnedAfterDays} must be greater than Lifecycle:Stages:AtRiskAfterDays = {stages.AtRiskAfterDays}; customers are at risk before they churn, so lengthen ChurnedAfterDays or shorten AtRiskAfterDays."));
        }

        if (!Enum.IsDefined(options.Segmentation.Ties))
        {
            failures.Add(Invariant($"Lifecycle:Segmentation:Ties = {options.Segmentation.Ties} must be RankFirst, AverageRank or DropDuplicateEdges; use AverageRank so equal customers get equal scores."));
        }

        if (!Enum.IsDefined(options.Segmentation.Map))
        {
            failures.Add(Invariant($"Lifecycle:Segmentation:Map = {options.Segmentation.Map} must be RecencyFrequencyMonetary or RecencyFrequency; or register your own SegmentMap in the container."));
        }

        if (options.Churn.Period is not (PeriodGranularity.Week or PeriodGranularity.Month or PeriodGranularity.Quarter))
        {
            failures.Add(Invariant($"Lifecycle:Churn:Period = {options.Churn.Period} must be Week, Month or Quarter; use Month for monthly churn rates."));
        }

        var clv = options.Clv;
        var unitDays = options.TimeUnit == TimeUnit.Weeks ? 7.0 : 1.0;
        if (clv.HorizonPeriods >= 1 && clv.DiscountPeriodDays >= 1 && clv.HorizonPeriods * clv.DiscountPeriodDays < unitDays)
        {
            failures.Add(Invariant($"Lifecycle:Clv:HorizonPeriods × Lifecycle:Clv:DiscountPeriodDays = {clv.HorizonPeriods} × {clv.DiscountPeriodDays} days must be at least one model time unit ({options.TimeUnit}); lengthen the horizon or set Lifecycle:TimeUnit to Days."));
        }

        if (!Enum.IsDefined(options.Analysis.MonthLength))
        {
            failures.Add(Invariant($"Lifecycle:Analysis:MonthLength = {options.Analysis.MonthLength} must be Calendar or Lifetimes; use Calendar."));
        }

        if (failures.Count == 0)
        {
            // Core checks the analysis options once more (ranges, calibration end): one set of rules, reused here.
            try
            {
                LifecycleSettings.ToAnalysisOptions(options).Validate();
            }
            catch (ArgumentOutOfRangeException)
            {
                // A value out of Core's range is out of the field's range too: the field validator has reported it.
            }
            catch (ArgumentException e)
            {
                var at = e.Message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
                failures.Add("Lifecycle: " + (at >= 0 ? e.Message[..at] : e.Message));
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
