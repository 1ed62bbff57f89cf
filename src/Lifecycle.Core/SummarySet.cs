namespace Lifecycle;

/// <summary>Per-customer summaries as columns (struct of arrays), in one time unit.</summary>
/// <typeparam name="TKey">The customer identifier type.</typeparam>
/// <remarks>
/// Built by <see cref="TransactionSummarizer{TKey}.Build()"/> or from columns with <see cref="SummarySet.FromColumns{TKey}"/>.
/// Immutable and thread-safe. Holdout columns are present only when a calibration end was set.
/// </remarks>
public sealed class SummarySet<TKey>
    where TKey : notnull, IEquatable<TKey>
{
    private readonly TKey[] _ids;
    private readonly double[] _frequency;
    private readonly double[] _recency;
    private readonly double[] _t;
    private readonly double[] _monetary;
    private readonly DateTimeOffset[] _first;
    private readonly DateTimeOffset[] _last;
    private readonly long[] _transactionCount;
    private readonly decimal[] _totalSpend;
    private readonly double[]? _holdoutFrequency;
    private readonly double[]? _holdoutMonetary;

    internal SummarySet(
        TKey[] ids,
        double[] frequency,
        double[] recency,
        double[] t,
        double[] monetary,
        DateTimeOffset[] first,
        DateTimeOffset[] last,
        long[] transactionCount,
        decimal[] totalSpend,
        TimeUnit unit,
        DateTimeOffset? observationEnd,
        DateTimeOffset? calibrationEnd,
        double[]? holdoutFrequency,
        double[]? holdoutMonetary,
        double holdoutDuration,
        SummarizerCounts counts)
    {
        _ids = ids;
        _frequency = frequency;
        _recency = recency;
        _t = t;
        _monetary = monetary;
        _first = first;
        _last = last;
        _transactionCount = transactionCount;
        _totalSpend = totalSpend;
        Unit = unit;
        ObservationEnd = observationEnd;
        CalibrationEnd = calibrationEnd;
        _holdoutFrequency = holdoutFrequency;
        _holdoutMonetary = holdoutMonetary;
        HoldoutDuration = holdoutDuration;
        Counts = counts;
    }

    /// <summary>Gets the number of customers.</summary>
    public int Count => _ids.Length;

    /// <summary>Gets the time unit of recency, T and the holdout duration.</summary>
    public TimeUnit Unit { get; }

    /// <summary>Gets the observation end the set was built with, or <c>null</c> when built from columns.</summary>
    public DateTimeOffset? ObservationEnd { get; }

    /// <summary>Gets the calibration end, or <c>null</c> when there is no holdout.</summary>
    public DateTimeOffset? CalibrationEnd { get; }

    /// <summary>Gets a value indicating whether holdout columns are present.</summary>
    public bool HasHoldout => _holdoutFrequency is not null;

    /// <summary>Gets the length of the holdout period in <see cref="Unit"/> (0 without a holdout).</summary>
    public double HoldoutDuration { get; }

    /// <summary>Gets what the summarizer saw and set aside while building this set.</summary>
    public SummarizerCounts Counts { get; }

    /// <summary>Gets the customer ids.</summary>
    public ReadOnlySpan<TKey> Ids => _ids;

    /// <summary>Gets the repeat frequencies <c>x</c>.</summary>
    public ReadOnlySpan<double> Frequency => _frequency;

    /// <summary>Gets the recencies <c>t_x</c>.</summary>
    public ReadOnlySpan<double> Recency => _recency;

    /// <summary>Gets the ages <c>T</c>.</summary>
    public ReadOnlySpan<double> T => _t;

    /// <summary>Gets the mean values of the repeat periods (or of all periods, as configured).</summary>
    public ReadOnlySpan<double> MonetaryValue => _monetary;

    /// <summary>Gets the number of holdout purchase periods per customer (empty without a holdout).</summary>
    public ReadOnlySpan<double> HoldoutFrequency => _holdoutFrequency;

    /// <summary>Gets the mean value of the holdout purchase periods per customer, 0 when none (empty without a holdout).</summary>
    public ReadOnlySpan<double> HoldoutMonetaryValue => _holdoutMonetary;

    /// <summary>Gets the first purchase timestamps (default when built from columns).</summary>
    public ReadOnlySpan<DateTimeOffset> FirstPurchase => _first;

    /// <summary>Gets the last calibration purchase timestamps (default when built from columns).</summary>
    public ReadOnlySpan<DateTimeOffset> LastPurchase => _last;

    /// <summary>Gets the calibration transaction counts (rows before same-period merging).</summary>
    public ReadOnlySpan<long> TransactionCount => _transactionCount;

    /// <summary>Gets the calibration total spend per customer.</summary>
    public ReadOnlySpan<decimal> TotalSpend => _totalSpend;

    /// <summary>Gets the summary of the customer at <paramref name="index"/>.</summary>
    /// <param name="index">A 0-based index below <see cref="Count"/>.</param>
    /// <exception cref="IndexOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public CustomerSummary this[int index] => new(_frequency[index], _recency[index], _t[index], _monetary[index])
    {
        FirstPurchase = _first[index],
        LastPurchase = _last[index],
        TransactionCount = _transactionCount[index],
        TotalSpend = _totalSpend[index],
    };

    /// <summary>Concatenates sets over disjoint customers (same options), then orders them by id when an order is given.</summary>
    internal static SummarySet<TKey> Concat(IReadOnlyList<SummarySet<TKey>> parts, IComparer<TKey>? order, SummarizerCounts counts)
    {
        var n = parts.Sum(p => p.Count);
        var first = parts.Count > 0 ? parts[0] : null;
        var hasHoldout = first?.HasHoldout ?? false;
        var ids = new TKey[n];
        var offset = 0;
        foreach (var p in parts)
        {
            p._ids.CopyTo(ids, offset);
            offset += p.Count;
        }

        var permutation = new int[n];
        for (var i = 0; i < n; i++)
        {
            permutation[i] = i;
        }

        if (order is not null)
        {
            Array.Sort(ids, permutation, order);
        }

        T[] Gather<T>(Func<SummarySet<TKey>, T[]?> column)
        {
            var all = new T[n];
            var at = 0;
            foreach (var p in parts)
            {
                column(p)!.CopyTo(all, at);
                at += p.Count;
            }

            var result = new T[n];
            for (var i = 0; i < n; i++)
            {
                result[i] = all[permutation[i]];
            }

            return result;
        }

        return new SummarySet<TKey>(
            ids,
            Gather(p => p._frequency),
            Gather(p => p._recency),
            Gather(p => p._t),
            Gather(p => p._monetary),
            Gather(p => p._first),
            Gather(p => p._last),
            Gather(p => p._transactionCount),
            Gather(p => p._totalSpend),
            first?.Unit ?? TimeUnit.Days,
            first?.ObservationEnd,
            first?.CalibrationEnd,
            hasHoldout ? Gather(p => p._holdoutFrequency) : null,
            hasHoldout ? Gather(p => p._holdoutMonetary) : null,
            first?.HoldoutDuration ?? 0,
            counts);
    }

    /// <summary>Compresses the calibration summaries into unique weighted rows for model fitting.</summary>
    /// <returns>The compressed rows; their weights add up to <see cref="Count"/>.</returns>
    public CompressedSummaries Compress() => CompressedSummaries.Create(_frequency, _recency, _t, [], Unit);
}

