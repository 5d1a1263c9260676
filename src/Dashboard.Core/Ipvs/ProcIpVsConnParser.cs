using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Reads /proc/net/ip_vs_conn and /proc/net/ip_vs_conn_sync (its Origin column tells synced entries apart): hex IPv4
/// addresses and ports, full-form IPv6, expiry in seconds; counted like <see cref="IpvsadmConnectionParser"/>.
/// </summary>
public static class ProcIpVsConnParser
{
    private const string Ends = "line ends before this field";

    private const int FromIp = 1;
    private const int FromPort = 2;
    private const int ToIp = 3;
    private const int DestPort = 6;
    private const int State = 7;
    private const int AfterState = 8;

    // "%-3s %08X %04X %08X %04X %s %04X %-11s" then Expires, or Origin and Expires, then PE name and data.
    private static readonly string[] s_fieldNames = ["Pro", "FromIP", "FPrt", "ToIP", "TPrt", "DestIP", "DPrt", "State", "Expires"];

    public static ParseOutcome<IpvsConnectionSummary> Parse(Stream input) => Parse(input, IpvsConnectionParseOptions.Default);

    public static ParseOutcome<IpvsConnectionSummary> Parse(Stream input, IpvsConnectionParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var run = ConnectionTableRun.Read(input, options, ConnectionColumns.Proc, ReadLines);

        var summary = run.Table.Build();
        summary.SyncedEntries = run.Synced;
        var all = run.Diagnostics.Complete();
        summary.Warnings = ParseWarnings.From(all);
        return new ParseOutcome<IpvsConnectionSummary>(summary, all, run.Lines, run.Usable);
    }

    /// <summary>Reads every line into <paramref name="run"/>.</summary>
    internal static void ReadLines(LineReader reader, ConnectionTableRun run)
    {
        var table = run.Table;
        var diagnostics = run.Diagnostics;
        var unknownOrigins = new Utf8NameTable(0);
        var tooLong = $"line longer than {reader.MaxLineLength} bytes, skipped";
        Span<int> bounds = stackalloc int[2 * 12];
        long usable = 0;
        var synced = run.Synced;
        while (reader.TryReadLine(out var line))
        {
            var number = reader.LineNumber;
            if (reader.LastLineTooLong)
            {
                diagnostics.Report(number, null, tooLong);
                continue;
            }

            scoped ReadOnlySpan<byte> origin;
            var fields = 0;
            if (TryCountSeen(line, table, out origin))
            {
                usable++;
            }
            else if ((fields = FieldSplitter.Split(line, bounds)) == 0)
            {
                continue;
            }
            else if (FieldSplitter.Field(line, bounds, 0).SequenceEqual("Pro"u8))
            {
                usable++;
                if (line.IndexOf(" Origin "u8) >= 0)
                {
                    synced ??= 0;
                }

                continue;
            }
            else if (TryCheckedRow(line, bounds, fields, number, synced is not null, table, diagnostics, out origin))
            {
                usable++;
            }
            else
            {
                continue;
            }

            if (!origin.IsEmpty)
            {
                synced = (synced ?? 0) + (origin.SequenceEqual("SYNC"u8) ? 1 : 0);
                if (!IsKnownOrigin(origin) && !unknownOrigins.TryFind(origin, out _) && unknownOrigins.Count < table.Options.MaxDistinctNames)
                {
                    unknownOrigins.Add(origin);
                    diagnostics.Report(number, "Origin", "unknown origin, expected LOCAL or SYNC", origin, DiagnosticSeverity.Warning);
                }
            }
        }

        run.Usable += usable;
        run.Synced = synced;
    }

