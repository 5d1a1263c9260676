using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dashboard.Core.Parsing;

/// <summary>
/// The offsets of the next newlines of a buffer, found 64 bytes per step: one vector compare gives a bit per byte,
/// and the offsets are written without a branch per line, so a reader hands out a line with one load. Holds a bounded
/// number of offsets; the reader asks for more as it consumes them. Written here: the framework finds one newline per
/// call (IndexOf), not all of them in one pass.
/// </summary>
internal sealed class NewlineIndex
{
    private const int Capacity = 1024;

    // A 64-byte block can add up to 64 offsets past the capacity check.
    private readonly int[] _offsets = new int[Capacity + 64];
    private int _count;
    private int _next;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryPeek(out int offset)
    {
        if (_next < _count)
        {
            offset = _offsets[_next];
            return true;
        }

        offset = 0;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip() => _next++;

    /// <summary>
    /// Forgets what was indexed and indexes the newlines of <paramref name="buffer"/> from <paramref name="from"/> on
    /// until about <see cref="Capacity"/> are found; returns the offset where indexing stopped.
    /// </summary>
    public int Build(ReadOnlySpan<byte> buffer, int from)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        _next = 0;
        var count = 0;
        var offset = from;
        ref var bytes = ref MemoryMarshal.GetReference(buffer);
        ref var offsets = ref MemoryMarshal.GetArrayDataReference(_offsets);
        while (count <= Capacity && buffer.Length - offset >= 64)
        {
            var mask = NewlineMask(ref Unsafe.Add(ref bytes, offset));
            var found = BitOperations.PopCount(mask);

            // Lines are longer than 32 bytes in the tables that matter: two unconditional writes cover a block.
            Unsafe.Add(ref offsets, count) = offset + BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            Unsafe.Add(ref offsets, count + 1) = offset + BitOperations.TrailingZeroCount(mask);
            for (var i = 2; i < found; i++)
            {
                mask &= mask - 1;
                Unsafe.Add(ref offsets, count + i) = offset + BitOperations.TrailingZeroCount(mask);
            }

            count += found;
            offset += 64;
        }

        for (; count < Capacity && offset < buffer.Length; offset++)
        {
            if (buffer[offset] == (byte)'\n')
            {
                _offsets[count++] = offset;
            }
        }

        _count = count;
        return offset;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong NewlineMask(ref byte block)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            return Vector512.Equals(Vector512.LoadUnsafe(ref block), Vector512.Create((byte)'\n')).ExtractMostSignificantBits();
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var newline256 = Vector256.Create((byte)'\n');
            return Vector256.Equals(Vector256.LoadUnsafe(ref block), newline256).ExtractMostSignificantBits()
                | ((ulong)Vector256.Equals(Vector256.LoadUnsafe(ref block, 32), newline256).ExtractMostSignificantBits() << 32);
        }

        var newline = Vector128.Create((byte)'\n');
        return Vector128.Equals(Vector128.LoadUnsafe(ref block), newline).ExtractMostSignificantBits()
            | ((ulong)Vector128.Equals(Vector128.LoadUnsafe(ref block, 16), newline).ExtractMostSignificantBits() << 16)
            | ((ulong)Vector128.Equals(Vector128.LoadUnsafe(ref block, 32), newline).ExtractMostSignificantBits() << 32)
            | ((ulong)Vector128.Equals(Vector128.LoadUnsafe(ref block, 48), newline).ExtractMostSignificantBits() << 48);
    }
}
