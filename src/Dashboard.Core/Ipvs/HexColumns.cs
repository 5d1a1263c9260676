using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dashboard.Core.Ipvs;

/// <summary>Which of 16 bytes are hex digits, as a bit mask from one vector compare instead of a branch per byte.</summary>
internal static class HexColumns
{
    /// <summary>Bit i is set when line[start + i] is 0-9, A-F or a-f; the caller guarantees 16 readable bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint HexDigitMask(ReadOnlySpan<byte> line, int start)
    {
        var bytes = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(line), (nuint)start);
        var digit = Vector128.LessThanOrEqual(bytes - Vector128.Create((byte)'0'), Vector128.Create((byte)9));
        var letter = Vector128.LessThanOrEqual((bytes | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a'), Vector128.Create((byte)5));
        return (digit | letter).ExtractMostSignificantBits();
    }
}
