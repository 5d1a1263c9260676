using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Checks the "a.b.c.d:port" field that starts at an offset of a line without a branch per character: 32 bytes
/// loaded once turn digits, dots, colon and blanks into bit masks (<see cref="Bytes32"/>); the masks check the shape and the octet ranges, and
/// a five-digit port is compared with "65535" as one big-endian integer. Accepts exactly what
/// <see cref="IpAddressText.TryParseIpv4EndpointPrefix"/> accepts for a field followed by a blank.
/// </summary>
internal static class Ipv4EndpointScanner
{
    private const ulong Max65535 = ((ulong)'6' << 32) | ((ulong)'5' << 24) | ((ulong)'5' << 16) | ((ulong)'3' << 8) | '5';

    /// <summary>
    /// True when a valid IPv4 endpoint starts at <paramref name="start"/> and blanks follow it;
    /// <paramref name="next"/> is where the next field starts (the line's length when there is none).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryCheck(ReadOnlySpan<byte> line, int start, out int length, out bool portIsZero, out int next)
    {
        if (!Vector128.IsHardwareAccelerated || start + 40 > line.Length)
        {
            var parsed = IpAddressText.TryParseIpv4EndpointPrefix(line[start..], out length, out _, out var port);
            portIsZero = port == 0;
            next = start + length;
            while (next < line.Length && line[next] <= (byte)' ')
            {
                next++;
            }

            return parsed && next > start + length;
        }

        var ok = TryCheckVector(ref Unsafe.Add(ref MemoryMarshal.GetReference(line), start), out length, out portIsZero, out var blanks);
        // The next field is usually within the same 32 bytes; a longer run of padding is rare.
        var after = ~blanks & (uint.MaxValue << length);
        next = after != 0 && length < 32 ? start + BitOperations.TrailingZeroCount(after) : SkipBlanks(line, start + length);
        return ok;
    }

    private static int SkipBlanks(ReadOnlySpan<byte> line, int from)
    {
        while (from < line.Length && line[from] <= (byte)' ')
        {
            from++;
        }

        return from;
    }

    // The caller guarantees 40 readable bytes from the field start.
    private static bool TryCheckVector(ref byte field, out int length, out bool portIsZero, out uint blanks)
    {
        var bytes = Bytes32.Load(ref field);
        var digits = bytes.Between((byte)'0', (byte)'9');
        var dots = bytes.Equal((byte)'.');
        var colons = bytes.Equal((byte)':');
        blanks = bytes.AtMost((byte)' ');
        length = BitOperations.TrailingZeroCount(blanks);
        portIsZero = false;
        if (length < 9 || length > 21)
        {
            return false;
        }

        var inField = (1u << length) - 1;
        dots &= inField;
        colons &= inField;
        var separators = dots | colons;
        var colon = BitOperations.TrailingZeroCount(colons);
        var addressDigits = digits & ((1u << colon) - 1);
        var portDigits = length - colon - 1;

        // A three-digit octet is over 255 when it reads 3xx-9xx, 26x-29x or 256-259: checked for all octets at once.
        var threeDigitStarts = addressDigits & (addressDigits >> 1) & (addressDigits >> 2);
        var above2 = bytes.Above((byte)'2');
        var is2 = bytes.Equal((byte)'2');
        var above5 = bytes.Above((byte)'5');
        var is5 = bytes.Equal((byte)'5');
        var octetsOk = (threeDigitStarts & (above2 | (is2 & ((above5 >> 1) | ((is5 >> 1) & (above5 >> 2)))))) == 0;

        // Five port digits read as one big-endian number compare like the numbers they spell.
        var portOk = portDigits < 5 || (BinaryPrimitives.ReadUInt64BigEndian(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref field, colon + 1), 8)) >> 24) <= Max65535;
        var portColumns = inField & ~((2u << colon) - 1);
        portIsZero = (bytes.Equal((byte)'0') & portColumns) == portColumns;
        return ((digits | separators) & inField) == inField
            && BitOperations.PopCount(dots) == 3 && BitOperations.PopCount(colons) == 1
            && (dots >> colon) == 0
            // No separator first, last, or next to another one.
            && (separators & ((separators << 1) | 1u | (1u << (length - 1)))) == 0
            // An octet has at most three digits, a port at most five.
            && (addressDigits & (addressDigits >> 1) & (addressDigits >> 2) & (addressDigits >> 3)) == 0
            && portDigits <= 5
            && octetsOk && portOk;
    }
}
