namespace Lifecycle.Metrics;

/// <summary>How the metrics read a record: its customer and its time.</summary>
internal interface IRecordShape<TRecord, TKey>
{
    static abstract TKey KeyOf(in TRecord record);

    static abstract DateTimeOffset TimeOf(in TRecord record);

    /// <summary>Throws when the record breaks a rule of the metrics (named by its position).</summary>
    static abstract void Validate(in TRecord record, int index);

    /// <summary>One customer's revenue per period (records sorted by time) as change points.</summary>
    static abstract void Revenue(ReadOnlySpan<TRecord> records, PeriodCalendar calendar, int first, DateTimeOffset observationEnd, List<(int Period, decimal Value)> scratch, List<(int Period, decimal Value)> changes);
}

internal readonly struct TransactionShape<TKey> : IRecordShape<Transaction<TKey>, TKey>
    where TKey : notnull, IEquatable<TKey>
{
    public static TKey KeyOf(in Transaction<TKey> record) => record.CustomerId;

    public static DateTimeOffset TimeOf(in Transaction<TKey> record) => record.Timestamp;

    public static void Revenue(ReadOnlySpan<Transaction<TKey>> records, PeriodCalendar calendar, int first, DateTimeOffset observationEnd, List<(int Period, decimal Value)> scratch, List<(int Period, decimal Value)> changes) =>
        RevenueSeries.FromTransactions(records, calendar, first, changes);

    public static void Validate(in Transaction<TKey> record, int index)
    {
        if (record.Amount < 0)
        {
            ThrowHelper.Argument("transactions", FormattableString.Invariant($"transaction {index} (customer {record.CustomerId}, {record.Timestamp:O}): amount = {record.Amount} must be zero or positive for revenue metrics; net refunds into the purchases they reverse, or leave them out."));
        }
    }
}

internal readonly struct SubscriptionShape<TKey> : IRecordShape<Subscription<TKey>, TKey>
    where TKey : notnull, IEquatable<TKey>
{
    public static TKey KeyOf(in Subscription<TKey> record) => record.CustomerId;

    public static DateTimeOffset TimeOf(in Subscription<TKey> record) => record.Start;

    public static void Revenue(ReadOnlySpan<Subscription<TKey>> records, PeriodCalendar calendar, int first, DateTimeOffset observationEnd, List<(int Period, decimal Value)> scratch, List<(int Period, decimal Value)> changes) =>
        RevenueSeries.FromSubscriptions(records, calendar, first, observationEnd, scratch, changes);

    public static void Validate(in Subscription<TKey> record, int index)
    {
        // Subscription validates itself except for default-constructed or bypassed values; re-check the rules the metrics rely on.
        if (record.End is { } e && e < record.Start)
        {
            ThrowHelper.Argument("subscriptions", FormattableString.Invariant($"subscription {index} (customer {record.CustomerId}): end {e:O} is before start {record.Start:O}; a subscription cannot end before it starts."));
        }
    }
}

/// <summary>Records already grouped by customer: what the churn and cohort metrics read, one customer at a time.</summary>
internal interface ICustomerRecords<TRecord, TKey>
{
    /// <summary>Gets the number of customers with a record before the observation end.</summary>
    int Count { get; }

    /// <summary>Gets the earliest record time before the observation end.</summary>
    DateTimeOffset MinTime { get; }

    /// <summary>Gets the number of records at or after the observation end (left out).</summary>
    long ExcludedAfterEnd { get; }

    /// <summary>Gets customer <paramref name="customer"/>'s id.</summary>
    TKey KeyOf(int customer);

    /// <summary>Gets customer <paramref name="customer"/>'s records in time order (at least one), possibly in <paramref name="buffer"/>.</summary>
    ReadOnlySpan<TRecord> Records(int customer, ref TRecord[] buffer);
}

/// <summary>A record span seen through its <see cref="CustomerGroups{TKey}"/>.</summary>
internal readonly ref struct GroupedSpan<TRecord, TKey>(ReadOnlySpan<TRecord> records, CustomerGroups<TKey> groups) : ICustomerRecords<TRecord, TKey>
    where TKey : notnull, IEquatable<TKey>
{
    private readonly ReadOnlySpan<TRecord> _records = records;

    public int Count => groups.Count;

    public DateTimeOffset MinTime => groups.MinTime;

    public long ExcludedAfterEnd => groups.ExcludedAfterEnd;

    public TKey KeyOf(int customer) => groups.Keys[customer];

    public ReadOnlySpan<TRecord> Records(int customer, ref TRecord[] buffer) => groups.Records(_records, customer, ref buffer);
}

