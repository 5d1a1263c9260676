using System.Buffers.Binary;
using System.Net;

namespace Dashboard.Core.Ipvs;

/// <summary>IPv4 and IPv6 addresses and ports over UTF-8 spans, allocation-free: dotted quads, RFC 4291 text and the kernel's hex.</summary>
internal static class IpAddressText
{
    public static bool TryParseIpv4(ReadOnlySpan<byte> text, out uint address)
    {
        address = 0;
        uint octet = 0;
        var digits = 0;
        var dots = 0;
        foreach (var b in text)
        {
            var digit = (uint)(b - '0');
            if (digit <= 9)
            {
                octet = (octet * 10) + digit;
                if (++digits > 3 || octet > 255)
                {
                    return false;
                }
            }
            else if (b == '.' && digits > 0 && dots < 3)
            {
                address = (address << 8) | octet;
                octet = 0;
                digits = 0;
                dots++;
            }
            else
            {
                return false;
            }
        }

        if (dots != 3 || digits == 0)
        {
            return false;
        }

        address = (address << 8) | octet;
        return true;
    }

    /// <summary>"a.b.c.d:port" in one pass, the common case of every connection row.</summary>
    public static bool TryParseIpv4Endpoint(ReadOnlySpan<byte> text, out uint address, out ushort port) =>
        TryParseIpv4EndpointPrefix(text, out var used, out address, out port) && used == text.Length;

    /// <summary>An "a.b.c.d:port" at the start of <paramref name="text"/>; <paramref name="used"/> is where it ends.</summary>
    public static bool TryParseIpv4EndpointPrefix(ReadOnlySpan<byte> text, out int used, out uint address, out ushort port)
    {
        address = 0;
        port = 0;
        used = 0;
        uint octet = 0;
        var digits = 0;
        var dots = 0;
        var i = 0;
        for (; i < text.Length; i++)
        {
            var b = text[i];
            var digit = (uint)(b - '0');
            if (digit <= 9)
            {
                octet = (octet * 10) + digit;
                if (++digits > 3)
                {
                    return false;
                }
            }
            else if (b == '.' && digits > 0 && dots < 3 && octet <= 255)
            {
                address = (address << 8) | octet;
                octet = 0;
                digits = 0;
                dots++;
            }
            else
            {
                break;
            }
        }

        if (dots != 3 || digits == 0 || octet > 255 || i == text.Length || text[i] != (byte)':')
        {
            return false;
        }

        address = (address << 8) | octet;
        uint value = 0;
        var start = ++i;
        for (; i < text.Length && i - start <= 5; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit > 9)
            {
                break;
            }

            value = (value * 10) + digit;
        }

        if (i == start || i - start > 5 || value > ushort.MaxValue)
        {
            return false;
        }

        port = (ushort)value;
        used = i;
        return true;
    }

    // IPAddress.TryParse would allocate an object per line; this reads the same text into a UInt128.
    public static bool TryParseIpv6(ReadOnlySpan<byte> text, out UInt128 address)
    {
        address = UInt128.Zero;
        Span<ushort> groups = stackalloc ushort[8];
        var count = 0;
        var gap = -1;
        var i = 0;
        if (text.Length >= 2 && text[0] == ':' && text[1] == ':')
        {
            gap = 0;
            i = 2;
        }

        while (i < text.Length)
        {
            var start = i;
            uint value = 0;
            while (i < text.Length && i - start < 5 && TryHexDigit(text[i], out var digit))
            {
                value = (value << 4) | digit;
                i++;
            }

            if (i < text.Length && text[i] == '.')
            {
                if (count > 6 || !TryParseIpv4(text[start..], out var tail))
                {
                    return false;
                }

                groups[count++] = (ushort)(tail >> 16);
                groups[count++] = (ushort)tail;
                i = text.Length;
                break;
            }

            if (i == start || i - start > 4 || count == 8)
            {
                return false;
            }

            groups[count++] = (ushort)value;
            if (i == text.Length)
            {
                break;
            }

            if (text[i] != ':' || ++i == text.Length)
            {
                return false;
            }

            if (text[i] == ':')
            {
                if (gap >= 0)
                {
                    return false;
                }

                gap = count;
                i++;
            }
        }

        if (gap >= 0 ? count > 7 : count != 8)
        {
            return false;
        }

        UInt128 result = 0;
        var missing = 8 - count;
        for (var g = 0; g < count; g++)
        {
            if (g == gap)
            {
                result <<= 16 * missing;
            }

            result = (result << 16) | groups[g];
        }

        if (gap == count)
        {
            result <<= 16 * missing;
        }

        address = result;
        return true;
    }

    /// <summary>Up to <paramref name="maxDigits"/> hex digits, upper or lower case, as the kernel prints with %0NX.</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> text, int maxDigits, out ulong value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > maxDigits)
        {
            return false;
        }

        foreach (var b in text)
        {
            if (!TryHexDigit(b, out var digit))
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    public static bool TryParsePort(ReadOnlySpan<byte> text, out ushort port)
    {
        port = 0;
        if (text.IsEmpty || text.Length > 5)
        {
            return false;
        }

        uint value = 0;
        foreach (var b in text)
        {
            var digit = (uint)(b - '0');
            if (digit > 9)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        if (value > ushort.MaxValue)
        {
            return false;
        }

        port = (ushort)value;
        return true;
    }

    public static bool IsAllDigits(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if ((uint)(b - '0') > 9)
            {
                return false;
            }
        }

        return !text.IsEmpty;
    }

    public static string FormatIpv4(uint address) =>
        $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}";

    /// <summary>RFC 5952 compressed form, as inet_ntop prints it.</summary>
    public static string FormatIpv6(UInt128 address)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, address);
        return new IPAddress(bytes).ToString();
    }

    private static bool TryHexDigit(byte b, out uint digit)
    {
        digit = (uint)(b - '0');
        if (digit <= 9)
        {
            return true;
        }

        digit = (uint)((b | 0x20) - 'a');
        if (digit <= 5)
        {
            digit += 10;
            return true;
        }

        return false;
    }
}
