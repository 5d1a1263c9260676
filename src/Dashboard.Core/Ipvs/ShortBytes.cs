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

        if (length >= 32 && length <= 64 && Vector128.IsHardwareAccelerated)
        {
            // The same two overlapping 32-byte compares, as four 128-bit ones (NativeAOT's baseline has no 256-bit vectors).
            var last = (nuint)(length - 32);
            var difference = (Vector128.LoadUnsafe(ref x) ^ Vector128.LoadUnsafe(ref y))
                | (Vector128.LoadUnsafe(ref x, 16) ^ Vector128.LoadUnsafe(ref y, 16))
                | (Vector128.LoadUnsafe(ref x, last) ^ Vector128.LoadUnsafe(ref y, last))
                | (Vector128.LoadUnsafe(ref x, last + 16) ^ Vector128.LoadUnsafe(ref y, last + 16));
            return difference == Vector128<byte>.Zero;
        }

        if (length >= 16 && length < 32 && Vector128.IsHardwareAccelerated)
        {
            var last = (nuint)(length - 16);
            return Vector128.LoadUnsafe(ref x) == Vector128.LoadUnsafe(ref y)
                && Vector128.LoadUnsafe(ref x, last) == Vector128.LoadUnsafe(ref y, last);
        }

        return a.SequenceEqual(b);
    }

    /// <summary>
    /// Multiply hash of 8-byte words, each with its own constant so the multiplies run side by side: what xxHash3
    /// (System.IO.Hashing, not in the shared framework) would do. Keys up to 64 bytes are read without a loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(uint salt, ReadOnlySpan<byte> key)
    {
        var length = key.Length;
        if (length < 16 || length > 64)
        {
            return HashAny(salt, key);
        }

        ref var k = ref MemoryMarshal.GetReference(key);
        var h = ((salt + (ulong)length) * 0x9E3779B97F4A7C15UL)
            ^ (Word(ref k, 0) * 0xC2B2AE3D27D4EB4FUL)
            ^ (Word(ref k, 8) * 0x165667B19E3779F9UL)
            ^ (Word(ref k, length - 16) * 0x85EBCA77C2B2AE63UL)
            ^ (Word(ref k, length - 8) * 0xFF51AFD7ED558CCDUL);
        if (length > 32)
        {
            h ^= (Word(ref k, 16) * 0xC4CEB9FE1A85EC53UL) ^ (Word(ref k, 24) * 0x27D4EB2F165667C5UL);
        }

        if (length > 48)
        {
            h ^= (Word(ref k, 32) * 0x94D049BB133111EBUL) ^ (Word(ref k, 40) * 0xBF58476D1CE4E5B9UL);
        }

        h ^= h >> 29;
        h *= 0x94D049BB133111EBUL;
        return (uint)(h ^ (h >> 32));
    }

    private static uint HashAny(uint salt, ReadOnlySpan<byte> key)
    {
        var h = ((salt + (ulong)key.Length) * 0x9E3779B97F4A7C15UL);
        var i = 0;
        for (; i + 8 <= key.Length; i += 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(key[i..])) * 0xC2B2AE3D27D4EB4FUL;
            h ^= h >> 31;
        }

        for (; i < key.Length; i++)
        {
            h = (h ^ key[i]) * 0x165667B19E3779F9UL;
        }

        h ^= h >> 29;
        h *= 0x94D049BB133111EBUL;
        return (uint)(h ^ (h >> 32));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Word(ref byte key, int offset) => Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref key, offset));
}