/// <summary>Records grouped by customer (dense indices, CSR offsets) and sorted by time within each customer, without copying the records.</summary>
internal sealed class CustomerGroups<TKey>
    where TKey : notnull, IEquatable<TKey>
{
    private CustomerGroups(TKey[] keys, int count, int[] offsets, int[] order, long excluded, DateTimeOffset minTime)
    {
        Keys = keys;
        Count = count;
        Offsets = offsets;
        Order = order;
        ExcludedAfterEnd = excluded;
        MinTime = minTime;
    }

    public TKey[] Keys { get; }

    public int Count { get; }

    /// <summary>Customer i owns positions Offsets[i] .. Offsets[i+1]-1 of <see cref="Order"/>.</summary>
    public int[] Offsets { get; }

    /// <summary>Record indices, grouped by customer and sorted by time within each customer.</summary>
    public int[] Order { get; }

    public long ExcludedAfterEnd { get; }

    public DateTimeOffset MinTime { get; }

    public static CustomerGroups<TKey> Build<TRecord, TShape>(ReadOnlySpan<TRecord> records, DateTimeOffset observationEnd, string paramName)
        where TShape : IRecordShape<TRecord, TKey>
    {
        var map = new Dictionary<TKey, int>();
        var customerOf = new int[records.Length];
        var keys = new List<TKey>();
        var counts = new List<int>();
        long excluded = 0;
        var endTicks = observationEnd.UtcTicks;
        var minTicks = long.MaxValue;
        for (var i = 0; i < records.Length; i++)
        {
            ref readonly var r = ref records[i];
            var key = TShape.KeyOf(r);
            if (key is null || (key is string s && s.Length == 0))
            {
                ThrowHelper.Argument(paramName, FormattableString.Invariant($"record {i}: the customer id is null or empty; every record needs a customer id."));
            }

            TShape.Validate(r, i);
            var ticks = TShape.TimeOf(r).UtcTicks;
            if (ticks >= endTicks)
            {
                customerOf[i] = -1;
                excluded++;
                continue;
            }

            minTicks = Math.Min(minTicks, ticks);
            if (!map.TryGetValue(key, out var c))
            {
                c = keys.Count;
                map.Add(key, c);
                keys.Add(key);
                counts.Add(0);
            }

            customerOf[i] = c;
            counts[c]++;
        }

        var n = keys.Count;
        var offsets = new int[n + 1];
        for (var c = 0; c < n; c++)
        {
            offsets[c + 1] = offsets[c] + counts[c];
        }

        var order = new int[offsets[n]];
        var time = new long[offsets[n]];
        var next = new int[n];
        Array.Copy(offsets, next, n);
        for (var i = 0; i < records.Length; i++)
        {
            var c = customerOf[i];
            if (c >= 0)
            {
                var pos = next[c]++;
                order[pos] = i;
                time[pos] = TShape.TimeOf(records[i]).UtcTicks;
            }
        }

        for (var c = 0; c < n; c++)
        {
            var from = offsets[c];
            var length = offsets[c + 1] - from;
            for (var j = from + 1; j < from + length; j++)
            {
                if (time[j] < time[j - 1])
                {
                    Array.Sort(time, order, from, length);
                    break;
                }
            }
        }

        var min = minTicks == long.MaxValue ? observationEnd : new DateTimeOffset(minTicks, TimeSpan.Zero);
        return new CustomerGroups<TKey>([.. keys], n, offsets, order, excluded, min);
    }

    /// <summary>Copies customer <paramref name="customer"/>'s records, in time order, into a reusable buffer.</summary>
    public ReadOnlySpan<TRecord> Records<TRecord>(ReadOnlySpan<TRecord> records, int customer, ref TRecord[] buffer)
    {
        var from = Offsets[customer];
        var length = Offsets[customer + 1] - from;
        if (buffer.Length < length)
        {
            buffer = new TRecord[Math.Max(length, buffer.Length * 2)];
        }

        for (var j = 0; j < length; j++)
        {
            buffer[j] = records[Order[from + j]];
        }

        return buffer.AsSpan(0, length);
    }
}