/// <summary>Factory methods for <see cref="SummarySet{TKey}"/>.</summary>
public static class SummarySet
{
    /// <summary>Builds a set from columns, for summaries computed elsewhere (for example read from a file).</summary>
    /// <param name="ids">Customer ids; must be distinct and not null.</param>
    /// <param name="frequency">Repeat frequencies.</param>
    /// <param name="recency">Recencies.</param>
    /// <param name="t">Ages.</param>
    /// <param name="monetaryValue">Mean repeat values; may be empty (then all 0).</param>
    /// <param name="unit">The time unit of recency and T.</param>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <returns>A validated set.</returns>
    /// <exception cref="ArgumentException">Lengths differ, an id repeats, or a row breaks a rule (the message names the row).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is <see cref="TimeUnit.None"/>.</exception>
    public static SummarySet<TKey> FromColumns<TKey>(ReadOnlySpan<TKey> ids, ReadOnlySpan<double> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> t, ReadOnlySpan<double> monetaryValue, TimeUnit unit)
        where TKey : notnull, IEquatable<TKey>
    {
        if (unit is not (TimeUnit.Days or TimeUnit.Weeks))
        {
            ThrowHelper.ArgumentOutOfRange(nameof(unit), unit, "must be TimeUnit.Days or TimeUnit.Weeks", "pass the unit recency and T are measured in");
        }

        var n = ids.Length;
        if (frequency.Length != n || recency.Length != n || t.Length != n || (monetaryValue.Length != 0 && monetaryValue.Length != n))
        {
            ThrowHelper.Argument(nameof(ids), $"ids ({n}), frequency ({frequency.Length}), recency ({recency.Length}), T ({t.Length}) and monetary values ({monetaryValue.Length}) must have the same length; pass one value per customer.");
        }

        var seen = new HashSet<TKey>(n);
        for (var i = 0; i < n; i++)
        {
            if (ids[i] is null || (ids[i] is string s && s.Length == 0))
            {
                ThrowHelper.Argument(nameof(ids), FormattableString.Invariant($"row {i}: the customer id is missing; every row needs an id."));
            }

            if (!seen.Add(ids[i]))
            {
                ThrowHelper.Argument(nameof(ids), FormattableString.Invariant($"row {i}: customer id '{ids[i]}' appears more than once; summaries hold one row per customer."));
            }

            CompressedSummaries.ValidateRow(i, frequency[i], recency[i], t[i], 1);
            if (monetaryValue.Length != 0 && (!double.IsFinite(monetaryValue[i]) || monetaryValue[i] < 0))
            {
                ThrowHelper.Argument(nameof(monetaryValue), FormattableString.Invariant($"row {i}: monetary value = {monetaryValue[i]:R} must be finite and >= 0; use the mean value of the repeat purchases."));
            }
        }

        return new SummarySet<TKey>(
            ids.ToArray(),
            frequency.ToArray(),
            recency.ToArray(),
            t.ToArray(),
            monetaryValue.Length == 0 ? new double[n] : monetaryValue.ToArray(),
            new DateTimeOffset[n],
            new DateTimeOffset[n],
            new long[n],
            new decimal[n],
            unit,
            observationEnd: null,
            calibrationEnd: null,
            holdoutFrequency: null,
            holdoutMonetary: null,
            holdoutDuration: 0,
            counts: default);
    }

}
