using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dashboard.Core.Ipvs;

/// <summary>Equality and hashing of short byte strings (address pairs, under 64 bytes) without calls or loops.</summary>
internal static class ShortBytes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        var length = a.Length;
        ref var x = ref MemoryMarshal.GetReference(a);
        ref var y = ref MemoryMarshal.GetReference(b);
        if (length >= 32 && length <= 64 && Vector256.IsHardwareAccelerated)
        {
            // Two overlapping 32-byte compares cover any length from 32 to 64.
            var last = (nuint)(length - 32);
            return Vector256.LoadUnsafe(ref x) == Vector256.LoadUnsafe(ref y)
                && Vector256.LoadUnsafe(ref x, last) == Vector256.LoadUnsafe(ref y, last);
        }

        if (length >= 16 && length < 32 && Vector128.IsHardwareAccelerated)
        {
            var last = (nuint)(length - 16);
            return Vector128.LoadUnsafe(ref x) == Vector128.LoadUnsafe(ref y)
                && Vector128.LoadUnsafe(ref x, last) == Vector128.LoadUnsafe(ref y, last);
        }

        return a.SequenceEqual(b);
    }

    /// <summary>Word-at-a-time multiply hash in two independent lanes: what xxHash3 (System.IO.Hashing, not in the shared framework) would do.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(uint salt, ReadOnlySpan<byte> key)
    {
        var even = (salt * 0x9E3779B97F4A7C15UL) ^ (ulong)key.Length;
        var odd = 0x27D4EB2F165667C5UL;
        var i = 0;
        for (; i + 16 <= key.Length; i += 16)
        {
            even = (even ^ BinaryPrimitives.ReadUInt64LittleEndian(key[i..])) * 0xC2B2AE3D27D4EB4FUL;
            odd = (odd ^ BinaryPrimitives.ReadUInt64LittleEndian(key[(i + 8)..])) * 0x165667B19E3779F9UL;
        }

        if (key.Length >= 16)
        {
            // The last 16 bytes, overlapping what was already mixed in.
            even ^= BinaryPrimitives.ReadUInt64LittleEndian(key[^16..]) * 0x85EBCA77C2B2AE63UL;
            odd ^= BinaryPrimitives.ReadUInt64LittleEndian(key[^8..]) * 0xFF51AFD7ED558CCDUL;
        }
        else if (key.Length >= 8)
        {
            even ^= BinaryPrimitives.ReadUInt64LittleEndian(key) * 0x85EBCA77C2B2AE63UL;
            odd ^= BinaryPrimitives.ReadUInt64LittleEndian(key[^8..]) * 0xFF51AFD7ED558CCDUL;
        }
        else
        {
            ulong small = 0;
            for (var j = 0; j < key.Length; j++)
            {
                small |= (ulong)key[j] << (8 * j);
            }

            even ^= small * 0x85EBCA77C2B2AE63UL;
        }

        var h = (even ^ (odd >> 29)) * 0x94D049BB133111EBUL;
        h ^= odd ^ (h >> 31);
        return (uint)(h ^ (h >> 32));
    }
}
