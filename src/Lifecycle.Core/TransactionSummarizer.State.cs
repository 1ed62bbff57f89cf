using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Lifecycle;

/// <content>The partial state as bytes, so partitions summarised in other processes or machines merge exactly.</content>
public sealed partial class TransactionSummarizer<TKey>
{
    // "LCSS": Lifecycle summarizer state. Version 1 is described in docs/scale.md ("Partial state format").
    private const uint StateMagic = 0x5353434C;
    private const int StateVersion = 1;

    /// <summary>Writes this summarizer's partial state (options, counts, every customer's periods and totals) in the versioned format of docs/scale.md.</summary>
    /// <param name="stream">A writable stream; left open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="TKey"/> is not <see cref="string"/>, <see cref="int"/> or <see cref="long"/>.</exception>
    /// <remarks>Read it back with <see cref="TransactionSummarizer.ReadState{TKey}(Stream)"/> and combine with <see cref="Merge"/>: the merged result equals one pass over all partitions, whatever the split.</remarks>
    public void WriteState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var kind = KeyKind();
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(StateMagic);
        w.Write(StateVersion);
        w.Write(kind);
        WriteOptions(w, Options);
        w.Write(_transactions);
        w.Write(_afterEnd);
        w.Write(_refundsExcluded);
        w.Write(_customers.Count);
        foreach (var (id, c) in _customers)
        {
            WriteKey(w, kind, id);
            w.Write(c.Count);
            var periods = _slab.Data.AsSpan(c.Offset, c.Count);
            var previous = 0;
            foreach (var p in periods)
            {
                // Sorted distinct periods as deltas: small numbers, and a corrupt file shows up as a non-positive delta.
                w.Write7BitEncodedInt(p - previous);
                previous = p;
            }

            w.Write(c.FirstPeriodValue);
            w.Write(c.CalibrationTotal);
            w.Write(c.HoldoutTotal);
            w.Write(c.CalibrationTransactions);
            WriteInstant(w, c.FirstTimestamp);
            WriteInstant(w, c.LastCalibrationTimestamp);
        }
    }

    internal static TransactionSummarizer<TKey> ReadState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var kind = KeyKind();
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (r.ReadUInt32() != StateMagic)
            {
                throw new InvalidDataException("not a Lifecycle summarizer state (the first four bytes are not 'LCSS'); pass a file written by TransactionSummarizer.WriteState.");
            }

            var version = r.ReadInt32();
            if (version != StateVersion)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"summarizer state version {version} is not supported (this library reads version {StateVersion}); write the partitions with the same library version."));
            }

            var fileKind = r.ReadByte();
            if (fileKind != kind)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"the state holds {KindName(fileKind)} customer ids but was read as {typeof(TKey).Name}; read it with the key type it was written with."));
            }

            var s = new TransactionSummarizer<TKey>(ReadOptions(r));
            s._transactions = r.ReadInt64();
            s._afterEnd = r.ReadInt64();
            s._refundsExcluded = r.ReadInt64();
            var customers = r.ReadInt32();
            if (customers < 0)
            {
                throw new InvalidDataException("damaged summarizer state: negative customer count.");
            }

            for (var i = 0; i < customers; i++)
            {
                var id = (TKey)ReadKey(r, kind);
                var count = r.ReadInt32();
                if (count < 1)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"damaged summarizer state: customer '{id}' has {count} periods."));
                }

                ref var c = ref CollectionsMarshal.GetValueRefOrAddDefault(s._customers, id, out var exists);
                if (exists)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"damaged summarizer state: customer '{id}' appears twice."));
                }

                c.Capacity = Math.Max(count, 4);
                c.Offset = s._slab.Allocate(c.Capacity);
                c.Count = count;
                var previous = 0;
                for (var k = 0; k < count; k++)
                {
                    var delta = r.Read7BitEncodedInt();
                    if (k > 0 && delta <= 0)
                    {
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"damaged summarizer state: customer '{id}' periods are not increasing."));
                    }

                    previous += delta;
                    s._slab.Data[c.Offset + k] = previous;
                }

                c.FirstPeriod = s._slab.Data[c.Offset];
                c.LastPeriod = previous;
                c.FirstPeriodValue = r.ReadDecimal();
                c.CalibrationTotal = r.ReadDecimal();
                c.HoldoutTotal = r.ReadDecimal();
                c.CalibrationTransactions = r.ReadInt64();
                c.FirstTimestamp = ReadInstant(r);
                c.LastCalibrationTimestamp = ReadInstant(r);
            }

            return s;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("the summarizer state ends early (truncated file?); write it again with TransactionSummarizer.WriteState.", e);
        }
    }

    private static byte KeyKind() =>
        typeof(TKey) == typeof(string) ? (byte)1
        : typeof(TKey) == typeof(int) ? (byte)2
        : typeof(TKey) == typeof(long) ? (byte)3
        : throw new NotSupportedException($"summarizer state stores string, int or long customer ids, not {typeof(TKey).Name}; map the ids to one of those first.");

    private static string KindName(byte kind) => kind switch { 1 => "string", 2 => "int", 3 => "long", _ => "unknown (" + kind.ToString(CultureInfo.InvariantCulture) + ")" };

    private static void WriteKey(BinaryWriter w, byte kind, TKey id)
    {
        switch (kind)
        {
            case 1: w.Write((string)(object)id); break;
            case 2: w.Write((int)(object)id); break;
            default: w.Write((long)(object)id); break;
        }
    }

    private static object ReadKey(BinaryReader r, byte kind) => kind switch
    {
        1 => r.ReadString(),
        2 => r.ReadInt32(),
        _ => r.ReadInt64(),
    };

    private static void WriteInstant(BinaryWriter w, DateTimeOffset instant)
    {
        w.Write(instant.UtcTicks);
        w.Write((short)instant.TotalOffsetMinutes);
    }

    private static DateTimeOffset ReadInstant(BinaryReader r)
    {
        var ticks = r.ReadInt64();
        var offset = TimeSpan.FromMinutes(r.ReadInt16());
        return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
    }

    private static void WriteOptions(BinaryWriter w, SummarizerOptions o)
    {
        WriteInstant(w, o.ObservationEnd);
        w.Write(o.CalibrationEnd.HasValue);
        WriteInstant(w, o.CalibrationEnd ?? default);
        w.Write(o.Period.Ticks);
        w.Write(o.PeriodOffset.Ticks);
        w.Write((int)o.Unit);
        w.Write(o.IncludeFirstPurchaseInMonetaryValue);
        w.Write((int)o.Refunds);
    }

    private static SummarizerOptions ReadOptions(BinaryReader r)
    {
        var end = ReadInstant(r);
        var hasCalibration = r.ReadBoolean();
        var calibration = ReadInstant(r);
        try
        {
            return new SummarizerOptions(end)
            {
                CalibrationEnd = hasCalibration ? calibration : null,
                Period = TimeSpan.FromTicks(r.ReadInt64()),
                PeriodOffset = TimeSpan.FromTicks(r.ReadInt64()),
                Unit = (TimeUnit)r.ReadInt32(),
                IncludeFirstPurchaseInMonetaryValue = r.ReadBoolean(),
                Refunds = (RefundPolicy)r.ReadInt32(),
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException("damaged summarizer state: its options are out of range (" + e.Message + ").", e);
        }
    }
}

/// <content>Reading partial states.</content>
public static partial class TransactionSummarizer
{
    /// <summary>Reads a partial state written by <see cref="TransactionSummarizer{TKey}.WriteState"/> into a new summarizer with the options it was written with.</summary>
    /// <typeparam name="TKey">The customer id type the state was written with.</typeparam>
    /// <param name="stream">A readable stream positioned at the state; left open.</param>
    /// <returns>The summarizer, ready to merge or build.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="InvalidDataException">The bytes are not a summarizer state, of another version or key type, or damaged; the message says which.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="TKey"/> is not <see cref="string"/>, <see cref="int"/> or <see cref="long"/>.</exception>
    public static TransactionSummarizer<TKey> ReadState<TKey>(Stream stream)
        where TKey : notnull, IEquatable<TKey> => TransactionSummarizer<TKey>.ReadState(stream);
}
