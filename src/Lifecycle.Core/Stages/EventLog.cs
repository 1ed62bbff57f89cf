namespace Lifecycle.Stages;

/// <summary>
/// A customer's applied events in fold order, shared by successive immutable states like <see cref="SharedLog{T}"/>:
/// a state sees the first <c>count</c> events; appending from the newest state writes in place (O(1)), appending from
/// an older one copies its prefix. Adds what the engine needs to find ids and to re-fold late events cheaply.
/// </summary>
/// <remarks>
/// <para><b>Ids.</b> The hash of every id is kept in a parallel int array, so short histories find an id by a
/// vectorized scan. Histories longer than <see cref="IndexThreshold"/> get an id → event index. The index is shared
/// with the copies made from this log (a re-fold copies the prefix before the late event and appends the rest), so a
/// re-fold does not rebuild it: an index hit is confirmed by a binary search for the event's timestamp in this log's
/// prefix, and only when that fails (another lineage added a different event under the same id) is the prefix scanned.</para>
/// <para><b>Checkpoints.</b> Every <see cref="CheckpointInterval"/> events, a state that is a pure fold of its events (no
/// evaluation in its past) stores itself here. A late event then re-folds from the nearest checkpoint at or before its
/// place, so it costs the events after that checkpoint, not the whole history. Only the writer that claimed the slot of
/// the <c>count</c>-th event writes that checkpoint, before the state is returned, so a state with a count at or beyond
/// a checkpoint always sees it.</para>
/// <para>A slot is claimed with a compare-and-swap on the length, so two threads extending the same state never write
/// the same slot: the loser copies. Readers only look below their own count, which was published after the write.</para>
/// </remarks>
internal sealed class EventLog
{
    internal const int IndexThreshold = 256;

    internal const int CheckpointInterval = 32;

    private LifecycleEvent[] _items;
    private int[] _keys;
    private int _length;
    private CustomerState[]? _checkpoints;
    private IdIndex? _index;

    private EventLog(int capacity)
    {
        _items = new LifecycleEvent[capacity];
        _keys = new int[capacity];
    }

    public static int Key(string id) => StringComparer.Ordinal.GetHashCode(id);

    public static ReadOnlySpan<LifecycleEvent> View(EventLog? log, int count) =>
        log is null ? [] : new ReadOnlySpan<LifecycleEvent>(Volatile.Read(ref log._items), 0, count);

    public static ReadOnlySpan<int> Keys(EventLog? log, int count) =>
        log is null ? [] : new ReadOnlySpan<int>(Volatile.Read(ref log._keys), 0, count);

    public static EventLog Append(EventLog? log, int count, LifecycleEvent item, int key)
    {
        if (log is not null && Interlocked.CompareExchange(ref log._length, count + 1, count) == count)
        {
            var items = Volatile.Read(ref log._items);
            var keys = Volatile.Read(ref log._keys);
            if (count == items.Length)
            {
                var grownItems = new LifecycleEvent[items.Length * 2];
                Array.Copy(items, grownItems, count);
                grownItems[count] = item;
                var grownKeys = new int[grownItems.Length];
                Array.Copy(keys, grownKeys, count);
                grownKeys[count] = key;
                Volatile.Write(ref log._keys, grownKeys);
                Volatile.Write(ref log._items, grownItems);
            }
            else
            {
                items[count] = item;
                keys[count] = key;
            }

            if (count >= IndexThreshold)
            {
                // Under the lock: either the index exists and gets the event, or its builder (also under the lock) sees the written slot.
                lock (log)
                {
                    log._index?.Add(item);
                }
            }

            return log;
        }

        var fresh = Branch(log, count, Math.Max(4, (count + 1) * 2));
        fresh._items[count] = item;
        fresh._keys[count] = key;
        fresh._length = count + 1;
        fresh._index?.Add(item);
        return fresh;
    }

    /// <summary>A new log holding the first <paramref name="count"/> events of <paramref name="log"/> (and their checkpoints and index), with room for <paramref name="capacity"/> events.</summary>
    public static EventLog Branch(EventLog? log, int count, int capacity)
    {
        var fresh = new EventLog(Math.Max(capacity, count + 1));
        fresh._length = count;
        if (log is not null && count > 0)
        {
            Array.Copy(Volatile.Read(ref log._items), fresh._items, count);
            Array.Copy(Volatile.Read(ref log._keys), fresh._keys, count);
            if (Volatile.Read(ref log._checkpoints) is { } checkpoints)
            {
                var keep = Math.Min(checkpoints.Length, count / CheckpointInterval);
                if (keep > 0)
                {
                    fresh._checkpoints = new CustomerState[Math.Max(keep, 4)];
                    Array.Copy(checkpoints, fresh._checkpoints, keep);
                }
            }

            // The index is shared: it may hold ids of the source's events beyond this prefix, which Find rejects by position.
            fresh._index = Volatile.Read(ref log._index);
        }

        return fresh;
    }

