using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Lifecycle.IO;

/// <summary>
/// Customer ids as UTF-8 bytes, numbered 0, 1, 2, … in first-seen order: the reader's fast path looks each row's id
/// up here without making a string, and a string is made once per customer at the end. Open addressing with linear
/// probing; ids of up to 16 bytes are compared inside the slot (no second memory access), longer ones by a 64-bit hash
/// and then their bytes. Not thread-safe.
/// </summary>
internal sealed class Utf8IdTable
{
    private Slot[] _slots;
    private int _mask;
    private byte[] _bytes;
    private int _used;
    private int[] _start;
    private int[] _length;

    public Utf8IdTable(int capacity = 1024)
    {
        capacity = Math.Max(capacity, 16);
        _bytes = new byte[capacity * 8];
        _start = new int[capacity];
        _length = new int[capacity];
        var size = (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 8) * 2));
        _slots = new Slot[size];
        _mask = size - 1;
    }

    public int Count { get; private set; }

    /// <summary>The bytes of id number <paramref name="id"/>.</summary>
    public ReadOnlySpan<byte> this[int id] => _bytes.AsSpan(_start[id], _length[id]);

    /// <summary>The id as a string (the bytes are valid UTF-8: the reader checked them).</summary>
    public string GetString(int id) => Encoding.UTF8.GetString(this[id]);

    /// <summary>The number of <paramref name="key"/>, numbering it <see cref="Count"/> when it is new.</summary>
    public int GetOrAdd(ReadOnlySpan<byte> key) => GetOrAdd(IdKey.Of(key), key);

    /// <summary>The number of an id whose <see cref="IdKey"/> was made before (by a reader, while the row was at hand).</summary>
    /// <param name="k">The key of <paramref name="key"/>.</param>
    /// <param name="key">The id bytes (only read when longer than 16 bytes).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetOrAdd(in IdKey k, ReadOnlySpan<byte> key)
    {
        var i = (int)k.Hash & _mask;
        while (true)
        {
            ref var s = ref _slots[i];
            if (s.Id == 0)
            {
                return Add(ref s, key, k.A, k.B);
            }

            if (s.A == k.A && s.B == k.B && s.Length == key.Length && (key.Length <= 16 || key.SequenceEqual(this[s.Id - 1])))
            {
                return s.Id - 1;
            }

            i = (i + 1) & _mask;
        }
    }

    private int Add(ref Slot slot, ReadOnlySpan<byte> key, ulong a, ulong b)
    {
        var id = Count++;
        slot = new Slot { A = a, B = b, Length = key.Length, Id = id + 1 };
        if (id == _start.Length)
        {
            Array.Resize(ref _start, _start.Length * 2);
            Array.Resize(ref _length, _length.Length * 2);
        }

        if (_bytes.Length - _used < key.Length)
        {
            Array.Resize(ref _bytes, (int)Math.Min(Array.MaxLength, Math.Max(2L * _bytes.Length, (long)_used + key.Length)));
        }

        key.CopyTo(_bytes.AsSpan(_used));
        _start[id] = _used;
        _length[id] = key.Length;
        _used += key.Length;
        if (Count * 2 > _slots.Length)
        {
            Grow();
        }

        return id;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new Slot[old.Length * 2];
        _mask = _slots.Length - 1;
        foreach (var s in old)
        {
            if (s.Id != 0)
            {
                var i = (int)IdKey.Mix(s.A, s.B, s.Length) & _mask;
                while (_slots[i].Id != 0)
                {
                    i = (i + 1) & _mask;
                }

                _slots[i] = s;
            }
        }
    }

    private struct Slot
    {
        public ulong A;
        public ulong B;
        public int Length;
        public int Id; // number + 1; 0 is an empty slot
    }
}

/// <summary>
/// The lookup key of an id: its bytes zero-padded into two words when it has at most 16 (compared in the slot), else a
/// 64-bit hash of them; and the mixed hash whose low bits pick the slot and whose top byte picks a reader's bucket.
/// </summary>
internal readonly struct IdKey
{
    public readonly ulong A;
    public readonly ulong B;
    public readonly ulong Hash;

    private IdKey(ulong a, ulong b, int length)
    {
        A = a;
        B = b;
        Hash = Mix(a, b, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static IdKey Of(ReadOnlySpan<byte> key)
    {
        if (key.Length <= 16)
        {
            Span<byte> padded = stackalloc byte[16];
            padded.Clear();
            key.CopyTo(padded);
            return new IdKey(BinaryPrimitives.ReadUInt64LittleEndian(padded), BinaryPrimitives.ReadUInt64LittleEndian(padded[8..]), key.Length);
        }

        return new IdKey(LongHash(key), 0, key.Length);
    }

    // Fixed constants (no per-process seed): a table lives for one read and colliding ids only cost time.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong a, ulong b, int length)
    {
        var h = (a * 0x9E3779B97F4A7C15UL) ^ (b * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)length * 0x165667B19E3779F9UL);
        h ^= h >> 31;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 29;
        h *= 0x94D049BB133111EBUL;
        return h ^ (h >> 32);
    }

    private static ulong LongHash(ReadOnlySpan<byte> key)
    {
        var h = 0xCBF29CE484222325UL;
        var i = 0;
        for (; i + 8 <= key.Length; i += 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(key[i..])) * 0x100000001B3UL;
            h = System.Numerics.BitOperations.RotateLeft(h, 27);
        }

        for (; i < key.Length; i++)
        {
            h = (h ^ key[i]) * 0x100000001B3UL;
        }

        return h;
    }
}
