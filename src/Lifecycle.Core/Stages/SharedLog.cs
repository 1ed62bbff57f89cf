namespace Lifecycle.Stages;

/// <summary>
/// An append-only buffer shared by successive immutable states: a state sees the first <c>count</c> items, and
/// appending from the newest state writes in place (O(1)), while appending from an older state copies its prefix.
/// </summary>
/// <remarks>
/// <para>A slot is claimed with a compare-and-swap on the length, so two threads extending the same state never write
/// the same slot: the loser copies. Readers only look below their own count, which was published after the write.</para>
/// <para>Keyed logs (events) keep the hash of every id in a parallel array, so looking an id up scans contiguous
/// ints (vectorized) instead of chasing every earlier event and its id string through memory; histories longer than
/// <see cref="IndexThreshold"/> get a dictionary index (guarded by a lock; only long histories pay for it).</para>
/// </remarks>
internal sealed class SharedLog<T>
{
    internal const int IndexThreshold = 256;

    private T[] _items;
    private int[]? _keys;
    private int _length;
    private Dictionary<string, int>? _ids;

    private SharedLog(int capacity, bool keyed)
    {
        _items = new T[capacity];
        _keys = keyed ? new int[capacity] : null;
    }

    public static SharedLog<T> Append(SharedLog<T>? log, int count, T item, string? id)
    {
        var key = id is null ? 0 : StringComparer.Ordinal.GetHashCode(id);
        if (log is not null && Interlocked.CompareExchange(ref log._length, count + 1, count) == count)
        {
            var items = Volatile.Read(ref log._items);
            var keys = Volatile.Read(ref log._keys);
            if (count == items.Length)
            {
                var grownItems = new T[items.Length * 2];
                Array.Copy(items, grownItems, count);
                grownItems[count] = item;
                if (keys is not null)
                {
                    var grownKeys = new int[grownItems.Length];
                    Array.Copy(keys, grownKeys, count);
                    grownKeys[count] = key;
                    Volatile.Write(ref log._keys, grownKeys);
                }

                Volatile.Write(ref log._items, grownItems);
            }
            else
            {
                items[count] = item;
                if (keys is not null)
                {
                    keys[count] = key;
                }
            }

            if (id is not null && count >= IndexThreshold)
            {
                // Under the lock: either the index exists and gets the id, or its builder (also under the lock) sees the written slot.
                lock (log)
                {
                    log._ids?.TryAdd(id, count);
                }
            }

            return log;
        }

        var fresh = new SharedLog<T>(Math.Max(4, (count + 1) * 2), id is not null);
        if (log is not null && count > 0)
        {
            Array.Copy(Volatile.Read(ref log._items), fresh._items, count);
            if (fresh._keys is not null)
            {
                Array.Copy(Volatile.Read(ref log._keys)!, fresh._keys, count);
            }
        }

        fresh._items[count] = item;
        if (fresh._keys is not null)
        {
            fresh._keys[count] = key;
        }

        fresh._length = count + 1;
        return fresh;
    }

    public static ReadOnlySpan<T> View(SharedLog<T>? log, int count) =>
        log is null ? [] : new ReadOnlySpan<T>(Volatile.Read(ref log._items), 0, count);

    /// <summary>Finds the position of an id among the first <paramref name="count"/> items of a keyed log, or -1.</summary>
    public static int Find(SharedLog<T>? log, int count, string id, Func<T, string> idOf)
    {
        if (log is null || count == 0)
        {
            return -1;
        }

        if (count <= IndexThreshold)
        {
            var key = StringComparer.Ordinal.GetHashCode(id);
            var items = Volatile.Read(ref log._items);
            var keys = new ReadOnlySpan<int>(Volatile.Read(ref log._keys), 0, count);
            while (true)
            {
                var i = keys.LastIndexOf(key);
                if (i < 0)
                {
                    return -1;
                }

                if (string.Equals(idOf(items[i]), id, StringComparison.Ordinal))
                {
                    return i;
                }

                keys = keys[..i];
            }
        }

        lock (log)
        {
            if (log._ids is null)
            {
                var items = Volatile.Read(ref log._items);
                var length = Math.Min(Volatile.Read(ref log._length), items.Length);
                var ids = new Dictionary<string, int>(length * 2, StringComparer.Ordinal);
                for (var i = 0; i < length; i++)
                {
                    // A slot claimed but not yet written is null here; its writer adds it under this lock.
                    if (items[i] is { } item)
                    {
                        ids.TryAdd(idOf(item), i);
                    }
                }

                Volatile.Write(ref log._ids, ids);
            }

            return log._ids.TryGetValue(id, out var pos) && pos < count ? pos : -1;
        }
    }
}
