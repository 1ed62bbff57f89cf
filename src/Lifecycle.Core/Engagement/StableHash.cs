using System.Text;

namespace Lifecycle.Engagement;

/// <summary>
/// The one stable hash of the engagement layer: 64-bit FNV-1a over the UTF-8 bytes of the parts (each part followed by
/// a 0xFF separator byte, which UTF-8 never produces, so ("ab","c") and ("a","bc") differ), then MurmurHash3's fmix64
/// finalizer so every output bit depends on every input bit (plain FNV-1a mixes its last bytes poorly into the high bits).
/// </summary>
/// <remarks>Unlike <see cref="string.GetHashCode()"/> it is the same in every process, on every machine and in every
/// .NET version, so control groups and decision ids replay identically. Constants: FNV offset basis 14695981039346656037,
/// prime 1099511628211 (Fowler, Noll, Vo); fmix64 multipliers 0xff51afd7ed558ccd and 0xc4ceb9fe1a85ec53 (Appleby).</remarks>
internal static class StableHash
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Hash(params ReadOnlySpan<string> parts)
    {
        var h = OffsetBasis;
        Span<byte> buffer = stackalloc byte[256];
        foreach (var part in parts)
        {
            var count = Encoding.UTF8.GetMaxByteCount(part.Length) <= buffer.Length
                ? Encoding.UTF8.GetBytes(part, buffer)
                : -1;
            var bytes = count >= 0 ? buffer[..count] : Encoding.UTF8.GetBytes(part);
            foreach (var b in bytes)
            {
                h = (h ^ b) * Prime;
            }

            h = (h ^ 0xFF) * Prime;
        }

        return Mix(h);
    }

    /// <summary>Maps a hash to a uniform double in [0, 1) from its top 53 bits.</summary>
    public static double ToUnit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));

    internal static ulong Mix(ulong k)
    {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdUL;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53UL;
        k ^= k >> 33;
        return k;
    }
}
