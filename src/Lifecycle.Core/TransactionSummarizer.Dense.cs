using System.Runtime.InteropServices;

namespace Lifecycle;

/// <content>
/// The dictionary-free fold for readers that number their customers themselves (a byte-keyed id table), and the one
/// place that turns accumulators into summary columns. Same <see cref="Accumulator"/>, same admission rules as
/// <see cref="Add(TKey, DateTimeOffset, decimal)"/>, so both paths give the same summaries bit for bit.
/// </content>
public sealed partial class TransactionSummarizer<TKey>
{
    /// <summary>
    /// Builds the summaries of <see cref="DenseFold"/>s over disjoint customers, where customer <c>i</c> of fold
    /// <c>f</c> is <c>ids[f][i]</c> (every id distinct).
    /// </summary>
    /// <param name="options">The final options (when the folds were opened with the end taken from the data, the end found).</param>
    /// <param name="folds">The folds.</param>
    /// <param name="ids">The id of each numbered customer, per fold.</param>
    /// <param name="order">The order of the customers, or <c>null</c> for fold then numbering order.</param>
    internal static SummarySet<TKey> BuildDense(SummarizerOptions options, IReadOnlyList<DenseFold> folds, IReadOnlyList<TKey[]> ids, IComparer<TKey>? order)
    {
        var endPeriod = options.PeriodOf(options.ObservationEnd);
        var calibrationEndPeriod = options.CalibrationEnd is { } c ? options.PeriodOf(c) : endPeriod;
        var kept = 0;
        var holdoutOnly = 0;
        long transactions = 0, afterEnd = 0, refunds = 0;
        foreach (var fold in folds)
        {
            transactions += fold.Transactions;
            afterEnd += fold.AfterEnd;
            refunds += fold.RefundsExcluded;
            for (var i = 0; i < fold.Customers; i++)
            {
                ref readonly var a = ref fold.Accumulators[i];
                if (a.HasCalibration(calibrationEndPeriod))
                {
                    kept++;
                }
                else if (a.Count > 0)
                {
                    holdoutOnly++;
                }
            }
        }

        var keys = new TKey[kept];
        var index = new long[kept];
        var k = 0;
        for (var f = 0; f < folds.Count; f++)
        {
            var fold = folds[f];
            for (var i = 0; i < fold.Customers; i++)
            {
                if (fold.Accumulators[i].HasCalibration(calibrationEndPeriod))
                {
                    keys[k] = ids[f][i];
                    index[k++] = ((long)f << 32) | (uint)i;
                }
            }
        }

        if (order is not null)
        {
            SortInHalves(keys, index, order);
        }

        var columns = new Columns(keys, options, endPeriod, calibrationEndPeriod);
        for (var i = 0; i < keys.Length; i++)
        {
            var fold = folds[(int)(index[i] >> 32)];
            columns.Fill(i, in fold.Accumulators[(int)index[i]], fold.Slab);
        }

        return columns.ToSet(new SummarizerCounts(transactions, afterEnd, refunds, holdoutOnly));
    }

    /// <summary>
    /// Sorts by <paramref name="order"/>: two halves on two threads, then one merge. A million ids take a third of a
    /// second of comparisons on one core, on the critical path of <c>summarize</c>. Ids the order calls equal may come
    /// out in another order than one <see cref="Array.Sort{TKey, TValue}(TKey[], TValue[], IComparer{TKey})"/> gives
    /// (that sort is unstable too).
    /// </summary>
    private static void SortInHalves(TKey[] keys, long[] index, IComparer<TKey> order)
    {
        var n = keys.Length;
        if (n < 100_000 || Environment.ProcessorCount < 2)
        {
            Array.Sort(keys, index, order);
            return;
        }

        var half = n / 2;
        Parallel.Invoke(
            () => Array.Sort(keys, index, 0, half, order),
            () => Array.Sort(keys, index, half, n - half, order));
        var mergedKeys = new TKey[n];
        var mergedIndex = new long[n];
        int i = 0, j = half, k = 0;
        while (i < half && j < n)
        {
            if (order.Compare(keys[j], keys[i]) < 0)
            {
                mergedKeys[k] = keys[j];
                mergedIndex[k++] = index[j++];
            }
            else
            {
                mergedKeys[k] = keys[i];
                mergedIndex[k++] = index[i++];
            }
        }

        for (; i < half; i++, k++)
        {
            mergedKeys[k] = keys[i];
            mergedIndex[k] = index[i];
        }

        for (; j < n; j++, k++)
        {
            mergedKeys[k] = keys[j];
            mergedIndex[k] = index[j];
        }

        mergedKeys.CopyTo(keys, 0);
        mergedIndex.CopyTo(index, 0);
    }

