using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Finds the whitespace-separated fields of a line 32 bytes at a time: blank bytes (&lt;= 0x20, as
/// <see cref="Tokens.Next"/> defines them) become a bit mask, field edges are its bit transitions.
/// </summary>
internal static class FieldSplitter
{
    /// <summary>
    /// Writes field k's start and end offsets to bounds[2k] and bounds[2k+1]. Returns the number of fields, or
    /// bounds.Length / 2 + 1 as soon as there are more than fit.
    /// </summary>
    public static int Split(ReadOnlySpan<byte> line, Span<int> bounds)
    {
        return Vector256.IsHardwareAccelerated ? SplitVector(line, bounds) : SplitScalar(line, bounds);
    }

    public static int SplitScalar(ReadOnlySpan<byte> line, Span<int> bounds)
    {
        var max = bounds.Length / 2;
        var count = 0;
        var rest = line;
        while (Tokens.Next(ref rest, out var token))
        {
            if (count == max)
            {
                return max + 1;
            }

            var end = line.Length - rest.Length;
            bounds[2 * count] = end - token.Length;
            bounds[(2 * count) + 1] = end;
            count++;
        }

        return count;
    }

    private static int SplitVector(ReadOnlySpan<byte> line, Span<int> bounds)
    {
        if (line.Length < 32)
        {
            // Padded with blanks so that nothing past the line is read.
            Span<byte> padded = stackalloc byte[32];
            padded.Fill((byte)' ');
            line.CopyTo(padded);
            return SplitVector(padded, bounds);
        }

        var max = bounds.Length / 2;
        var starts = 0;
        var ends = 0;
        var carry = 0u;
        ref var first = ref MemoryMarshal.GetReference(line);
        var blankLimit = Vector256.Create((byte)' ');
        for (var offset = 0; offset < line.Length; offset += 32)
        {
            uint blank;
            if (line.Length - offset >= 32)
            {
                blank = Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref first, (nuint)offset), blankLimit).ExtractMostSignificantBits();
            }
            else
            {
                // The last 32 bytes of the line, shifted so bit 0 is this chunk's first byte; bytes past the end count as blank.
                var overlap = 32 - (line.Length - offset);
                blank = Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref first, (nuint)(line.Length - 32)), blankLimit).ExtractMostSignificantBits();
                blank = (blank >> overlap) | (uint.MaxValue << (32 - overlap));
            }

            var nonBlank = ~blank;
            // Fields alternate start, end, start…: all starts of a chunk, then all its ends, land in the right slots.
            var startBits = nonBlank & ((blank << 1) | (carry ^ 1));
            var endBits = blank & ((nonBlank << 1) | carry);
            while (startBits != 0 && starts < max)
            {
                bounds[2 * starts++] = offset + BitOperations.TrailingZeroCount(startBits);
                startBits &= startBits - 1;
            }

            while (endBits != 0 && ends < max)
            {
                bounds[(2 * ends++) + 1] = offset + BitOperations.TrailingZeroCount(endBits);
                endBits &= endBits - 1;
            }

            if (startBits != 0)
            {
                return max + 1;
            }

            carry = nonBlank >> 31;
        }

        if (starts > ends)
        {
            bounds[(2 * ends++) + 1] = line.Length;
        }

        return ends;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> line, ReadOnlySpan<int> bounds, int index) =>
        line[bounds[2 * index]..bounds[(2 * index) + 1]];
}
