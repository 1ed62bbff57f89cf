using System.Buffers;
using System.Numerics;

namespace Lifecycle.Segmentation;

/// <summary>The values of a column in ascending order, by LSD radix sort of order-preserving 64-bit keys.</summary>
/// <remarks>
/// Doubles map to unsigned keys whose integer order is the numeric order (sign bit flipped for positives, all bits
/// flipped for negatives; −0 is folded into +0 first). Keys are sorted alone, without carrying input positions: every
/// caller needs only order statistics and tie counts, and derives per-customer results in a second pass in input
/// order (which is also what makes ties resolve by input position). Only the range of bits that differs between keys is
/// sorted, in digits of at most 11 bits (six passes at most for arbitrary doubles); a pass whose digit is the same for
/// every key is skipped, so integer-valued columns (frequencies, day counts) cost one or two passes.
/// O(n); scratch from <see cref="ArrayPool{T}.Shared"/>, returned by <see cref="Dispose"/>.
/// </remarks>
internal ref struct SortedKeys
{
    private const int MaxDigitBits = 11;
    private const ulong SignBit = 0x8000_0000_0000_0000UL;

    private ulong[]? _keys;
    private ulong[]? _scratch;

    public SortedKeys(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        Count = n;
        _keys = ArrayPool<ulong>.Shared.Rent(Math.Max(n, 1));
        _scratch = ArrayPool<ulong>.Shared.Rent(Math.Max(n, 1));
        if (n == 0)
        {
            return;
        }

        // Pass 1: keys, and which bits differ between any two keys. Only that bit range needs sorting, so a column of
        // small integers (a handful of exponent and top mantissa bits) takes one or two digit passes instead of six.
        var keys = _keys.AsSpan(0, n);
        var first = ToKey(values[0]);
        ulong differing = 0;
        for (var i = 0; i < n; i++)
        {
            var key = ToKey(values[i]);
            keys[i] = key;
            differing |= key ^ first;
        }

        if (differing == 0)
        {
            return; // all equal: already sorted
        }

        var low = BitOperations.TrailingZeroCount(differing);
        var width = 64 - BitOperations.LeadingZeroCount(differing) - low;
        var passes = (width + MaxDigitBits - 1) / MaxDigitBits;
        var digitBits = (width + passes - 1) / passes;
        var buckets = 1 << digitBits;
        var mask = (ulong)(buckets - 1);

        var histograms = ArrayPool<int>.Shared.Rent(passes * buckets);
        try
        {
            var counts = histograms.AsSpan(0, passes * buckets);
            counts.Clear();
            foreach (var key in keys)
            {
                var shifted = key >> low;
                for (var d = 0; d < passes; d++)
                {
                    counts[(d * buckets) + (int)(shifted & mask)]++;
                    shifted >>= digitBits;
                }
            }

            var src = keys;
            var dst = _scratch.AsSpan(0, n);
            var inScratch = false;
            for (var d = 0; d < passes; d++)
            {
                var histogram = counts.Slice(d * buckets, buckets);
                if (histogram.Contains(n))
                {
                    continue; // every key has the same digit here
                }

                var sum = 0;
                for (var v = 0; v < buckets; v++)
                {
                    var c = histogram[v];
                    histogram[v] = sum;
                    sum += c;
                }

                var shift = low + (d * digitBits);
                for (var i = 0; i < n; i++)
                {
                    var key = src[i];
                    dst[histogram[(int)((key >> shift) & mask)]++] = key;
                }

                var t = src;
                src = dst;
                dst = t;
                inScratch = !inScratch;
            }

            if (inScratch)
            {
                (_keys, _scratch) = (_scratch, _keys);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(histograms);
        }
    }

    public int Count { get; }

    /// <summary>Gets the sorted keys (equal keys = equal values; decode with <see cref="Value"/>).</summary>
    public readonly ReadOnlySpan<ulong> Keys => _keys.AsSpan(0, Count);

    /// <summary>Gets the value at a sorted position.</summary>
    public readonly double Value(int position) => FromKey(_keys![position]);

    public static ulong ToKey(double value)
    {
        var bits = (ulong)BitConverter.DoubleToInt64Bits(value == 0 ? 0.0 : value); // fold −0 into +0
        return (bits & SignBit) != 0 ? ~bits : bits | SignBit;
    }

    public static double FromKey(ulong key) =>
        BitConverter.Int64BitsToDouble((long)((key & SignBit) != 0 ? key & ~SignBit : ~key));

    /// <summary>The number of keys strictly below the key at <paramref name="position"/> (the first position of its tie group).</summary>
    public readonly int FirstOfGroup(int position)
    {
        var keys = Keys;
        var key = keys[position];
        int lo = 0, hi = position;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (keys[mid] < key)
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

    public void Dispose()
    {
        if (_keys is not null)
        {
            ArrayPool<ulong>.Shared.Return(_keys);
            ArrayPool<ulong>.Shared.Return(_scratch!);
            _keys = null;
            _scratch = null;
        }
    }
}