    /// <summary>
    /// Per-customer state in an array indexed by a customer number the caller assigns (0, 1, 2, … in first-seen order):
    /// the fold of <see cref="TransactionSummarizer{TKey}.Add(TKey, DateTimeOffset, decimal)"/> without a dictionary. Not thread-safe; one per thread,
    /// merged with <see cref="MergeCustomer"/>.
    /// </summary>
    internal sealed class DenseFold
    {
        private readonly SummarizerOptions _options;
        private readonly int _endPeriod;
        private readonly int _calibrationEndPeriod;
        private long _transactions;
        private long _afterEnd;
        private long _refundsExcluded;

        /// <summary>Creates a fold.</summary>
        /// <param name="options">The period rule, refunds and window.</param>
        /// <param name="endFromData">
        /// When true the observation end is not known yet (it will be the last transaction): nothing is set aside as after
        /// the end, and without a calibration end every period counts as calibration. Exact when periods grow with the
        /// instant (every offset the same and no zone with daylight saving), which the caller must check.
        /// </param>
        /// <param name="capacity">Expected customers.</param>
        public DenseFold(SummarizerOptions options, bool endFromData, int capacity)
        {
            _options = options;
            _endPeriod = endFromData ? int.MaxValue : options.PeriodOf(options.ObservationEnd);
            _calibrationEndPeriod = options.CalibrationEnd is { } c ? options.PeriodOf(c) : _endPeriod;
            Accumulators = new Accumulator[Math.Max(capacity, 16)];
        }

        public int Customers { get; private set; }

        public long Transactions => _transactions;

        public long AfterEnd => _afterEnd;

        public long RefundsExcluded => _refundsExcluded;

        internal Accumulator[] Accumulators { get; private set; }

        internal PeriodSlab Slab { get; } = new();

        /// <summary>Whether customer <paramref name="customer"/> has a purchase kept (refunds and after-end rows leave none).</summary>
        public bool Has(int customer) => Accumulators[customer].Count > 0;

        /// <summary>Adds a transaction of customer <paramref name="customer"/>, at most <see cref="Customers"/> (a new one).</summary>
        public void Add(int customer, TKey id, DateTimeOffset timestamp, decimal amount)
        {
            // Numbered even when set aside, so numbers stay gapless; a customer with nothing kept has Count 0 and is skipped.
            ref var accumulator = ref At(customer);
            if (Admit(_options, _endPeriod, ref _transactions, ref _afterEnd, ref _refundsExcluded, id, timestamp, amount, out var period))
            {
                accumulator.Add(Slab, period, timestamp, amount, period <= _calibrationEndPeriod);
            }
        }

        /// <summary>Merges customer <paramref name="theirs"/> of <paramref name="other"/> into customer <paramref name="customer"/> of this fold.</summary>
        public void MergeCustomer(int customer, DenseFold other, int theirs) => At(customer).Merge(Slab, in other.Accumulators[theirs], other.Slab);

        /// <summary>Adds the counts of <paramref name="other"/> (call once per merged fold).</summary>
        public void MergeCounts(DenseFold other)
        {
            _transactions += other._transactions;
            _afterEnd += other._afterEnd;
            _refundsExcluded += other._refundsExcluded;
        }

