namespace Lifecycle;

/// <summary>The unit in which model time (recency, age <c>T</c>, horizons) is measured.</summary>
/// <remarks>
/// Every <see cref="SummarySet{TKey}"/> and <see cref="CompressedSummaries"/> carries its unit, so a
/// model fitted in weeks is never silently asked about days. <c>default</c> is <see cref="None"/>,
/// which no API accepts: it exists so that an unset unit is an error rather than a guess.
/// </remarks>
public enum TimeUnit
{
    /// <summary>Not set. Rejected by every API that needs a unit.</summary>
    None = 0,

    /// <summary>Days of 24 hours.</summary>
    Days = 1,

    /// <summary>Weeks of 7 days (CDNOW and the published BG/NBD and Pareto/NBD numbers use weeks).</summary>
    Weeks = 2,
}
