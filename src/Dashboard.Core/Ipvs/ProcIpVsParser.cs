using System.Text;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Reads /proc/net/ip_vs: hex IPv4 addresses, ports and firewall marks, full-form IPv6, and the persistence timeout in
/// jiffies (kept as such: HZ is not known here). Trailing blanks may be present or stripped.
/// </summary>
public sealed class ProcIpVsParser
{
    private const string Ends = "line ends before this field";

    private readonly CappedDiagnostics _diagnostics;
    private readonly IpvsServiceTable _table = new();
    private readonly HashSet<string> _unknownWords = new(StringComparer.Ordinal);
    private IpvsService? _service;
    private long _usable;

    private ProcIpVsParser(int maxDiagnosticsPerKind)
    {
        _diagnostics = new CappedDiagnostics(maxDiagnosticsPerKind);
    }

    public static ParseOutcome<IpvsServiceTable> Parse(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var parser = new ProcIpVsParser(100);
        var lines = TableLines.ForEach(input, parser._diagnostics, parser.ReadLine);

        var all = parser._diagnostics.Complete();
        parser._table.Warnings = ParseWarnings.From(all);
        return new ParseOutcome<IpvsServiceTable>(parser._table, all, lines, parser._usable);
    }

    private void ReadLine(ReadOnlySpan<byte> line, long number)
    {
        var rest = line;
        if (!Tokens.Next(ref rest, out var first))
        {
            return;
        }

        if (IpvsBanner.IsBanner(line))
        {
            if (!IpvsBanner.TryRead(line, _table))
            {
                _diagnostics.Report(number, "version", "damaged banner", line);
                return;
            }

            _usable++;
            return;
        }

        if (first.SequenceEqual("Prot"u8) || (first.SequenceEqual("->"u8) && rest.IndexOf("RemoteAddress:Port"u8) >= 0))
        {
            _usable++;
            return;
        }

        if (first.SequenceEqual("->"u8))
        {
            ReadDestination(rest, number, line);
        }
        else if (first.SequenceEqual("FWM"u8) || IsServiceProtocol(first))
        {
            ReadService(first, rest, number, line);
        }
        else
        {
            _diagnostics.Report(number, null, "neither a service line nor a '->' destination line", line);
        }
    }

    private static bool IsServiceProtocol(ReadOnlySpan<byte> token) =>
        token.SequenceEqual("TCP"u8) || token.SequenceEqual("UDP"u8) || token.SequenceEqual("SCTP"u8)
        || token.SequenceEqual("IP"u8) || KnownConnectionProtocols.IsNumbered(token);

    private void ReadService(ReadOnlySpan<byte> protocol, ReadOnlySpan<byte> rest, long number, ReadOnlySpan<byte> line)
    {
        var service = new IpvsService { Protocol = Encoding.ASCII.GetString(protocol) };
        if (!Tokens.Next(ref rest, out var address))
        {
            _diagnostics.Report(number, "LocalAddress:Port", Ends, line);
            return;
        }

        if (service.Protocol == "FWM")
        {
            if (!IpAddressText.TryParseHex(address, 8, out var mark))
            {
                _diagnostics.Report(number, "LocalAddress:Port", "firewall mark is not hex (%08X)", address);
                return;
            }

            service.FirewallMark = (uint)mark;
        }
        else if (!TryHexEndpoint(address, out var text, out var ipv6))
        {
            _diagnostics.Report(number, "LocalAddress:Port", "neither HEX8:HEX4 nor [IPv6]:HEX4", address);
            return;
        }
        else
        {
            service.Virtual = text;
            service.Ipv6 = ipv6;
        }

        if (!Tokens.Next(ref rest, out var scheduler))
        {
            _diagnostics.Report(number, "Scheduler", Ends, line);
            return;
        }

        service.Scheduler = Encoding.UTF8.GetString(scheduler);
        while (Tokens.Next(ref rest, out var word))
        {
            if (word.SequenceEqual("ops"u8))
            {
                service.OnePacket = true;
            }
            else if (word.SequenceEqual("persistent"u8))
            {
                if (!Tokens.Next(ref rest, out var timeout) || !Tokens.TryDecimal(timeout, out var jiffies) || jiffies > long.MaxValue)
                {
                    _diagnostics.Report(number, "persistent", "timeout is not a number of jiffies", timeout);
                    return;
                }

                if (!Tokens.Next(ref rest, out var mask) || !IpAddressText.TryParseHex(mask, 8, out var netmask))
                {
                    _diagnostics.Report(number, "persistent", "netmask is not hex (%08X)", mask);
                    return;
                }

                service.PersistentJiffies = (long)jiffies;
                // IPv6 services keep a prefix length in that field, which the kernel still passes through ntohl().
                service.Netmask = service.Ipv6 ? Encoding.ASCII.GetString(mask) : IpAddressText.FormatIpv4((uint)netmask);
            }
            else
            {
                KeepUnknownWord(service, word, number);
            }
        }

        _table.Services.Add(service);
        _service = service;
        _usable++;
    }

