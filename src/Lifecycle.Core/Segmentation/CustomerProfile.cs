using System.Globalization;

namespace Lifecycle.Segmentation;

/// <summary>What rule-based segments see of one customer: the summary, the RFM score, model predictions and free facts.</summary>
/// <remarks>
/// Predictions are optional (<c>null</c> = not computed): pass the output of any model (P(alive), expected purchases,
/// CLV) without this namespace depending on it. <c>default</c> is a customer with a zero summary, no score
/// (<see cref="RfmScore"/> default), no predictions and no facts. Validated in every <c>init</c>.
/// </remarks>
public readonly record struct CustomerProfile
{
    private readonly double? _probabilityAlive;
    private readonly double? _expectedPurchases;
    private readonly double? _value;

    /// <summary>Gets the customer's summary.</summary>
    public CustomerSummary Summary { get; init; }

    /// <summary>Gets the customer's RFM score (default when not scored).</summary>
    public RfmScore Rfm { get; init; }

    /// <summary>Gets the probability that the customer is still active, or <c>null</c> when not predicted.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to NaN, infinity, or outside [0, 1].</exception>
    public double? ProbabilityAlive
    {
        get => _probabilityAlive;
        init
        {
            if (value is { } v && (!double.IsFinite(v) || v < 0 || v > 1))
            {
                ThrowHelper.ArgumentOutOfRange(nameof(ProbabilityAlive), v, "must be a finite probability in [0, 1]", "pass the model's P(alive), or null when not predicted");
            }

            _probabilityAlive = value;
        }
    }

    /// <summary>Gets the expected number of purchases over the caller's horizon, or <c>null</c> when not predicted.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to NaN, infinity or a negative number.</exception>
    public double? ExpectedPurchases
    {
        get => _expectedPurchases;
        init
        {
            if (value is { } v)
            {
                ThrowHelper.ThrowIfNegativeOrNotFinite(v, nameof(ExpectedPurchases));
            }

            _expectedPurchases = value;
        }
    }

    /// <summary>Gets the customer's value (CLV or revenue, in the caller's currency), or <c>null</c> when not known.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to NaN or infinity.</exception>
    public double? Value
    {
        get => _value;
        init
        {
            if (value is { } v)
            {
                ThrowHelper.ThrowIfNotFinite(v, nameof(Value));
            }

            _value = value;
        }
    }

    /// <summary>Gets named facts about the customer (plan, channel, stage label...), or <c>null</c> when none.</summary>
    public IReadOnlyDictionary<string, string>? Facts { get; init; }

    /// <summary>Gets a fact by name.</summary>
    /// <param name="name">The fact's name (ordinal, as stored in <see cref="Facts"/>).</param>
    /// <returns>The fact's value, or <c>null</c> when absent.</returns>
    public string? Fact(string name) => Facts is { } f && f.TryGetValue(name, out var v) ? v : null;
}

/// <summary>Ready-made <see cref="SegmentRule{T}"/>s over <see cref="CustomerProfile"/>; compose them with And/Or/Not.</summary>
/// <remarks>A rule on a prediction that is <c>null</c> (not computed) does not match. Rules are immutable and thread-safe.</remarks>
public static class CustomerRules
{
    /// <summary>P(alive) below a threshold.</summary>
    /// <param name="threshold">A probability in [0, 1].</param>
    /// <returns>The rule, named for example "P(alive) &lt; 0.3".</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is NaN, infinite or outside [0, 1].</exception>
    public static SegmentRule<CustomerProfile> ProbabilityAliveBelow(double threshold)
    {
        CheckProbability(threshold, nameof(threshold));
        return SegmentRule.Create<CustomerProfile>(Name($"P(alive) < {threshold:R}"), "The model says the customer has probably lapsed.", c => c.ProbabilityAlive < threshold);
    }

    /// <summary>P(alive) at or above a threshold.</summary>
    /// <param name="threshold">A probability in [0, 1].</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is NaN, infinite or outside [0, 1].</exception>
    public static SegmentRule<CustomerProfile> ProbabilityAliveAtLeast(double threshold)
    {
        CheckProbability(threshold, nameof(threshold));
        return SegmentRule.Create<CustomerProfile>(Name($"P(alive) >= {threshold:R}"), "The model says the customer is probably active.", c => c.ProbabilityAlive >= threshold);
    }

    /// <summary>Repeat frequency <c>x</c> at or above a threshold.</summary>
    /// <param name="threshold">A finite number of repeat purchase periods.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is NaN or infinite.</exception>
    public static SegmentRule<CustomerProfile> FrequencyAtLeast(double threshold)
    {
        ThrowHelper.ThrowIfNotFinite(threshold, nameof(threshold));
        return SegmentRule.Create<CustomerProfile>(Name($"frequency >= {threshold:R}"), "Repeat purchase periods at or above the threshold.", c => c.Summary.Frequency >= threshold);
    }

