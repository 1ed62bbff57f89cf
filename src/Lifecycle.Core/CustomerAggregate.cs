using System.Globalization;

namespace Lifecycle;

/// <summary>
/// One customer's totals as an external engine (SQL) computes them: whole periods and exact decimals. Finishing them
/// here gives bit-for-bit the summarizer's doubles, because the last steps are the same .NET operations.
/// </summary>
internal readonly record struct CustomerAggregate(
    string CustomerId,
    long FirstPeriod,
    long LastCalibrationPeriod,
    long CalibrationPeriods,
    long HoldoutPeriods,
    decimal FirstPeriodValue,
    decimal CalibrationTotal,
    decimal HoldoutTotal,
    long CalibrationTransactions,
    DateTimeOffset FirstTimestamp,
    DateTimeOffset LastCalibrationTimestamp,
    int CalibrationAmountScale);

/// <summary>Turns <see cref="CustomerAggregate"/> rows into the <see cref="SummarySet{TKey}"/> that <see cref="TransactionSummarizer{TKey}.Build()"/> would build.</summary>
internal static class CustomerAggregates
{
    public static SummarySet<string> ToSummarySet(List<CustomerAggregate> rows, SummarizerOptions options, SummarizerCounts counts, IComparer<string> order)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var n = rows.Count;
        var ids = new string[n];
        var index = new int[n];
        for (var i = 0; i < n; i++)
        {
            ids[i] = rows[i].CustomerId;
            index[i] = i;
        }

        Array.Sort(ids, index, order);
        var endPeriod = SummarySql.EndPeriod(options);
        var calibrationEndPeriod = SummarySql.CalibrationEndPeriod(options);
        var unitsPerPeriod = options.UnitsPerPeriod;
        var frequency = new double[n];
        var recency = new double[n];
        var t = new double[n];
        var monetary = new double[n];
        var first = new DateTimeOffset[n];
        var last = new DateTimeOffset[n];
        var txCount = new long[n];
        var spend = new decimal[n];
        var hasHoldout = options.CalibrationEnd is not null;
        var holdoutFrequency = hasHoldout ? new double[n] : null;
        var holdoutMonetary = hasHoldout ? new double[n] : null;
        for (var i = 0; i < n; i++)
        {
            var c = rows[index[i]];
            var calPeriods = (int)c.CalibrationPeriods;
            var firstPeriod = (int)c.FirstPeriod;
            var lastPeriod = (int)c.LastCalibrationPeriod;
            if (calPeriods < 1 || firstPeriod > calibrationEndPeriod || lastPeriod < firstPeriod)
            {
                ThrowHelper.InvalidOperation(string.Create(CultureInfo.InvariantCulture, $"customer '{c.CustomerId}': the engine returned {calPeriods} calibration periods from {firstPeriod} to {lastPeriod}; a summarized customer has at least one, starting on or before {calibrationEndPeriod}. This is a bug in the SQL."));
            }

            (frequency[i], recency[i], t[i]) = SummarizerOptions.Features(calPeriods, lastPeriod - firstPeriod, firstPeriod, calibrationEndPeriod, unitsPerPeriod);
            monetary[i] = options.MonetaryValue(c.CalibrationTotal, c.FirstPeriodValue, calPeriods);

            first[i] = c.FirstTimestamp;
            last[i] = c.LastCalibrationTimestamp;
            txCount[i] = c.CalibrationTransactions;
            spend[i] = WithScale(c.CalibrationTotal, c.CalibrationAmountScale);
            if (hasHoldout)
            {
                var holdoutPeriods = c.HoldoutPeriods;
                holdoutFrequency![i] = holdoutPeriods;
                holdoutMonetary![i] = SummarizerOptions.HoldoutMonetaryValue(c.HoldoutTotal, holdoutPeriods);
            }
        }

        return new SummarySet<string>(
            ids,
            frequency,
            recency,
            t,
            monetary,
            first,
            last,
            txCount,
            spend,
            options.Unit,
            options.ObservationEnd,
            options.CalibrationEnd,
            holdoutFrequency,
            holdoutMonetary,
            hasHoldout ? (endPeriod - calibrationEndPeriod) * unitsPerPeriod : 0.0,
            counts);
    }

    /// <summary>
    /// A .NET decimal sum keeps the largest scale of its terms (12.50 + 1.25 prints 13.75, 84.00 prints 84.00); an
    /// engine's fixed-scale DECIMAL does not, so the scale of the amounts as written is restored.
    /// </summary>
    internal static decimal WithScale(decimal value, int scale)
    {
        // Dividing by 1.000…0 strips trailing zeros; adding a zero of the wanted scale puts them back.
        var minimal = value / 1.000000000000000000000000000000000m;
        return minimal + new decimal(0, 0, 0, false, (byte)Math.Clamp(scale, 0, 28));
    }

    /// <summary>(frequency, recency, T) from whole periods, with the arithmetic of <see cref="TransactionSummarizer{TKey}.Build()"/>.</summary>
    public static (double Frequency, double Recency, double T) Features(long calibrationPeriods, long recencyPeriods, long firstPeriod, int calibrationEndPeriod, double unitsPerPeriod) =>
        SummarizerOptions.Features((int)calibrationPeriods, (int)recencyPeriods, (int)firstPeriod, calibrationEndPeriod, unitsPerPeriod);

    /// <summary>Compressed rows from (calibration periods, recency periods, first period, weight) groups.</summary>
    public static CompressedSummaries ToCompressed(ReadOnlySpan<long> calibrationPeriods, ReadOnlySpan<long> recencyPeriods, ReadOnlySpan<long> firstPeriods, ReadOnlySpan<double> weights, SummarizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var calibrationEndPeriod = SummarySql.CalibrationEndPeriod(options);
        var unitsPerPeriod = options.UnitsPerPeriod;
        var n = calibrationPeriods.Length;
        var f = new double[n];
        var r = new double[n];
        var t = new double[n];
        for (var i = 0; i < n; i++)
        {
            (f[i], r[i], t[i]) = Features(calibrationPeriods[i], recencyPeriods[i], firstPeriods[i], calibrationEndPeriod, unitsPerPeriod);
        }

        return CompressedSummaries.Create(f, r, t, weights, options.Unit);
    }
}