    private void ReadDestination(ReadOnlySpan<byte> rest, long number, ReadOnlySpan<byte> line)
    {
        if (_service is null)
        {
            _diagnostics.Report(number, null, "destination line before any service", line);
            return;
        }

        if (!Tokens.Next(ref rest, out var address))
        {
            _diagnostics.Report(number, "RemoteAddress:Port", Ends, line);
            return;
        }

        if (!TryHexEndpoint(address, out var text, out _))
        {
            _diagnostics.Report(number, "RemoteAddress:Port", "neither HEX8:HEX4 nor [IPv6]:HEX4", address);
            return;
        }

        if (!Tokens.Next(ref rest, out var forward))
        {
            _diagnostics.Report(number, "Forward", Ends, line);
            return;
        }

        if (!TryInt(ref rest, number, "Weight", line, out var weight)
            || !TryInt(ref rest, number, "ActiveConn", line, out var active)
            || !TryInt(ref rest, number, "InActConn", line, out var inactive))
        {
            return;
        }

        if (Tokens.Next(ref rest, out var extra))
        {
            _diagnostics.Report(number, null, "unexpected text after InActConn", extra);
            return;
        }

        var destination = new IpvsDestination
        {
            Address = text,
            Forward = ForwardMethods.Read(forward, number, "Forward", _diagnostics),
            Weight = (int)weight,
            ActiveConn = active,
            InActConn = inactive,
        };
        _service.Destinations.Add(destination);
        _usable++;
    }

    private bool TryInt(ref ReadOnlySpan<byte> rest, long number, string field, ReadOnlySpan<byte> line, out long value)
    {
        value = 0;
        if (!Tokens.Next(ref rest, out var token))
        {
            _diagnostics.Report(number, field, Ends, line);
            return false;
        }

        // Printed with %d: an atomic_t that can be read negative while it races.
        var negative = token.Length > 1 && token[0] == (byte)'-';
        if (!Tokens.TryDecimal(negative ? token[1..] : token, out var magnitude) || magnitude > int.MaxValue + 1UL)
        {
            _diagnostics.Report(number, field, "not a 32-bit integer", token);
            return false;
        }

        value = negative ? -(long)magnitude : (long)magnitude;
        if (value > int.MaxValue)
        {
            _diagnostics.Report(number, field, "not a 32-bit integer", token);
            return false;
        }

        return true;
    }

    private void KeepUnknownWord(IpvsService service, ReadOnlySpan<byte> word, long number)
    {
        var text = Encoding.UTF8.GetString(word);
        (service.OtherFlags ??= []).Add(text);
        if (_unknownWords.Count < 1000 && _unknownWords.Add(text))
        {
            _diagnostics.Report(number, "Flags", "unknown service flag, kept verbatim", word, DiagnosticSeverity.Warning);
        }
    }

    /// <summary>"C0A80016:0CEA" or "[2620:0000:…:0001]:0050", as the kernel prints them.</summary>
    private static bool TryHexEndpoint(ReadOnlySpan<byte> token, out string text, out bool ipv6)
    {
        text = "";
        ipv6 = token.Length > 0 && token[0] == (byte)'[';
        var colon = token.LastIndexOf((byte)':');
        if (colon < 0 || !IpAddressText.TryParseHex(token[(colon + 1)..], 4, out var port))
        {
            return false;
        }

        var host = token[..colon];
        if (ipv6)
        {
            if (host.Length < 3 || host[^1] != (byte)']' || !IpAddressText.TryParseIpv6(host[1..^1], out var v6))
            {
                return false;
            }

            text = EndpointText.Format(ParsedEndpoint.Ipv6(v6, (ushort)port), default);
            return true;
        }

        if (host.Length != 8 || !IpAddressText.TryParseHex(host, 8, out var v4))
        {
            return false;
        }

        text = EndpointText.Format(ParsedEndpoint.Ipv4((uint)v4, (ushort)port), default);
        return true;
    }
}