    /// <summary>Finds an applied event by id among the first <paramref name="count"/> events, or null.</summary>
    public static LifecycleEvent? Find(EventLog? log, int count, string id, int key)
    {
        if (log is null || count == 0)
        {
            return null;
        }

        var items = Volatile.Read(ref log._items);
        if (count <= IndexThreshold)
        {
            return Scan(items, new ReadOnlySpan<int>(Volatile.Read(ref log._keys), 0, count), id, key);
        }

        var index = Volatile.Read(ref log._index) ?? log.BuildIndex();
        var candidate = index.Get(id);
        if (candidate is null)
        {
            return null;
        }

        if (Contains(new ReadOnlySpan<LifecycleEvent>(items, 0, count), candidate))
        {
            return candidate;
        }

        // The shared index names an event this prefix does not hold; a different event with the same id may still be in it.
        return Scan(items, new ReadOnlySpan<int>(Volatile.Read(ref log._keys), 0, count), id, key);
    }

    /// <summary>Gets the checkpoint state after <c>k · CheckpointInterval</c> events for the largest such count not above <paramref name="count"/>, if one was stored.</summary>
    public static bool TryGetCheckpoint(EventLog? log, int count, out CustomerState checkpoint)
    {
        if (log is not null && Volatile.Read(ref log._checkpoints) is { } checkpoints)
        {
            for (var slot = Math.Min(checkpoints.Length, count / CheckpointInterval) - 1; slot >= 0; slot--)
            {
                if (checkpoints[slot].Model is not null)
                {
                    checkpoint = checkpoints[slot];
                    return true;
                }
            }
        }

        checkpoint = default;
        return false;
    }

    /// <summary>Stores <paramref name="state"/> as the checkpoint of its event count (a multiple of <see cref="CheckpointInterval"/>); called by the writer of its last event only.</summary>
    public static void SetCheckpoint(in CustomerState state)
    {
        var log = state.EventLog!;
        var slot = (state.EventCount / CheckpointInterval) - 1;
        var checkpoints = log._checkpoints;
        if (checkpoints is null || slot >= checkpoints.Length)
        {
            var grown = new CustomerState[Math.Max(4, Math.Max(slot + 1, (checkpoints?.Length ?? 0) * 2))];
            checkpoints?.CopyTo(grown, 0);
            checkpoints = grown;
        }

        checkpoints[slot] = state;
        Volatile.Write(ref log._checkpoints, checkpoints);
    }

    /// <summary>The position at which an event at (<paramref name="ticks"/>, <paramref name="id"/>) belongs in a log sorted by timestamp then id (ordinal): after every event that sorts before or equal.</summary>
    public static int InsertionPoint(ReadOnlySpan<LifecycleEvent> sorted, long ticks, string id)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            var e = sorted[mid];
            var c = e.Timestamp.UtcTicks.CompareTo(ticks);
            if (c == 0)
            {
                c = string.CompareOrdinal(e.Id, id);
            }

            if (c <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static LifecycleEvent? Scan(LifecycleEvent[] items, ReadOnlySpan<int> keys, string id, int key)
    {
        while (true)
        {
            var i = keys.LastIndexOf(key);
            if (i < 0)
            {
                return null;
            }

            if (string.Equals(items[i].Id, id, StringComparison.Ordinal))
            {
                return items[i];
            }

            keys = keys[..i];
        }
    }

    /// <summary>Whether the log prefix holds this very event: the events at its timestamp are found by binary search (the log is in timestamp order under either policy).</summary>
    private static bool Contains(ReadOnlySpan<LifecycleEvent> prefix, LifecycleEvent e)
    {
        var ticks = e.Timestamp.UtcTicks;
        int lo = 0, hi = prefix.Length;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (prefix[mid].Timestamp.UtcTicks < ticks)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        for (var i = lo; i < prefix.Length && prefix[i].Timestamp.UtcTicks == ticks; i++)
        {
            if (ReferenceEquals(prefix[i], e))
            {
                return true;
            }
        }

        return false;
    }

    private IdIndex BuildIndex()
    {
        lock (this)
        {
            if (_index is { } existing)
            {
                return existing;
            }

            var items = Volatile.Read(ref _items);
            var length = Math.Min(Volatile.Read(ref _length), items.Length);
            var index = new IdIndex(length * 2);
            for (var i = 0; i < length; i++)
            {
                // A slot claimed but not yet written is null here; its writer adds it once it sees the index.
                if (items[i] is { } item)
                {
                    index.Add(item);
                }
            }

            Volatile.Write(ref _index, index);
            return index;
        }
    }

    /// <summary>Id → first event added under it; shared by a log and the copies made from it, guarded by a lock.</summary>
    private sealed class IdIndex(int capacity)
    {
        private readonly Dictionary<string, LifecycleEvent> _ids = new(capacity, StringComparer.Ordinal);

        public void Add(LifecycleEvent e)
        {
            lock (_ids)
            {
                _ids.TryAdd(e.Id, e);
            }
        }

        public LifecycleEvent? Get(string id)
        {
            lock (_ids)
            {
                return _ids.GetValueOrDefault(id);
            }
        }
    }
}
