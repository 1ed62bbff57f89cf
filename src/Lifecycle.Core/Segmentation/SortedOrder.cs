using System.Buffers;

namespace Lifecycle.Segmentation;

/// <summary>Stable ascending order of doubles by LSD radix sort: ties keep input order, so rank-first is deterministic.</summary>
/// <remarks>
/// Doubles map to unsigned keys whose integer order is the numeric order (sign bit flipped for positives, all bits
/// flipped for negatives; −0 is folded into +0 first). Passes whose byte is the same for every key are skipped, which
/// makes integer-valued columns (frequencies, day counts) cost only two or three passes. O(n) time; scratch comes from
/// <see cref="ArrayPool{T}.Shared"/> and must be returned with <see cref="Dispose"/>.
/// </remarks>
internal ref struct SortedOrder
{
    private ulong[]? _keys;
    private int[]? _order;
    private ulong[]? _keysScratch;
    private int[]? _orderScratch;

    public SortedOrder(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        Count = n;
        _keys = ArrayPool<ulong>.Shared.Rent(Math.Max(n, 1));
        _order = ArrayPool<int>.Shared.Rent(Math.Max(n, 1));
        _keysScratch = ArrayPool<ulong>.Shared.Rent(Math.Max(n, 1));
        _orderScratch = ArrayPool<int>.Shared.Rent(Math.Max(n, 1));

        var keys = _keys.AsSpan(0, n);
        var order = _order.AsSpan(0, n);
        for (var i = 0; i < n; i++)
        {
            keys[i] = ToKey(values[i]);
            order[i] = i;
        }

        Span<int> counts = stackalloc int[8 * 256];
        counts.Clear();
        foreach (var key in keys)
        {
            for (var b = 0; b < 8; b++)
            {
                counts[(b << 8) | (int)((key >> (b << 3)) & 0xFF)]++;
            }
        }

        var src = keys;
        var srcOrder = order;
        var dst = _keysScratch.AsSpan(0, n);
        var dstOrder = _orderScratch.AsSpan(0, n);
        for (var b = 0; b < 8; b++)
        {
            var histogram = counts.Slice(b << 8, 256);
            var trivial = false;
            for (var v = 0; v < 256; v++)
            {
                if (histogram[v] == n)
                {
                    trivial = true;
                    break;
                }
            }

            if (trivial || n == 0)
            {
                continue;
            }

            var sum = 0;
            for (var v = 0; v < 256; v++)
            {
                var c = histogram[v];
                histogram[v] = sum;
                sum += c;
            }

            var shift = b << 3;
            for (var i = 0; i < n; i++)
            {
                var key = src[i];
                var slot = histogram[(int)((key >> shift) & 0xFF)]++;
                dst[slot] = key;
                dstOrder[slot] = srcOrder[i];
            }

            var t = src;
            src = dst;
            dst = t;
            var to = srcOrder;
            srcOrder = dstOrder;
            dstOrder = to;
        }

        // After an odd number of passes the result sits in the scratch arrays: swap the array references.
        if (n > 0 && src != _keys.AsSpan(0, n))
        {
            (_keys, _keysScratch) = (_keysScratch, _keys);
            (_order, _orderScratch) = (_orderScratch, _order);
        }
    }

    public int Count { get; }

    /// <summary>Gets the sorted keys (compare for equality, or decode with <see cref="FromKey"/>).</summary>
    public readonly ReadOnlySpan<ulong> Keys => _keys.AsSpan(0, Count);

    /// <summary>Gets the input positions in ascending value order (ties in input order).</summary>
    public readonly ReadOnlySpan<int> Order => _order.AsSpan(0, Count);

    public static ulong ToKey(double value)
    {
        if (value == 0)
        {
            value = 0; // fold −0 into +0
        }

        var bits = (ulong)BitConverter.DoubleToInt64Bits(value);
        return (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
    }

    public static double FromKey(ulong key)
    {
        var bits = (key & 0x8000_0000_0000_0000UL) != 0 ? key & 0x7FFF_FFFF_FFFF_FFFFUL : ~key;
        return BitConverter.Int64BitsToDouble((long)bits);
    }

    public void Dispose()
    {
        if (_keys is not null)
        {
            ArrayPool<ulong>.Shared.Return(_keys);
            ArrayPool<int>.Shared.Return(_order!);
            ArrayPool<ulong>.Shared.Return(_keysScratch!);
            ArrayPool<int>.Shared.Return(_orderScratch!);
            _keys = null;
            _order = null;
            _keysScratch = null;
            _orderScratch = null;
        }
    }
}
