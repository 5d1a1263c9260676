using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dashboard.Core.Ipvs;

/// <summary>Runs of padding spaces skipped with one vector compare instead of a byte loop.</summary>
internal static class Blanks
{
    /// <summary>The offset of the first byte at or after <paramref name="from"/> that is not a space.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SkipSpaces(ReadOnlySpan<byte> line, int from)
    {
        if (Vector256.IsHardwareAccelerated && from + 32 <= line.Length)
        {
            var spaces = Vector256.Equals(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(line), (nuint)from), Vector256.Create((byte)' ')).ExtractMostSignificantBits();
            if (spaces != uint.MaxValue)
            {
                return from + BitOperations.TrailingZeroCount(~spaces);
            }
        }

        var next = line[from..].IndexOfAnyExcept((byte)' ');
        return next < 0 ? line.Length : from + next;
    }
}
