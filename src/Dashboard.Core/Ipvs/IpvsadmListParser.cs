using System.Text;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Reads <c>ipvsadm -L -n</c> in any of its layouts: plain, <c>--stats</c>, <c>--rate</c> (with or without
/// <c>--exact</c>), <c>--thresholds</c>, <c>--persistent-conn</c>, <c>--tun-info</c>. The layout comes from the title
/// line; the banner is optional (a single-service listing has none). Names printed without -n are kept as printed.
/// </summary>
public sealed class IpvsadmListParser
{
    private const string Ends = "line ends before this field";

    // ipvsadm cuts IPv4 service and destination names at 28 characters of address text.
    private const int CutNameLength = 28;

    private static readonly string[] s_statsColumns = ["Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"];
    private static readonly string[] s_rateColumns = ["CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"];

    private readonly CappedDiagnostics _diagnostics = new(100);
    private readonly IpvsServiceTable _table = new();
    private readonly HashSet<string> _reportedWords = new(StringComparer.Ordinal);
    private Layout _layout = Layout.Unknown;
    private IpvsService? _service;
    private long _usable;

    private IpvsadmListParser()
    {
    }

    private enum Layout
    {
        Unknown,
        Default,
        TunnelInfo,
        Stats,
        Rate,
        Thresholds,
        PersistentConn,
    }

    public static ParseOutcome<IpvsServiceTable> Parse(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var parser = new IpvsadmListParser();
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
            if (IpvsBanner.TryRead(line, _table))
            {
                _usable++;
            }
            else
            {
                _diagnostics.Report(number, "version", "damaged banner", line);
            }
        }
        else if (first.SequenceEqual("Prot"u8))
        {
            ReadTitle(rest, number, line);
        }
        else if (first.SequenceEqual("->"u8))
        {
            var afterArrow = rest;
            if (Tokens.Next(ref afterArrow, out var second) && second.SequenceEqual("RemoteAddress:Port"u8))
            {
                if (_layout == Layout.Default && afterArrow.IndexOf("TunnelInfo"u8) >= 0)
                {
                    _layout = Layout.TunnelInfo;
                }

                _usable++;
            }
            else
            {
                ReadDestination(rest, number, line);
            }
        }
        else if (IsServiceProtocol(first))
        {
            ReadService(first, rest, number, line);
        }
        else
        {
            _diagnostics.Report(number, null, "neither a title, a service line nor a '->' destination line", line);
        }
    }

    private static bool IsServiceProtocol(ReadOnlySpan<byte> token) =>
        token.SequenceEqual("TCP"u8) || token.SequenceEqual("UDP"u8) || token.SequenceEqual("SCTP"u8)
        || token.SequenceEqual("FWM"u8) || token.SequenceEqual("?"u8);

    private void ReadTitle(ReadOnlySpan<byte> rest, long number, ReadOnlySpan<byte> line)
    {
        Tokens.Next(ref rest, out _);
        Tokens.Next(ref rest, out var column);
        _layout = column switch
        {
            _ when column.SequenceEqual("Scheduler"u8) => Layout.Default,
            _ when column.SequenceEqual("Conns"u8) => Layout.Stats,
            _ when column.SequenceEqual("CPS"u8) => Layout.Rate,
            _ when column.SequenceEqual("Uthreshold"u8) => Layout.Thresholds,
            _ when column.SequenceEqual("Weight"u8) => Layout.PersistentConn,
            _ => Layout.Unknown,
        };
        if (_layout == Layout.Unknown)
        {
            _diagnostics.Report(number, null, "unknown title line; layout will be guessed from the rows", line, DiagnosticSeverity.Warning);
            return;
        }

        _usable++;
    }

    private void ReadService(ReadOnlySpan<byte> protocol, ReadOnlySpan<byte> rest, long number, ReadOnlySpan<byte> line)
    {
        var service = new IpvsService { Protocol = Encoding.ASCII.GetString(protocol) };
        if (protocol.SequenceEqual("?"u8))
        {
            ReportOnce(number, "Prot", "protocol printed as '?' (unknown to ipvsadm), kept verbatim", protocol);
        }

        if (!Tokens.Next(ref rest, out var address))
        {
            _diagnostics.Report(number, "LocalAddress:Port", Ends, line);
            return;
        }

        if (service.Protocol == "FWM")
        {
            if (!TryMark(address, out var mark))
            {
                _diagnostics.Report(number, "LocalAddress:Port", "firewall mark is not a 32-bit number", address);
                return;
            }

            service.FirewallMark = mark;
            var peek = rest;
            if (Tokens.Next(ref peek, out var family) && family.SequenceEqual("IPv6"u8))
            {
                service.Ipv6 = true;
                rest = peek;
            }
        }
        else
        {
            if (!TryAddress(address, number, "LocalAddress:Port", out var text, out var ipv6))
            {
                return;
            }

            service.Virtual = text;
            service.Ipv6 = ipv6;
        }

        if (_layout == Layout.Unknown)
        {
            GuessLayoutFromService(rest, number);
        }

        bool ok;
        if (_layout is Layout.Stats or Layout.Rate)
        {
            ok = TryStats(ref rest, number, line, out var counters);
            service.Stats = _layout == Layout.Stats ? counters : null;
            service.Rates = _layout == Layout.Rate ? ToRates(counters) : null;
        }
        else
        {
            ok = TryScheduler(ref rest, number, line, service);
        }

        if (!ok || !NothingMore(rest, number))
        {
            return;
        }

        _table.Services.Add(service);
        _service = service;
        _usable++;
    }

    private bool TryScheduler(ref ReadOnlySpan<byte> rest, long number, ReadOnlySpan<byte> line, IpvsService service)
    {
        if (!Tokens.Next(ref rest, out var scheduler))
        {
            _diagnostics.Report(number, "Scheduler", Ends, line);
            return false;
        }

        service.Scheduler = Encoding.UTF8.GetString(scheduler);
        while (Tokens.Next(ref rest, out var word))
        {
            if (word[0] == (byte)'(')
            {
                // print_sched_flags() writes "(flag-1,flag-2)"; gather tokens in case a build puts blanks inside.
                var flags = new StringBuilder(Encoding.UTF8.GetString(word));
                while (flags[^1] != ')' && Tokens.Next(ref rest, out var more))
                {
                    flags.Append(' ').Append(Encoding.UTF8.GetString(more));
                }

                if (flags[^1] != ')')
                {
                    _diagnostics.Report(number, "Flags", "scheduler flags without a closing ')'", word);
                    return false;
                }

                service.SchedulerFlags = flags.ToString(1, flags.Length - 2);
            }
            else if (word.SequenceEqual("persistent"u8))
            {
                if (!Tokens.Next(ref rest, out var seconds) || !Tokens.TryDecimal(seconds, out var timeout) || timeout > uint.MaxValue)
                {
                    _diagnostics.Report(number, "persistent", "timeout is not a number of seconds", seconds);
                    return false;
                }

                service.PersistentSeconds = (long)timeout;
            }
            else if (word.SequenceEqual("mask"u8))
            {
                if (!Tokens.Next(ref rest, out var mask))
                {
                    _diagnostics.Report(number, "mask", Ends, line);
                    return false;
                }

                service.Netmask = Encoding.UTF8.GetString(mask);
            }
            else if (word.SequenceEqual("pe"u8))
            {
                if (!Tokens.Next(ref rest, out var engine))
                {
                    _diagnostics.Report(number, "pe", Ends, line);
                    return false;
                }

                service.PersistenceEngine = Encoding.UTF8.GetString(engine);
            }
            else if (word.SequenceEqual("ops"u8))
            {
                service.OnePacket = true;
            }
            else
            {
                (service.OtherFlags ??= []).Add(Encoding.UTF8.GetString(word));
                ReportOnce(number, "Flags", "unknown service flag, kept verbatim", word);
            }
        }

        return true;
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

        if (!TryAddress(address, number, "RemoteAddress:Port", out var text, out _))
        {
            return;
        }

        if (_layout == Layout.Unknown)
        {
            GuessLayoutFromDestination(rest, number, line);
            if (_layout == Layout.Unknown)
            {
                return;
            }
        }

        var destination = new IpvsDestination { Address = text };
        bool ok;
        if (_layout is Layout.Stats or Layout.Rate)
        {
            ok = TryStats(ref rest, number, line, out var counters);
            destination.Stats = _layout == Layout.Stats ? counters : null;
            destination.Rates = _layout == Layout.Rate ? ToRates(counters) : null;
        }
        else
        {
            ok = _layout switch
            {
                Layout.Thresholds => TryConnectionColumns(ref rest, number, line, destination, "Uthreshold", "Lthreshold"),
                Layout.PersistentConn => TryConnectionColumns(ref rest, number, line, destination, "Weight", "PersistConn"),
                _ => TryForwardColumns(ref rest, number, line, destination),
            };
        }

        if (!ok || !NothingMore(rest, number))
        {
            return;
        }

        _service.Destinations.Add(destination);
        _usable++;
    }

    private bool TryForwardColumns(ref ReadOnlySpan<byte> rest, long number, ReadOnlySpan<byte> line, IpvsDestination destination)
    {
        if (!Tokens.Next(ref rest, out var forward))
        {
            _diagnostics.Report(number, "Forward", Ends, line);
            return false;
        }

        if (!ForwardMethods.IsKnown(forward))
        {
            ReportOnce(number, "Forward", "unknown forwarding method, kept verbatim", forward);
        }

        destination.Forward = Encoding.UTF8.GetString(forward);
        if (_layout == Layout.TunnelInfo)
        {
            if (!Tokens.Next(ref rest, out var tunnel))
            {
                _diagnostics.Report(number, "TunnelInfo", Ends, line);
                return false;
            }

            destination.TunnelInfo = Encoding.UTF8.GetString(tunnel);
        }

        if (!TrySigned(ref rest, number, line, "Weight", out var weight)
            || !TryUnsigned(ref rest, number, line, "ActiveConn", out var active)
            || !TryUnsigned(ref rest, number, line, "InActConn", out var inactive))
        {
            return false;
        }

        destination.Weight = weight;
        destination.ActiveConn = active;
        destination.InActConn = inactive;
        return true;
    }

    /// <summary>--thresholds (Uthreshold Lthreshold) and --persistent-conn (Weight PersistConn), then ActiveConn InActConn.</summary>
    private bool TryConnectionColumns(ref ReadOnlySpan<byte> rest, long number, ReadOnlySpan<byte> line, IpvsDestination destination, string firstColumn, string secondColumn)
    {
        long first;
        if (_layout == Layout.PersistentConn)
        {
            if (!TrySigned(ref rest, number, line, firstColumn, out var weight))
            {
                return false;
            }

            destination.Weight = weight;
            first = weight;
        }
        else if (!TryUnsigned(ref rest, number, line, firstColumn, out first))
        {
            return false;
        }

        if (!TryUnsigned(ref rest, number, line, secondColumn, out var second)
            || !TryUnsigned(ref rest, number, line, "ActiveConn", out var active)
            || !TryUnsigned(ref rest, number, line, "InActConn", out var inactive))
        {
            return false;
        }

        if (_layout == Layout.PersistentConn)
        {
            destination.PersistConn = second;
        }
        else
        {
            destination.UpperThreshold = first;
            destination.LowerThreshold = second;
        }

        destination.ActiveConn = active;
        destination.InActConn = inactive;
        return true;
    }

    /// <summary>Five print_largenum() columns: --stats counters, or --rate rates (read into the same shape).</summary>
    private bool TryStats(ref ReadOnlySpan<byte> rest, long number, ReadOnlySpan<byte> line, out IpvsTrafficCounters counters)
    {
        var columns = _layout == Layout.Rate ? s_rateColumns : s_statsColumns;
        counters = new IpvsTrafficCounters();
        Span<ulong> values = stackalloc ulong[5];
        for (var i = 0; i < values.Length; i++)
        {
            if (!LargeNumber.NextToken(ref rest, out var token))
            {
                _diagnostics.Report(number, columns[i], Ends, line);
                return false;
            }

            if (!LargeNumber.TryRead(token, out values[i], out var truncated))
            {
                _diagnostics.Report(number, columns[i], "not a number (digits, optionally K/M/G/T) below 2^64", token);
                return false;
            }

            counters.Truncated |= truncated;
        }

        counters.Connections = values[0];
        counters.InPackets = values[1];
        counters.OutPackets = values[2];
        counters.InBytes = values[3];
        counters.OutBytes = values[4];
        return true;
    }

    private static IpvsTrafficRates ToRates(IpvsTrafficCounters c) => new()
    {
        ConnectionsPerSecond = c.Connections,
        InPacketsPerSecond = c.InPackets,
        OutPacketsPerSecond = c.OutPackets,
        InBytesPerSecond = c.InBytes,
        OutBytesPerSecond = c.OutBytes,
        Truncated = c.Truncated,
    };

    private bool TryAddress(ReadOnlySpan<byte> token, long number, string field, out string text, out bool ipv6)
    {
        text = "";
        var problem = EndpointText.TryRead(token, out var endpoint);
        ipv6 = endpoint.Kind == EndpointKind.Ipv6 || (token.Length > 0 && token[0] == (byte)'[');
        if (problem == EndpointProblem.MissingPort && token.Length == CutNameLength && token[0] != (byte)'[')
        {
            ReportOnce(number, field, "name cut at 28 characters by ipvsadm, kept as printed", token);
            endpoint = new ParsedEndpoint(EndpointKind.Name, 0, 0, false);
        }
        else if (problem != EndpointProblem.None)
        {
            _diagnostics.Report(number, field, EndpointText.Describe(problem), token);
            return false;
        }

        if (endpoint.Kind == EndpointKind.Name && !_table.NamesNotNumeric)
        {
            _table.NamesNotNumeric = true;
            _diagnostics.Report(number, field, "addresses or ports printed as names (ipvsadm without -n); kept as printed", token, DiagnosticSeverity.Warning);
        }

        text = EndpointText.Format(endpoint, token);
        return true;
    }

    private void GuessLayoutFromService(ReadOnlySpan<byte> rest, long number)
    {
        var next = rest;
        _layout = Tokens.Next(ref next, out var token) && LargeNumber.TryRead(token, out _, out _) ? Layout.Stats : Layout.Default;
        _diagnostics.Report(number, null, _layout == Layout.Stats
            ? "no title line; numbers read as --stats counters (--rate cannot be told apart)"
            : "no title line; read as the plain -L -n layout", DiagnosticSeverity.Warning);
    }

    private void GuessLayoutFromDestination(ReadOnlySpan<byte> rest, long number, ReadOnlySpan<byte> line)
    {
        var count = 0;
        var next = rest;
        Tokens.Next(ref next, out var second);
        var scan = rest;
        while (Tokens.Next(ref scan, out _))
        {
            count++;
        }

        _layout = ForwardMethods.IsKnown(second) ? (count == 5 ? Layout.TunnelInfo : Layout.Default)
            : count == 5 ? Layout.Stats
            : Layout.Unknown;
        if (_layout == Layout.Unknown)
        {
            _diagnostics.Report(number, null, "no title line to tell the columns apart (--thresholds or --persistent-conn?)", line);
            return;
        }

        _diagnostics.Report(number, null, $"no title line; columns read as the {_layout} layout", DiagnosticSeverity.Warning);
    }

    private bool NothingMore(ReadOnlySpan<byte> rest, long number)
    {
        if (!Tokens.Next(ref rest, out var extra))
        {
            return true;
        }

        _diagnostics.Report(number, null, "unexpected text after the last column", extra);
        return false;
    }

    private bool TrySigned(ref ReadOnlySpan<byte> rest, long number, ReadOnlySpan<byte> line, string field, out int value)
    {
        value = 0;
        if (!Tokens.Next(ref rest, out var token))
        {
            _diagnostics.Report(number, field, Ends, line);
            return false;
        }

        if (!IsSigned(token) || !int.TryParse(token, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value))
        {
            _diagnostics.Report(number, field, "not a 32-bit integer", token);
            return false;
        }

        return true;
    }

    private bool TryUnsigned(ref ReadOnlySpan<byte> rest, long number, ReadOnlySpan<byte> line, string field, out long value)
    {
        value = 0;
        if (!Tokens.Next(ref rest, out var token))
        {
            _diagnostics.Report(number, field, Ends, line);
            return false;
        }

        if (!IpAddressText.IsAllDigits(token) || !Tokens.TryDecimal(token, out var parsed) || parsed > uint.MaxValue)
        {
            _diagnostics.Report(number, field, "not an unsigned 32-bit integer", token);
            return false;
        }

        value = (long)parsed;
        return true;
    }

    private static bool IsSigned(ReadOnlySpan<byte> token) =>
        IpAddressText.IsAllDigits(token.Length > 1 && token[0] == (byte)'-' ? token[1..] : token);

    /// <summary>"FWM  %u", or a negative "%d" from ipvsadm builds before 2020 for marks of 2^31 and above.</summary>
    private static bool TryMark(ReadOnlySpan<byte> token, out uint mark)
    {
        mark = 0;
        if (token.Length > 1 && token[0] == (byte)'-')
        {
            if (!IpAddressText.IsAllDigits(token[1..]) || !Tokens.TryDecimal(token[1..], out var magnitude) || magnitude > 1UL << 31)
            {
                return false;
            }

            mark = unchecked((uint)-(long)magnitude);
            return true;
        }

        if (!IpAddressText.IsAllDigits(token) || !Tokens.TryDecimal(token, out var value) || value > uint.MaxValue)
        {
            return false;
        }

        mark = (uint)value;
        return true;
    }

    private void ReportOnce(long number, string field, string problem, ReadOnlySpan<byte> token)
    {
        if (_reportedWords.Count < 1000 && _reportedWords.Add(field + "\n" + Encoding.UTF8.GetString(token)))
        {
            _diagnostics.Report(number, field, problem, token, DiagnosticSeverity.Warning);
        }
    }
}