        private ref Accumulator At(int customer)
        {
            if (customer >= Customers)
            {
                if (customer != Customers)
                {
                    throw new ArgumentOutOfRangeException(nameof(customer), customer, "customers are numbered 0, 1, 2, … without gaps");
                }

                if (customer == Accumulators.Length)
                {
                    var grown = Accumulators;
                    Array.Resize(ref grown, (int)Math.Min(Array.MaxLength, 2L * grown.Length));
                    Accumulators = grown;
                }

                Customers++;
            }

            return ref Accumulators[customer];
        }
    }

    /// <summary>The summary columns being filled, one customer at a time, from accumulators.</summary>
    private sealed class Columns
    {
        private readonly TKey[] _ids;
        private readonly SummarizerOptions _options;
        private readonly int _endPeriod;
        private readonly int _calibrationEndPeriod;
        private readonly double _unitsPerPeriod;
        private readonly double[] _frequency;
        private readonly double[] _recency;
        private readonly double[] _t;
        private readonly double[] _monetary;
        private readonly DateTimeOffset[] _first;
        private readonly DateTimeOffset[] _last;
        private readonly long[] _transactions;
        private readonly decimal[] _spend;
        private readonly double[]? _holdoutFrequency;
        private readonly double[]? _holdoutMonetary;

        public Columns(TKey[] ids, SummarizerOptions options, int endPeriod, int calibrationEndPeriod)
        {
            var n = ids.Length;
            _ids = ids;
            _options = options;
            _endPeriod = endPeriod;
            _calibrationEndPeriod = calibrationEndPeriod;
            _unitsPerPeriod = options.UnitsPerPeriod;
            _frequency = new double[n];
            _recency = new double[n];
            _t = new double[n];
            _monetary = new double[n];
            _first = new DateTimeOffset[n];
            _last = new DateTimeOffset[n];
            _transactions = new long[n];
            _spend = new decimal[n];
            if (options.CalibrationEnd is not null)
            {
                _holdoutFrequency = new double[n];
                _holdoutMonetary = new double[n];
            }
        }

        public void Fill(int i, in Accumulator c, PeriodSlab slab)
        {
            var calPeriods = c.CountUpTo(slab, _calibrationEndPeriod);
            var firstPeriod = c.FirstPeriod;
            var lastPeriod = calPeriods == c.Count ? c.LastPeriod : c.PeriodAt(slab, calPeriods - 1);
            (_frequency[i], _recency[i], _t[i]) = SummarizerOptions.Features(calPeriods, lastPeriod - firstPeriod, firstPeriod, _calibrationEndPeriod, _unitsPerPeriod);
            _monetary[i] = _options.MonetaryValue(c.CalibrationTotal, c.FirstPeriodValue, calPeriods);
            _first[i] = c.FirstTimestamp;
            _last[i] = c.LastCalibrationTimestamp;
            _transactions[i] = c.CalibrationTransactions;
            _spend[i] = c.CalibrationTotal;
            if (_holdoutFrequency is not null)
            {
                var holdoutPeriods = c.Count - calPeriods;
                _holdoutFrequency[i] = holdoutPeriods;
                _holdoutMonetary![i] = SummarizerOptions.HoldoutMonetaryValue(c.HoldoutTotal, holdoutPeriods);
            }
        }

        public SummarySet<TKey> ToSet(SummarizerCounts counts) => new(
            _ids,
            _frequency,
            _recency,
            _t,
            _monetary,
            _first,
            _last,
            _transactions,
            _spend,
            _options.Unit,
            _options.ObservationEnd,
            _options.CalibrationEnd,
            _holdoutFrequency,
            _holdoutMonetary,
            _holdoutFrequency is not null ? (_endPeriod - _calibrationEndPeriod) * _unitsPerPeriod : 0.0,
            counts);
    }
}