    /// <summary>Time since the last purchase (<c>T − t_x</c>) above a threshold.</summary>
    /// <param name="threshold">A finite time in the summary's unit.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is NaN or infinite.</exception>
    public static SegmentRule<CustomerProfile> InactiveLongerThan(double threshold)
    {
        ThrowHelper.ThrowIfNotFinite(threshold, nameof(threshold));
        return SegmentRule.Create<CustomerProfile>(Name($"T - t_x > {threshold:R}"), "No purchase for longer than the threshold.", c => Segmentation.Rfm.TimeSinceLastPurchase(c.Summary) > threshold);
    }

    /// <summary>Value (CLV or revenue) at or above a threshold.</summary>
    /// <param name="threshold">A finite value.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is NaN or infinite.</exception>
    public static SegmentRule<CustomerProfile> ValueAtLeast(double threshold)
    {
        ThrowHelper.ThrowIfNotFinite(threshold, nameof(threshold));
        return SegmentRule.Create<CustomerProfile>(Name($"value >= {threshold:R}"), "Value at or above the threshold.", c => c.Value >= threshold);
    }

    /// <summary>A segment of an RFM segment map.</summary>
    /// <param name="map">The map.</param>
    /// <param name="segment">One of the map's segment names.</param>
    /// <returns>The rule, named after the segment.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="segment"/> is not in the map.</exception>
    public static SegmentRule<CustomerProfile> InRfmSegment(SegmentMap map, string segment)
    {
        ArgumentNullException.ThrowIfNull(map);
        var index = -1;
        for (var i = 0; i < map.SegmentNames.Count; i++)
        {
            if (string.Equals(map.SegmentNames[i], segment, StringComparison.Ordinal))
            {
                index = i;
            }
        }

        if (index < 0)
        {
            ThrowHelper.Argument(nameof(segment), $"'{segment}' is not a segment of the map; use one of: {string.Join(", ", map.SegmentNames)}.");
        }

        return SegmentRule.Create<CustomerProfile>(segment, $"RFM segment '{segment}'.", c => map.Assign(c.Rfm) == index);
    }

    /// <summary>A fact equal to a value (ordinal comparison).</summary>
    /// <param name="name">The fact's name.</param>
    /// <param name="value">The expected value.</param>
    /// <returns>The rule, named for example "plan = gold".</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static SegmentRule<CustomerProfile> FactEquals(string name, string value)
    {
        if (string.IsNullOrEmpty(name))
        {
            ThrowHelper.Argument(nameof(name), "the fact name is empty; pass the key used in CustomerProfile.Facts.");
        }

        return SegmentRule.Create<CustomerProfile>($"{name} = {value}", $"Fact '{name}' equals '{value}'.", c => string.Equals(c.Fact(name), value, StringComparison.Ordinal));
    }

    /// <summary>Builds one profile per customer from columns (predictions optional: pass empty spans to leave them null).</summary>
    /// <param name="summaries">The customers.</param>
    /// <param name="scores">RFM scores for the same customers, or <c>null</c>.</param>
    /// <param name="probabilityAlive">P(alive) per customer, or empty.</param>
    /// <param name="expectedPurchases">Expected purchases per customer, or empty.</param>
    /// <param name="value">Value (CLV or revenue) per customer, or empty.</param>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <returns>The profiles, in the set's order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="summaries"/> is null.</exception>
    /// <exception cref="ArgumentException">A non-empty column or the scores have the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A prediction is out of range.</exception>
    public static CustomerProfile[] Profiles<TKey>(SummarySet<TKey> summaries, RfmScores? scores, ReadOnlySpan<double> probabilityAlive, ReadOnlySpan<double> expectedPurchases, ReadOnlySpan<double> value)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var n = summaries.Count;
        if ((scores is not null && scores.Count != n) || (probabilityAlive.Length is not 0 && probabilityAlive.Length != n)
            || (expectedPurchases.Length is not 0 && expectedPurchases.Length != n) || (value.Length is not 0 && value.Length != n))
        {
            ThrowHelper.Argument(nameof(summaries), FormattableString.Invariant($"scores ({scores?.Count}), P(alive) ({probabilityAlive.Length}), expected purchases ({expectedPurchases.Length}) and value ({value.Length}) must be empty or have one entry per customer ({n})."));
        }

        var result = new CustomerProfile[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = new CustomerProfile
            {
                Summary = summaries[i],
                Rfm = scores is null ? default : scores[i],
                ProbabilityAlive = probabilityAlive.Length == 0 ? null : probabilityAlive[i],
                ExpectedPurchases = expectedPurchases.Length == 0 ? null : expectedPurchases[i],
                Value = value.Length == 0 ? null : value[i],
            };
        }

        return result;
    }

    private static string Name(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void CheckProbability(double p, string name)
    {
        ThrowHelper.ThrowIfNotFinite(p, name);
        if (p is < 0 or > 1)
        {
            ThrowHelper.ArgumentOutOfRange(name, p, "must be in [0, 1]", "pass a probability");
        }
    }
}
