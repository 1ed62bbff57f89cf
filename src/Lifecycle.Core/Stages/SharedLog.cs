namespace Lifecycle.Stages;

/// <summary>
/// An append-only buffer shared by successive immutable states: a state sees the first <c>count</c> items, and
/// appending from the newest state writes in place (O(1)), while appending from an older state copies its prefix.
/// </summary>
/// <remarks>
/// <para>A slot is claimed with a compare-and-swap on the length, so two threads extending the same state never write
/// the same slot: the loser copies. Readers only look below their own count, which was published after the write.
/// The journey uses it; events use <see cref="EventLog"/>, which adds id lookup and checkpoints.</para>
/// </remarks>
internal sealed class SharedLog<T>
{
    private T[] _items;
    private int _length;

    private SharedLog(int capacity)
    {
        _items = new T[capacity];
    }

    public static SharedLog<T> Append(SharedLog<T>? log, int count, T item)
    {
        if (log is not null && Interlocked.CompareExchange(ref log._length, count + 1, count) == count)
        {
            var items = Volatile.Read(ref log._items);
            if (count == items.Length)
            {
                var grown = new T[items.Length * 2];
                Array.Copy(items, grown, count);
                grown[count] = item;
                Volatile.Write(ref log._items, grown);
            }
            else
            {
                items[count] = item;
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
}
