using System.Runtime.InteropServices;

namespace Lifecycle;

/// <summary>Folds transactions into per-customer summaries in one pass; partial summarizers merge exactly.</summary>
/// <typeparam name="TKey">The customer identifier type.</typeparam>
/// <remarks>
/// <para>Input order does not matter. Each customer keeps its sorted distinct purchase periods, so memory grows
/// with customers and their purchase periods, never with raw transactions; for time-ordered input each new period is
/// an append. Summarizers built over any partition of the transactions and merged with <see cref="Merge"/> give
/// exactly the result of one pass (merge is associative and commutative).</para>
/// <para>An instance is not thread-safe: give each thread its own and merge them, or call
/// <see cref="TransactionSummarizer.Summarize{TKey}(ReadOnlyMemory{Transaction{TKey}}, SummarizerOptions, int)"/>.</para>
/// </remarks>
public sealed partial class TransactionSummarizer<TKey>
    where TKey : notnull, IEquatable<TKey>
{
    // The per-customer state lives in the dictionary's own entries: one lookup, no second array to miss in cache.
    private readonly Dictionary<TKey, Accumulator> _customers;
    private readonly PeriodSlab _slab = new();
    private readonly int _endPeriod;
    private readonly int _calibrationEndPeriod;
    private long _transactions;
    private long _afterEnd;
    private long _refundsExcluded;

    /// <summary>Creates an empty summarizer.</summary>
    /// <param name="options">The observation window, period rule and unit.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The calibration end is after the observation end.</exception>
    public TransactionSummarizer(SummarizerOptions options)
        : this(options, 0)
    {
    }

    /// <summary>Creates an empty summarizer sized for about <paramref name="expectedCustomers"/> customers.</summary>
    /// <param name="options">The observation window, period rule and unit.</param>
    /// <param name="expectedCustomers">A capacity hint (0 or more).</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The calibration end is after the observation end, or the hint is negative.</exception>
    public TransactionSummarizer(SummarizerOptions options, int expectedCustomers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedCustomers);
        Options = options;
        _endPeriod = options.PeriodOf(options.ObservationEnd);
        _calibrationEndPeriod = options.CalibrationEnd is { } c ? options.PeriodOf(c) : _endPeriod;
        if (_calibrationEndPeriod > _endPeriod)
        {
            ThrowHelper.ArgumentOutOfRange(nameof(options), options.CalibrationEnd, $"(calibration end) must not be after the observation end {options.ObservationEnd:O}", "move the calibration end into the observation window");
        }

        _customers = new Dictionary<TKey, Accumulator>(expectedCustomers);
    }

    /// <summary>Gets the options this summarizer was created with.</summary>
    public SummarizerOptions Options { get; }

    /// <summary>Gets the number of distinct customers seen so far (holdout-only customers included).</summary>
    public int CustomerCount => _customers.Count;

    /// <summary>Gets the counts of transactions seen and set aside so far.</summary>
    public SummarizerCounts Counts => new(_transactions, _afterEnd, _refundsExcluded, HoldoutOnlyCustomers());

    /// <summary>Adds one transaction.</summary>
    /// <param name="transaction">The transaction.</param>
    /// <exception cref="ArgumentException">The customer id is null or empty, or the amount is negative under <see cref="RefundPolicy.Reject"/>.</exception>
    public void Add(in Transaction<TKey> transaction) => Add(transaction.CustomerId, transaction.Timestamp, transaction.Amount);

    /// <summary>Adds transactions.</summary>
    /// <param name="transactions">The transactions, in any order.</param>
    /// <exception cref="ArgumentException">A customer id is null or empty, or an amount is negative under <see cref="RefundPolicy.Reject"/>.</exception>
    public void AddRange(ReadOnlySpan<Transaction<TKey>> transactions)
    {
        foreach (ref readonly var t in transactions)
        {
            Add(t.CustomerId, t.Timestamp, t.Amount);
        }
    }

    /// <summary>Adds one transaction.</summary>
    /// <param name="customerId">The customer; not null, and for strings not empty.</param>
    /// <param name="timestamp">When it happened.</param>
    /// <param name="amount">Its value; negative values follow <see cref="SummarizerOptions.Refunds"/>.</param>
    /// <exception cref="ArgumentException">The customer id is null or empty, or the amount is negative under <see cref="RefundPolicy.Reject"/>.</exception>
    public void Add(TKey customerId, DateTimeOffset timestamp, decimal amount)
    {
        if (customerId is null || (customerId is string s && s.Length == 0))
        {
            ThrowHelper.Argument(nameof(customerId), "customer id is missing (null or empty); every transaction needs the id of its customer.");
        }

        if (Admit(Options, _endPeriod, ref _transactions, ref _afterEnd, ref _refundsExcluded, customerId, timestamp, amount, out var period))
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_customers, customerId, out _).Add(_slab, period, timestamp, amount, period <= _calibrationEndPeriod);
        }
    }

    /// <summary>The rules before a transaction reaches its customer: refunds, and periods after the observation end.</summary>
    private static bool Admit(SummarizerOptions options, int endPeriod, ref long transactions, ref long afterEnd, ref long refundsExcluded, TKey customerId, DateTimeOffset timestamp, decimal amount, out int period)
    {
        transactions++;
        period = 0;
        if (amount < 0)
        {
            if (options.Refunds == RefundPolicy.Reject)
            {
                ThrowHelper.Argument(nameof(amount), FormattableString.Invariant($"amount = {amount} for customer '{customerId}' at {timestamp:O} is negative; refunds are rejected by default. Remove refunds from the input or set SummarizerOptions.Refunds = RefundPolicy.Exclude to leave them out (they are counted)."));
            }

            refundsExcluded++;
            return false;
        }

        period = options.PeriodOf(timestamp);
        if (period > endPeriod)
        {
            afterEnd++;
            return false;
        }

        return true;
    }

    /// <summary>Merges another summarizer's partial state into this one (the other is left unchanged).</summary>
    /// <param name="other">A summarizer with equal options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    /// <exception cref="ArgumentException">The options differ.</exception>
    public void Merge(TransactionSummarizer<TKey> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!Options.Equals(other.Options))
        {
            ThrowHelper.Argument(nameof(other), "cannot merge summarizers with different options; create every partition's summarizer with the same SummarizerOptions.");
        }

        _transactions += other._transactions;
        _afterEnd += other._afterEnd;
        _refundsExcluded += other._refundsExcluded;
        foreach (var (id, theirs) in other._customers)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_customers, id, out _).Merge(_slab, in theirs, other._slab);
        }
    }

    /// <summary>Builds the summaries of every customer with a purchase in the calibration window.</summary>
    /// <returns>The summary set, sorted by customer id when <typeparamref name="TKey"/> is comparable, else in first-seen order.</returns>
    public SummarySet<TKey> Build() => Build(typeof(IComparable<TKey>).IsAssignableFrom(typeof(TKey)) ? Comparer<TKey>.Default : null);

    /// <summary>Builds the summaries of every customer with a purchase in the calibration window, in a chosen order.</summary>
    /// <param name="order">The order of the customers, or <c>null</c> for first-seen order.</param>
    /// <returns>The summary set.</returns>
    public SummarySet<TKey> Build(IComparer<TKey>? order)
    {
        var ids = new List<TKey>(_customers.Count);
        foreach (var (id, c) in _customers)
        {
            if (c.HasCalibration(_calibrationEndPeriod))
            {
                ids.Add(id);
            }
        }

        var idArray = ids.ToArray();
        if (order is not null)
        {
            Array.Sort(idArray, order);
        }

        var columns = new Columns(idArray, Options, _endPeriod, _calibrationEndPeriod);
        for (var i = 0; i < idArray.Length; i++)
        {
            columns.Fill(i, in CollectionsMarshal.GetValueRefOrNullRef(_customers, idArray[i]), _slab);
        }

        return columns.ToSet(Counts);
    }

    private int HoldoutOnlyCustomers()
    {
        var holdoutOnly = 0;
        foreach (var c in _customers.Values)
        {
            if (!c.HasCalibration(_calibrationEndPeriod))
            {
                holdoutOnly++;
            }
        }

        return holdoutOnly;
    }

    /// <summary>
    /// Every customer's sorted period list lives in one growable int array: a million customers cost no million small
    /// arrays for the garbage collector to trace, and a list that outgrows its slot moves to a slot twice as large.
    /// </summary>
    internal sealed class PeriodSlab
    {
        public int[] Data = new int[1024];
        public int Used;

        public int Allocate(int capacity)
        {
            if (Data.Length - Used < capacity)
            {
                Array.Resize(ref Data, (int)Math.Min(Array.MaxLength, Math.Max(2L * Data.Length, (long)Used + capacity)));
            }

            var offset = Used;
            Used += capacity;
            return offset;
        }
    }

    /// <summary>One customer's partial state: its sorted distinct periods (in the slab) and running totals.</summary>
    internal struct Accumulator
    {
        public int Offset;
        public int Capacity;
        public int Count;
        public int FirstPeriod;
        public int LastPeriod;
        public decimal FirstPeriodValue;
        public decimal CalibrationTotal;
        public decimal HoldoutTotal;
        public long CalibrationTransactions;
        public DateTimeOffset FirstTimestamp;
        public DateTimeOffset LastCalibrationTimestamp;

        public readonly bool HasCalibration(int calibrationEnd) => Count > 0 && FirstPeriod <= calibrationEnd;

        public readonly int CountUpTo(PeriodSlab slab, int calibrationEnd)
        {
            if (LastPeriod <= calibrationEnd)
            {
                return Count;
            }

            var k = slab.Data.AsSpan(Offset, Count).BinarySearch(calibrationEnd);
            return k >= 0 ? k + 1 : ~k;
        }

        public readonly int PeriodAt(PeriodSlab slab, int index) => slab.Data[Offset + index];

        public void Add(PeriodSlab slab, int period, DateTimeOffset timestamp, decimal amount, bool calibration)
        {
            if (Count == 0)
            {
                Capacity = 4;
                Offset = slab.Allocate(Capacity);
                slab.Data[Offset] = period;
                Count = 1;
                FirstPeriod = period;
                LastPeriod = period;
                FirstPeriodValue = amount;
                FirstTimestamp = timestamp;
            }
            else if (period == LastPeriod && Count > 1)
            {
                // Same period as the latest purchase (the common case for time-ordered logs): nothing to insert. With
                // mixed offsets an instant can be earlier than the first one and still fall in a later period.
                if (timestamp < FirstTimestamp)
                {
                    FirstTimestamp = timestamp;
                }
            }
            else
            {
                if (period < FirstPeriod)
                {
                    FirstPeriodValue = amount;
                }
                else if (period == FirstPeriod)
                {
                    FirstPeriodValue += amount;
                }

                if (timestamp < FirstTimestamp)
                {
                    FirstTimestamp = timestamp;
                }

                Insert(slab, period);
            }

            if (calibration)
            {
                CalibrationTotal += amount;
                CalibrationTransactions++;
                if (CalibrationTransactions == 1 || timestamp > LastCalibrationTimestamp)
                {
                    LastCalibrationTimestamp = timestamp;
                }
            }
            else
            {
                HoldoutTotal += amount;
            }
        }

        public void Merge(PeriodSlab slab, in Accumulator other, PeriodSlab otherSlab)
        {
            if (other.Count == 0)
            {
                return;
            }

            if (Count == 0)
            {
                this = other;
                Capacity = Math.Max(other.Count, 4);
                Offset = slab.Allocate(Capacity);
                otherSlab.Data.AsSpan(other.Offset, other.Count).CopyTo(slab.Data.AsSpan(Offset));
                return;
            }

            if (other.FirstPeriod < FirstPeriod)
            {
                FirstPeriodValue = other.FirstPeriodValue;
            }
            else if (other.FirstPeriod == FirstPeriod)
            {
                FirstPeriodValue += other.FirstPeriodValue;
            }

            if (other.FirstTimestamp < FirstTimestamp)
            {
                FirstTimestamp = other.FirstTimestamp;
            }

            if (other.CalibrationTransactions > 0 && (CalibrationTransactions == 0 || other.LastCalibrationTimestamp > LastCalibrationTimestamp))
            {
                LastCalibrationTimestamp = other.LastCalibrationTimestamp;
            }

            CalibrationTotal += other.CalibrationTotal;
            HoldoutTotal += other.HoldoutTotal;
            CalibrationTransactions += other.CalibrationTransactions;

            // Union of two sorted distinct lists into a fresh slot (allocate first: it may move the slab).
            var capacity = Count + other.Count;
            var offset = slab.Allocate(capacity);
            ReadOnlySpan<int> a = slab.Data.AsSpan(Offset, Count);
            ReadOnlySpan<int> b = otherSlab.Data.AsSpan(other.Offset, other.Count);
            var merged = slab.Data.AsSpan(offset, capacity);
            int i = 0, j = 0, k = 0;
            while (i < a.Length && j < b.Length)
            {
                var x = a[i];
                var y = b[j];
                if (x < y)
                {
                    merged[k++] = x;
                    i++;
                }
                else if (y < x)
                {
                    merged[k++] = y;
                    j++;
                }
                else
                {
                    merged[k++] = x;
                    i++;
                    j++;
                }
            }

            while (i < a.Length)
            {
                merged[k++] = a[i++];
            }

            while (j < b.Length)
            {
                merged[k++] = b[j++];
            }

            Offset = offset;
            Capacity = capacity;
            Count = k;
            FirstPeriod = merged[0];
            LastPeriod = merged[k - 1];
        }

        private void Insert(PeriodSlab slab, int period)
        {
            if (period > LastPeriod)
            {
                EnsureRoom(slab);
                slab.Data[Offset + Count++] = period;
                LastPeriod = period;
                return;
            }

            if (period == LastPeriod)
            {
                return;
            }

            var k = slab.Data.AsSpan(Offset, Count).BinarySearch(period);
            if (k >= 0)
            {
                return;
            }

            k = ~k;
            EnsureRoom(slab);
            var periods = slab.Data.AsSpan(Offset, Count + 1);
            periods[k..Count].CopyTo(periods[(k + 1)..]);
            periods[k] = period;
            Count++;
            FirstPeriod = periods[0];
        }

        private void EnsureRoom(PeriodSlab slab)
        {
            if (Count < Capacity)
            {
                return;
            }

            var capacity = Capacity * 2;
            var offset = slab.Allocate(capacity);
            slab.Data.AsSpan(Offset, Count).CopyTo(slab.Data.AsSpan(offset));
            Offset = offset;
            Capacity = capacity;
        }
    }
}

