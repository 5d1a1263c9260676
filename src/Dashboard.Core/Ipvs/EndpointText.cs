using System.Text;

namespace Dashboard.Core.Ipvs;

internal enum EndpointProblem
{
    None,
    MissingPort,
    EmptyAddress,
    BadAddress,
    BadPort,
}

/// <summary>Reads ipvsadm's address:port tokens: a.b.c.d:port, [v6]:port, or names when -n was not given.</summary>
internal static class EndpointText
{
    public static EndpointProblem TryRead(ReadOnlySpan<byte> token, out ParsedEndpoint endpoint)
    {
        endpoint = default;
        ReadOnlySpan<byte> host;
        ReadOnlySpan<byte> portText;
        var bracketed = token.Length > 0 && token[0] == (byte)'[';
        if (bracketed)
        {
            var close = token.LastIndexOf("]:"u8);
            if (close < 0)
            {
                return token[^1] == (byte)']' ? EndpointProblem.MissingPort : EndpointProblem.BadAddress;
            }

            host = token[1..close];
            portText = token[(close + 2)..];
        }
        else
        {
            // Split on the last colon: the port never contains one.
            var colon = token.LastIndexOf((byte)':');
            if (colon < 0)
            {
                return EndpointProblem.MissingPort;
            }

            host = token[..colon];
            portText = token[(colon + 1)..];
        }

        if (host.IsEmpty)
        {
            return EndpointProblem.EmptyAddress;
        }

        if (portText.IsEmpty)
        {
            return EndpointProblem.MissingPort;
        }

        var numericPort = IpAddressText.TryParsePort(portText, out var port);
        if (!numericPort && (IpAddressText.IsAllDigits(portText) || !IsNameText(portText)))
        {
            return EndpointProblem.BadPort;
        }

        if (bracketed ? IpAddressText.TryParseIpv6(host, out var v6) : TryIpv4(host, out v6))
        {
            if (numericPort)
            {
                endpoint = new ParsedEndpoint(bracketed ? EndpointKind.Ipv6 : EndpointKind.Ipv4, v6, port, port == 0);
                return EndpointProblem.None;
            }
        }
        else if (!IsNameText(host) || LooksNumeric(host))
        {
            return EndpointProblem.BadAddress;
        }

        endpoint = new ParsedEndpoint(EndpointKind.Name, 0, numericPort ? port : (ushort)0, portText.SequenceEqual("0"u8));
        return EndpointProblem.None;
    }

    public static string Describe(EndpointProblem problem) => problem switch
    {
        EndpointProblem.MissingPort => "no ':port' after the address",
        EndpointProblem.EmptyAddress => "empty address before ':port'",
        EndpointProblem.BadAddress => "not an IPv4 address, [IPv6] address or host name",
        EndpointProblem.BadPort => "port is neither 0-65535 nor a service name",
        _ => "no problem",
    };

    /// <summary>The text the dashboard shows: numeric endpoints in canonical form (IPv6 compressed), names as printed.</summary>
    public static string Format(in ParsedEndpoint endpoint, ReadOnlySpan<byte> printed) => endpoint.Kind switch
    {
        EndpointKind.Ipv4 => $"{IpAddressText.FormatIpv4((uint)endpoint.Address)}:{endpoint.Port}",
        EndpointKind.Ipv6 => $"[{IpAddressText.FormatIpv6(endpoint.Address)}]:{endpoint.Port}",
        _ => Encoding.UTF8.GetString(printed),
    };

    /// <summary>The address alone, as a client is shown.</summary>
    public static string FormatAddress(EndpointKind kind, UInt128 address) => kind == EndpointKind.Ipv4
        ? IpAddressText.FormatIpv4((uint)address)
        : IpAddressText.FormatIpv6(address);

    /// <summary>The host part of a name endpoint, brackets removed.</summary>
    public static ReadOnlySpan<byte> HostOf(ReadOnlySpan<byte> token)
    {
        var colon = token.LastIndexOf((byte)':');
        var host = colon < 0 ? token : token[..colon];
        return host.Length >= 2 && host[0] == (byte)'[' && host[^1] == (byte)']' ? host[1..^1] : host;
    }

    private static bool TryIpv4(ReadOnlySpan<byte> host, out UInt128 address)
    {
        var ok = IpAddressText.TryParseIpv4(host, out var v4);
        address = v4;
        return ok;
    }

    // Digits and dots only, yet not a valid dotted quad: a damaged address, not a host name.
    private static bool LooksNumeric(ReadOnlySpan<byte> host) => host.IndexOfAnyExcept("0123456789."u8) < 0;

    private static bool IsNameText(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            var ok = (uint)((b | 0x20) - 'a') <= 'z' - 'a' || (uint)(b - '0') <= 9 || b == '-' || b == '.' || b == '_' || b == '+';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
