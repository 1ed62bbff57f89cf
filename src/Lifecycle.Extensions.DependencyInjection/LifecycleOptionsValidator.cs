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
            failures.Add(Invariant($"Lifecycle:TimeUnit is '{options.TimeUnit}'; set it to 'Days' or 'Weeks' (the unit of model time and horizons)."));
        }

        if (options.Stages is null || options.Clv is null || options.Segmentation is null || options.Churn is null)
        {
            failures.Add("Lifecycle:Stages, Lifecycle:Clv, Lifecycle:Segmentation and Lifecycle:Churn must not be null; remove the assignment to keep the defaults.");
            return ValidateOptionsResult.Fail(failures);
        }

        var stages = options.Stages;
        if (!Enum.IsDefined(stages.Model))
        {
            failures.Add(Invariant($"Lifecycle:Stages:Model is '{stages.Model}'; set it to 'ReachToLoyalty' or 'AwarenessToAdvocacy'."));
        }

        if (!Enum.IsDefined(stages.OutOfOrder))
        {
            failures.Add(Invariant($"Lifecycle:Stages:OutOfOrder is '{stages.OutOfOrder}'; set it to 'Refold' or 'Reject'."));
        }

        if (stages.ChurnedAfterDays <= stages.AtRiskAfterDays)
        {
            failures.Add(Invariant($"Lifecycle:Stages:ChurnedAfterDays ({stages.ChurnedAfterDays}) must be greater than Lifecycle:Stages:AtRiskAfterDays ({stages.AtRiskAfterDays}): customers become at risk before they churn; lengthen ChurnedAfterDays or shorten AtRiskAfterDays."));
        }

        if (!Enum.IsDefined(options.Segmentation.Ties))
        {
            failures.Add(Invariant($"Lifecycle:Segmentation:Ties is '{options.Segmentation.Ties}'; set it to 'RankFirst', 'AverageRank' or 'DropDuplicateEdges'."));
        }

        if (!Enum.IsDefined(options.Segmentation.Map))
        {
            failures.Add(Invariant($"Lifecycle:Segmentation:Map is '{options.Segmentation.Map}'; set it to 'RecencyFrequencyMonetary' or 'RecencyFrequency'."));
        }

        if (options.Churn.Period is not (PeriodGranularity.Week or PeriodGranularity.Month or PeriodGranularity.Quarter))
        {
            failures.Add(Invariant($"Lifecycle:Churn:Period is '{options.Churn.Period}'; set it to 'Week', 'Month' or 'Quarter'."));
        }

        var clv = options.Clv;
        var unitDays = options.TimeUnit == TimeUnit.Weeks ? 7.0 : 1.0;
        if (double.IsFinite(clv.DiscountPeriodDays) && clv.HorizonPeriods * clv.DiscountPeriodDays < unitDays)
        {
            failures.Add(Invariant($"Lifecycle:Clv:HorizonPeriods × Lifecycle:Clv:DiscountPeriodDays ({clv.HorizonPeriods} × {clv.DiscountPeriodDays} days) is shorter than one model time unit ({options.TimeUnit}); lengthen the horizon or use TimeUnit 'Days'."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
