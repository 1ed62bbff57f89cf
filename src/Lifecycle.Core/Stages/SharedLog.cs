namespace Lifecycle.Stages;

/// <summary>
/// An append-only buffer shared by successive immutable states: a state sees the first <c>count</c> items, and
/// appending from the newest state writes in place (O(1)), while appending from an older state copies its prefix.
/// </summary>
/// <remarks>
/// A slot is claimed with a compare-and-swap on the length, so two threads extending the same state never write
/// the same slot: the loser copies. Readers only look below their own count, which was published after the write.
/// For events, an id index is built once a history is longer than <see cref="LinearScanLimit"/> (guarded by a lock,
/// only long histories pay for it).
/// </remarks>
internal sealed class SharedLog<T>
{
    internal const int LinearScanLimit = 32;

    private T[] _items;
    private int _length;
    private Dictionary<string, int>? _ids;

    private SharedLog(int capacity) => _items = new T[capacity];

    public static SharedLog<T> Append(SharedLog<T>? log, int count, T item, Func<T, string>? idOf)
    {
        if (log is not null && Interlocked.CompareExchange(ref log._length, count + 1, count) == count)
        {
            var items = Volatile.Read(ref log._items);
            if (count == items.Length)
            {
                var grown = new T[Math.Max(4, items.Length * 2)];
                Array.Copy(items, grown, count);
                grown[count] = item;
                Volatile.Write(ref log._items, grown);
            }
            else
            {
                items[count] = item;
            }

            if (idOf is not null && count >= LinearScanLimit)
            {
                // Under the lock: either the index exists and gets the id, or its builder (also under the lock) sees the written slot.
                lock (log)
                {
                    log._ids?.TryAdd(idOf(item), count);
                }
            }

            return log;
        }

        var fresh = new SharedLog<T>(Math.Max(4, (count + 1) * 2));
        if (log is not null && count > 0)
        {
            Array.Copy(Volatile.Read(ref log._items), fresh._items, count);
        }

        fresh._items[count] = item;
        fresh._length = count + 1;
        return fresh;
    }

    public static ReadOnlySpan<T> View(SharedLog<T>? log, int count) =>
        log is null ? [] : new ReadOnlySpan<T>(Volatile.Read(ref log._items), 0, count);

    /// <summary>Finds the position of an id among the first <paramref name="count"/> items, or -1.</summary>
    public static int Find(SharedLog<T>? log, int count, string id, Func<T, string> idOf)
    {
        if (log is null)
        {
            return -1;
        }

        if (count <= LinearScanLimit)
        {
            var items = View(log, count);
            for (var i = count - 1; i >= 0; i--)
            {
                if (string.Equals(idOf(items[i]), id, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
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
