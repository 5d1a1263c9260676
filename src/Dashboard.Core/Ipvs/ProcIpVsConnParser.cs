using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Reads /proc/net/ip_vs_conn and /proc/net/ip_vs_conn_sync (its Origin column tells synced entries apart): hex IPv4
/// addresses and ports, full-form IPv6, expiry in seconds; counted like <see cref="IpvsadmConnectionParser"/>.
/// </summary>
public static class ProcIpVsConnParser
{
    private const string Ends = "line ends before this field";

    public static ParseOutcome<IpvsConnectionSummary> Parse(Stream input) => Parse(input, IpvsConnectionParseOptions.Default);

    public static ParseOutcome<IpvsConnectionSummary> Parse(Stream input, IpvsConnectionParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var columns = ConnectionColumns.Proc;
        var diagnostics = new CappedDiagnostics(options.MaxDiagnosticsPerKind);
        var table = new ConnectionTableAggregator(options, diagnostics, columns);
        var unknownOrigins = new Utf8NameTable(0);
        var tooLong = $"line longer than {options.MaxLineLength} bytes, skipped";
        long usable = 0;
        long? synced = null;
        using var reader = new LineReader(input, options.MaxLineLength);
        while (reader.TryReadLine(out var line))
        {
            var number = reader.LineNumber;
            if (reader.LastLineTooLong)
            {
                diagnostics.Report(number, null, tooLong);
                continue;
            }

            var rest = line;
            if (!Tokens.Next(ref rest, out var protocol))
            {
                continue;
            }

            if (protocol.SequenceEqual("Pro"u8))
            {
                usable++;
                if (rest.IndexOf(" Origin "u8) >= 0)
                {
                    synced ??= 0;
                }

                continue;
            }

            var row = new ConnectionRow { Protocol = protocol };
            if (!TryAddressAndPort(ref rest, number, "FromIP", "FPrt", line, diagnostics, out row.Client, out row.ClientText)
                || !TryAddressAndPort(ref rest, number, "ToIP", "TPrt", line, diagnostics, out row.Virtual, out row.VirtualText)
                || !TryAddressAndPort(ref rest, number, "DestIP", "DPrt", line, diagnostics, out row.Destination, out row.DestinationText))
            {
                continue;
            }

            if (!Tokens.Next(ref rest, out row.State))
            {
                diagnostics.Report(number, "State", Ends, line);
                continue;
            }

            if (row.State.Length > 32)
            {
                diagnostics.Report(number, "State", "state name longer than 32 bytes", row.State);
                continue;
            }

            if (!Tokens.Next(ref rest, out var expires))
            {
                diagnostics.Report(number, "Expires", Ends, line);
                continue;
            }

            // ip_vs_conn_sync puts "%-6s" Origin (LOCAL or SYNC) before Expires.
            scoped var origin = ReadOnlySpan<byte>.Empty;
            if (!IpAddressText.IsAllDigits(expires) && (synced is not null || IsKnownOrigin(expires)))
            {
                origin = expires;
                if (!Tokens.Next(ref rest, out expires))
                {
                    diagnostics.Report(number, "Expires", Ends, line);
                    continue;
                }
            }

            if (!Tokens.TryDecimal(expires, out _))
            {
                diagnostics.Report(number, "Expires", "not a number of seconds", expires);
                continue;
            }

            // Anything after Expires is " <pename> <pedata>" of a persistence engine, not counted.
            if (!table.TryAdd(row, number))
            {
                continue;
            }

            usable++;
            if (!origin.IsEmpty)
            {
                synced = (synced ?? 0) + (origin.SequenceEqual("SYNC"u8) ? 1 : 0);
                if (!IsKnownOrigin(origin) && !unknownOrigins.TryFind(origin, out _) && unknownOrigins.Count < options.MaxDistinctNames)
                {
                    unknownOrigins.Add(origin);
                    diagnostics.Report(number, "Origin", "unknown origin, expected LOCAL or SYNC", origin, DiagnosticSeverity.Warning);
                }
            }
        }

        var summary = table.Build();
        summary.SyncedEntries = synced;
        var all = diagnostics.Complete();
        summary.Warnings = ParseWarnings.From(all);
        return new ParseOutcome<IpvsConnectionSummary>(summary, all, reader.LineNumber, usable);
    }

    private static bool IsKnownOrigin(ReadOnlySpan<byte> token) => token.SequenceEqual("LOCAL"u8) || token.SequenceEqual("SYNC"u8);

    private static bool TryAddressAndPort(
        ref ReadOnlySpan<byte> rest,
        long number,
        string addressField,
        string portField,
        ReadOnlySpan<byte> line,
        CappedDiagnostics diagnostics,
        out ParsedEndpoint endpoint,
        out ReadOnlySpan<byte> addressText)
    {
        endpoint = default;
        if (!Tokens.Next(ref rest, out addressText))
        {
            diagnostics.Report(number, addressField, Ends, line);
            return false;
        }

        if (!Tokens.Next(ref rest, out var portText))
        {
            diagnostics.Report(number, portField, Ends, line);
            return false;
        }

        if (!IpAddressText.TryParseHex(portText, 4, out var port))
        {
            diagnostics.Report(number, portField, "not a hex port (%04X)", portText);
            return false;
        }

        if (addressText.Length == 8 && IpAddressText.TryParseHex(addressText, 8, out var v4))
        {
            endpoint = ParsedEndpoint.Ipv4((uint)v4, (ushort)port);
            return true;
        }

        if (addressText.IndexOf((byte)':') >= 0 && IpAddressText.TryParseIpv6(addressText, out var v6))
        {
            endpoint = ParsedEndpoint.Ipv6(v6, (ushort)port);
            return true;
        }

        diagnostics.Report(number, addressField, "neither 8 hex digits (%08X) nor an IPv6 address (%pI6)", addressText);
        return false;
    }
}