    /// <summary>
    /// The common row counted without splitting or parsing its addresses: the kernel's fixed-width hex columns put the
    /// virtual/destination pair at columns 18-44 and the state at 46, and the pair must have been checked once before.
    /// </summary>
    private static bool TryCountSeen(ReadOnlySpan<byte> line, ConnectionTableAggregator table, out ReadOnlySpan<byte> origin)
    {
        origin = default;
        // "%-3s %08X %04X " ... "%04X %-11s " : blanks at fixed columns, hex digits between them.
        const uint clientColumns = 0b1_1110_1111_1111;
        if (line.Length < 65 || line[3] != (byte)' ' || line[12] != (byte)' ' || line[17] != (byte)' '
            || line[26] != (byte)' ' || line[31] != (byte)' ' || line[40] != (byte)' ' || line[45] != (byte)' ' || line[57] != (byte)' '
            || (HexColumns.HexDigitMask(line, 4) & clientColumns) != clientColumns)
        {
            return false;
        }

        var protocol = KnownConnectionProtocols.FindCommon(line[..3]);
        var state = PaddedStateColumn.Find(line.Slice(46, PaddedStateColumn.Width));
        if (protocol < 0 || state < 0)
        {
            return false;
        }

        // "%7u" Expires, or "%-6s %7u" Origin and Expires in ip_vs_conn_sync; anything else (PE data) goes the checked way.
        var tail = line[58..];
        if (tail.Length > 7 && (tail.StartsWith("LOCAL "u8) || tail.StartsWith("SYNC  "u8)))
        {
            origin = tail[..6].TrimEnd((byte)' ');
            tail = tail[7..];
        }

        var expires = tail.TrimStart((byte)' ');
        var clientPortZero = line.Slice(13, 4).SequenceEqual("0000"u8);
        return IpAddressText.IsAllDigits(expires) && expires.Length <= 10
            && table.TryCountSeen(protocol, state, clientPortZero, line.Slice(18, 27), out var tracker)
            && OfferSource(table, tracker, line.Slice(4, 8));
    }

    // Only SYN_RECV rows need the client's value: parse the hex checked above.
    private static bool OfferSource(ConnectionTableAggregator table, int tracker, ReadOnlySpan<byte> client)
    {
        if (tracker >= 0 && IpAddressText.TryParseHex(client, 8, out var address))
        {
            table.OfferSynRecvSource(tracker, (uint)address);
        }

        return true;
    }

    /// <summary>Any other line: every field checked, each problem reported with its field.</summary>
    private static bool TryCheckedRow(ReadOnlySpan<byte> line, ReadOnlySpan<int> bounds, int fields, long number, bool syncLayout, ConnectionTableAggregator table, CappedDiagnostics diagnostics, out ReadOnlySpan<byte> origin)
    {
        origin = default;
        if (fields <= AfterState)
        {
            diagnostics.Report(number, s_fieldNames[fields], Ends, line);
            return false;
        }

        var row = new ConnectionRow { Protocol = FieldSplitter.Field(line, bounds, 0), State = FieldSplitter.Field(line, bounds, State) };
        if (!TryAddressAndPort(line, bounds, FromIp, number, diagnostics, out row.Client, out row.ClientText)
            || !TryAddressAndPort(line, bounds, ToIp, number, diagnostics, out row.Virtual, out row.VirtualText)
            || !TryAddressAndPort(line, bounds, ToIp + 2, number, diagnostics, out row.Destination, out row.DestinationText))
        {
            return false;
        }

        if (row.State.Length > 32)
        {
            diagnostics.Report(number, "State", "state name longer than 32 bytes", row.State);
            return false;
        }

        // ip_vs_conn_sync puts "%-6s" Origin (LOCAL or SYNC) before Expires.
        var expires = FieldSplitter.Field(line, bounds, AfterState);
        if (!IpAddressText.IsAllDigits(expires) && (syncLayout || IsKnownOrigin(expires)))
        {
            if (fields == AfterState + 1)
            {
                diagnostics.Report(number, "Expires", Ends, line);
                return false;
            }

            origin = expires;
            expires = FieldSplitter.Field(line, bounds, AfterState + 1);
        }

        if (!Tokens.TryDecimal(expires, out _))
        {
            diagnostics.Report(number, "Expires", "not a number of seconds", expires);
            return false;
        }

        // Anything after Expires is " <pename> <pedata>" of a persistence engine, not counted.
        return table.TryAdd(row, number, Pair(line, bounds));
    }

    private static ReadOnlySpan<byte> Pair(ReadOnlySpan<byte> line, ReadOnlySpan<int> bounds) =>
        line[bounds[2 * ToIp]..bounds[(2 * DestPort) + 1]];

    private static bool IsKnownOrigin(ReadOnlySpan<byte> token) => token.SequenceEqual("LOCAL"u8) || token.SequenceEqual("SYNC"u8);

    private static bool TryAddressAndPort(ReadOnlySpan<byte> line, ReadOnlySpan<int> bounds, int index, long number, CappedDiagnostics diagnostics, out ParsedEndpoint endpoint, out ReadOnlySpan<byte> addressText)
    {
        endpoint = default;
        addressText = FieldSplitter.Field(line, bounds, index);
        var portText = FieldSplitter.Field(line, bounds, index + 1);
        if (!IpAddressText.TryParseHex(portText, 4, out var port))
        {
            diagnostics.Report(number, s_fieldNames[index + 1], "not a hex port (%04X)", portText);
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

        diagnostics.Report(number, s_fieldNames[index], "neither 8 hex digits (%08X) nor an IPv6 address (%pI6)", addressText);
        return false;
    }
}