/// <summary>One-call summarizing of in-memory transactions, using several cores.</summary>
public static partial class TransactionSummarizer
{
    /// <summary>Summarizes transactions on up to <paramref name="maxDegreeOfParallelism"/> threads.</summary>
    /// <typeparam name="TKey">The customer identifier type.</typeparam>
    /// <param name="transactions">The transactions, in any order.</param>
    /// <param name="options">The observation window, period rule and unit.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use; 0 means one per processor.</param>
    /// <returns>The summaries; identical to a single-threaded pass.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">A transaction is invalid (see <see cref="TransactionSummarizer{TKey}.Add(TKey, DateTimeOffset, decimal)"/>).</exception>
    public static SummarySet<TKey> Summarize<TKey>(ReadOnlyMemory<Transaction<TKey>> transactions, SummarizerOptions options, int maxDegreeOfParallelism = 0)
        where TKey : notnull, IEquatable<TKey> => Summarize(transactions, options, maxDegreeOfParallelism, minimumPerWorker: 50_000);

    internal static SummarySet<TKey> Summarize<TKey>(ReadOnlyMemory<Transaction<TKey>> transactions, SummarizerOptions options, int maxDegreeOfParallelism, int minimumPerWorker)
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDegreeOfParallelism);
        var workers = maxDegreeOfParallelism == 0 ? Environment.ProcessorCount : maxDegreeOfParallelism;

        // Below a few tens of thousands of transactions a thread costs more than it saves.
        workers = Math.Clamp(workers, 1, Math.Max(1, transactions.Length / minimumPerWorker));
        if (transactions.Length < 2 * minimumPerWorker)
        {
            var single = new TransactionSummarizer<TKey>(options);
            single.AddRange(transactions.Span);
            return single.Build();
        }

        return SummarizeByBuckets(transactions, options, workers);
    }

    /// <summary>
    /// Partitioned hash aggregation: each chunk of transactions is scattered by customer hash into
    /// <see cref="Buckets"/> buckets, and each bucket has its own summarizer. A bucket holds 1/256 of the customers,
    /// so its state stays in cache while its transactions stream by; buckets hold disjoint customers, so they run on
    /// several cores and their results are concatenated, never merged. Extra memory is one fixed-size chunk index.
    /// </summary>
    private static SummarySet<TKey> SummarizeByBuckets<TKey>(ReadOnlyMemory<Transaction<TKey>> transactions, SummarizerOptions options, int workers)
        where TKey : notnull, IEquatable<TKey>
    {
        const int chunkSize = 1 << 20;
        var comparer = EqualityComparer<TKey>.Default;
        var parts = new TransactionSummarizer<TKey>[Buckets];
        var bucketOf = new byte[Math.Min(chunkSize, transactions.Length)];
        var order = new int[bucketOf.Length];
        var offsets = new int[Buckets + 1];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = workers };
        for (var start = 0; start < transactions.Length; start += chunkSize)
        {
            var chunk = transactions.Slice(start, Math.Min(chunkSize, transactions.Length - start));
            var span = chunk.Span;
            Array.Clear(offsets);
            for (var i = 0; i < span.Length; i++)
            {
                var id = span[i].CustomerId;
                var b = id is null ? 0 : (int)(((uint)comparer.GetHashCode(id) * 0x9E3779B1u) >> 24);
                bucketOf[i] = (byte)b;
                offsets[b + 1]++;
            }

            for (var b = 0; b < Buckets; b++)
            {
                offsets[b + 1] += offsets[b];
            }

            var next = offsets.AsSpan(0, Buckets).ToArray();
            for (var i = 0; i < span.Length; i++)
            {
                order[next[bucketOf[i]]++] = i;
            }

            try
            {
                Parallel.For(0, Buckets, parallel, b =>
                {
                    var part = parts[b] ??= new TransactionSummarizer<TKey>(options);
                    var rows = chunk.Span;
                    for (var k = offsets[b]; k < offsets[b + 1]; k++)
                    {
                        ref readonly var t = ref rows[order[k]];
                        part.Add(t.CustomerId, t.Timestamp, t.Amount);
                    }
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0 && e.InnerExceptions[0] is ArgumentException)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }

        var built = new List<SummarySet<TKey>>(Buckets);
        long seen = 0, afterEnd = 0, refunds = 0;
        var holdoutOnly = 0;
        foreach (var part in parts)
        {
            if (part is null)
            {
                continue;
            }

            var set = part.Build(null);
            built.Add(set);
            seen += set.Counts.Transactions;
            afterEnd += set.Counts.AfterObservationEnd;
            refunds += set.Counts.RefundsExcluded;
            holdoutOnly += set.Counts.HoldoutOnlyCustomers;
        }

        var idOrder = typeof(IComparable<TKey>).IsAssignableFrom(typeof(TKey)) ? Comparer<TKey>.Default : null;
        return SummarySet<TKey>.Concat(built, idOrder, new SummarizerCounts(seen, afterEnd, refunds, holdoutOnly));
    }

    private const int Buckets = 256;
}
