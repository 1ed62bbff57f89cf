namespace Lifecycle.Segmentation;

/// <summary>The customers in a top tier and the share of value they hold.</summary>
/// <param name="Customers">The number of customers in the tier: ⌈fraction · n⌉.</param>
/// <param name="Threshold">The smallest value inside the tier.</param>
/// <param name="Value">The tier's total value.</param>
/// <param name="ShareOfTotal">The tier's value over the population's total, in [0, 1].</param>
public readonly record struct ValueTier(int Customers, double Threshold, double Value, double ShareOfTotal);

/// <summary>Value tiers over CLV or revenue: top x%, deciles and the Pareto share.</summary>
/// <remarks>
/// <para>Values are non-negative and finite, one per customer (CLV predictions, total spend...). The top tier holds
/// ⌈fraction · n⌉ customers, ranked by value with ties broken by input position (first seen ranks higher), so tier
/// sizes are exact and deterministic. Deciles use <see cref="QuantileScoring"/> with 10 bins, decile 10 = highest values.</para>
/// <para>Linear time (radix sort), pooled scratch, no per-customer allocation. Thread-safe.</para>
/// </remarks>
public static class ValueTiers
{
    /// <summary>Flags the top <paramref name="fraction"/> of customers by value.</summary>
    /// <param name="values">Non-negative finite values, one per customer.</param>
    /// <param name="fraction">The share of customers in the tier, in (0, 1] (0.2 = top 20%).</param>
    /// <param name="members">Receives <c>true</c> for customers in the tier; the same length as <paramref name="values"/>.</param>
    /// <returns>The tier's size, threshold, value and share of the total.</returns>
    /// <exception cref="ArgumentException">The population is empty, lengths differ, a value is NaN, infinite or negative,
    /// or all values are 0 (the share of nothing is undefined).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is NaN or outside (0, 1].</exception>
    public static ValueTier Top(ReadOnlySpan<double> values, double fraction, Span<bool> members)
    {
        if (members.Length != values.Length)
        {
            ThrowHelper.Argument(nameof(members), FormattableString.Invariant($"members has length {members.Length} but values has {values.Length}; pass one slot per customer."));
        }

        return TopCore(values, fraction, members);
    }

    /// <summary>The share of total value held by the top 20% of customers (the Pareto share).</summary>
    /// <param name="values">Non-negative finite values, one per customer.</param>
    /// <returns>The tier of the top ⌈0.2 · n⌉ customers; <see cref="ValueTier.ShareOfTotal"/> is the Pareto share.</returns>
    /// <exception cref="ArgumentException">The population is empty, a value is NaN, infinite or negative, or all values are 0.</exception>
    public static ValueTier ParetoShare(ReadOnlySpan<double> values) => TopCore(values, 0.2, []);

    /// <summary>The share of total value held by the top <paramref name="fraction"/> of customers (the Pareto share; 0.2 by convention).</summary>
    /// <param name="values">Non-negative finite values, one per customer.</param>
    /// <param name="fraction">The share of customers, in (0, 1].</param>
    /// <returns>The tier; <see cref="ValueTier.ShareOfTotal"/> is the Pareto share (0.8 for a textbook 80/20 population).</returns>
    /// <exception cref="ArgumentException">The population is empty, a value is NaN, infinite or negative, or all values are 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is NaN or outside (0, 1].</exception>
    public static ValueTier ParetoShare(ReadOnlySpan<double> values, double fraction) => TopCore(values, fraction, []);

    /// <summary>Scores customers into value deciles, 10 = highest values.</summary>
    /// <param name="values">Finite values, at least 10.</param>
    /// <param name="deciles">Receives 1..10 (fewer with <see cref="TiePolicy.DropDuplicateEdges"/>).</param>
    /// <param name="ties">The tie policy.</param>
    /// <returns>The decile edges, to place new customers.</returns>
    /// <exception cref="ArgumentException">See <see cref="QuantileScoring.Score(ReadOnlySpan{double}, Span{byte}, int, TiePolicy, ScoreDirection)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ties"/> is not defined.</exception>
    public static ScoreBins Deciles(ReadOnlySpan<double> values, Span<byte> deciles, TiePolicy ties) =>
        QuantileScoring.Score(values, deciles, 10, ties, ScoreDirection.HigherIsBetter);

    /// <summary>Total spend per customer as doubles: revenue for value tiers when no CLV is at hand.</summary>
    /// <param name="summaries">The customers.</param>
    /// <param name="destination">Receives <see cref="SummarySet{TKey}.TotalSpend"/> per customer.</param>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <exception cref="ArgumentNullException"><paramref name="summaries"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    public static void Revenue<TKey>(SummarySet<TKey> summaries, Span<double> destination)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(summaries);
        if (destination.Length != summaries.Count)
        {
            ThrowHelper.Argument(nameof(destination), FormattableString.Invariant($"destination has length {destination.Length} but there are {summaries.Count} customers; pass one slot per customer."));
        }

        var spend = summaries.TotalSpend;
        for (var i = 0; i < spend.Length; i++)
        {
            destination[i] = (double)spend[i];
        }
    }

    private static ValueTier TopCore(ReadOnlySpan<double> values, double fraction, Span<bool> members)
    {
        ThrowHelper.ThrowIfNotFinite(fraction, nameof(fraction));
        if (fraction is <= 0 or > 1)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(fraction), fraction, "must be in (0, 1]", "pass the share of customers, for example 0.2 for the top 20%");
        }

        var n = values.Length;
        if (n == 0)
        {
            ThrowHelper.Argument(nameof(values), "the population is empty; value tiers need at least one customer.");
        }

        double total = 0;
        for (var i = 0; i < n; i++)
        {
            if (!double.IsFinite(values[i]) || values[i] < 0)
            {
                ThrowHelper.Argument(nameof(values), FormattableString.Invariant($"values[{i}] = {values[i]:R} must be finite and >= 0; value tiers rank CLV or revenue."));
            }

            total += values[i];
        }

        if (total == 0)
        {
            ThrowHelper.Argument(nameof(values), FormattableString.Invariant($"all {n} values are 0, so a share of the total value is undefined; check that the value column is filled."));
        }

        // ⌈fraction·n⌉ with a guard against representation error (0.2·10 = 2.0000000000000004).
        var count = (int)Math.Ceiling((fraction * n) - 1e-9);
        count = Math.Clamp(count, 1, n);

        // The tier is every value above the c-th largest (the threshold) plus, among values equal to it, the first
        // ones in input order until the tier holds c customers.
        using var sorted = new SortedKeys(values);
        var threshold = sorted.Value(n - count);
        var lastAtThreshold = n - count;
        var keys = sorted.Keys;
        while (lastAtThreshold + 1 < n && keys[lastAtThreshold + 1] == keys[n - count])
        {
            lastAtThreshold++;
        }

        var greater = n - 1 - lastAtThreshold;
        var equalTaken = count - greater;
        double value = 0;
        var taken = 0;
        for (var i = 0; i < n; i++)
        {
            var v = values[i];
            var member = v > threshold || (v == threshold && taken++ < equalTaken);
            if (member)
            {
                value += v;
            }

            if (!members.IsEmpty)
            {
                members[i] = member;
            }
        }

        return new ValueTier(count, threshold, value, Math.Min(1.0, value / total));
    }
}
