using System.Runtime.CompilerServices;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Reads <c>ipvsadm -Lnc</c> (with or without <c>--persistent-conn</c>) into per-state counts per (virtual, real
/// server). Fields are split on whitespace because the printf columns overflow into each other.
/// </summary>
public static class IpvsadmConnectionParser
{
    private const string Ends = "line ends before this field";

    // ipvsadm reads the state into char[16]; anything much longer is not a state.
    private const int MaxStateLength = 32;

    private const int Protocol = 0;
    private const int Expire = 1;
    private const int State = 2;
    private const int Source = 3;
    private const int Virtual = 4;
    private const int Destination = 5;

    public static ParseOutcome<IpvsConnectionSummary> Parse(Stream input) => Parse(input, IpvsConnectionParseOptions.Default);

    public static ParseOutcome<IpvsConnectionSummary> Parse(Stream input, IpvsConnectionParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var run = ConnectionTableRun.Read(input, options, ConnectionColumns.Ipvsadm, ReadLines);

        var summary = run.Table.Build();
        var all = run.Diagnostics.Complete();
        summary.Warnings = ParseWarnings.From(all);
        return new ParseOutcome<IpvsConnectionSummary>(summary, all, run.Lines, run.Usable);
    }

    /// <summary>Reads every line into <paramref name="run"/>.</summary>
    internal static void ReadLines(LineReader reader, ConnectionTableRun run)
    {
        var table = run.Table;
        var diagnostics = run.Diagnostics;
        var tooLong = $"line longer than {reader.MaxLineLength} bytes, skipped";
        Span<int> bounds = stackalloc int[2 * 8];
        long usable = 0;
        while (reader.TryReadLine(out var line))
        {
            if (reader.LastLineTooLong)
            {
                diagnostics.Report(reader.LineNumber, null, tooLong);
                continue;
            }

            if (TryCountSeen(line, table))
            {
                usable++;
                continue;
            }

            var fields = FieldSplitter.Split(line, bounds);
            if (fields > 0 && TryCheckedRow(line, bounds, fields, reader.LineNumber, table, diagnostics))
            {
                usable++;
            }
        }

        run.Usable += usable;
    }

    /// <summary>
    /// The common row counted without splitting or parsing its addresses: print_conn()'s "%-3s %-6s %-11s " padding puts
    /// the source at column 23, and the rest of the line must be a virtual/destination pair already checked once.
    /// </summary>
    private static bool TryCountSeen(ReadOnlySpan<byte> line, ConnectionTableAggregator table)
    {
        if (line.Length < 40 || line[3] != (byte)' ' || line[10] != (byte)' ' || line[22] != (byte)' ')
        {
            return false;
        }

        var protocol = KnownConnectionProtocols.FindCommon(line[..3]);
        var state = PaddedStateColumn.Find(line.Slice(11, PaddedStateColumn.Width));
        if (protocol < 0 || state < 0 || !IsPaddedMinutesSeconds(line.Slice(4, 6))
            || !Ipv4EndpointScanner.TryCheck(line, 23, out var used, out var clientPortZero, out var pairStart))
        {
            return false;
        }

        // The scanner put pairStart on the pair's first byte: only trailing blanks are left to trim.
        var pairEnd = line.Length;
        while (pairEnd > pairStart && line[pairEnd - 1] <= (byte)' ')
        {
            pairEnd--;
        }

        return pairStart < line.Length
            && table.TryCountSeen(protocol, state, clientPortZero, line[pairStart..pairEnd], out var tracker)
            && OfferSource(table, tracker, line.Slice(23, used));
    }

    // Only SYN_RECV rows need the client's value: parse the text checked above.
    private static bool OfferSource(ConnectionTableAggregator table, int tracker, ReadOnlySpan<byte> client)
    {
        if (tracker >= 0 && IpAddressText.TryParseIpv4Endpoint(client, out var address, out _))
        {
            table.OfferSynRecvSource(tracker, address);
        }

        return true;
    }

    /// <summary>"%-6s" of "%02d:%02d": the usual "mm:ss " without a loop; longer forms go the checked way.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsPaddedMinutesSeconds(ReadOnlySpan<byte> column) =>
        ((uint)(column[0] - '0') <= 9) & ((uint)(column[1] - '0') <= 9) & (column[2] == (byte)':')
        & ((uint)(column[3] - '0') <= 5) & ((uint)(column[4] - '0') <= 9) & (column[5] == (byte)' ');

    /// <summary>Any other line: every field checked, titles recognized, each problem reported with its field.</summary>
    private static bool TryCheckedRow(ReadOnlySpan<byte> line, ReadOnlySpan<int> bounds, int fields, long number, ConnectionTableAggregator table, CappedDiagnostics diagnostics)
    {
        var first = FieldSplitter.Field(line, bounds, 0);
        if (fields >= 2 && IsTitle(first, FieldSplitter.Field(line, bounds, 1)))
        {
            return true;
        }

        if (fields < 6)
        {
            var missing = fields switch { 1 => "expire", 2 => "state", 3 => "source", 4 => "virtual", _ => "destination" };
            diagnostics.Report(number, missing, Ends, line);
            return false;
        }

        var expire = FieldSplitter.Field(line, bounds, Expire);
        if (!IsMinutesSeconds(expire))
        {
            diagnostics.Report(number, "expire", "not mm:ss", expire);
            return false;
        }

        var row = new ConnectionRow { Protocol = first, State = FieldSplitter.Field(line, bounds, State) };
        if (row.State.Length > MaxStateLength)
        {
            diagnostics.Report(number, "state", "state name longer than 32 bytes", row.State);
            return false;
        }

        if (!TryEndpoint(line, bounds, Source, "source", number, diagnostics, out row.Client, out row.ClientText)
            || !TryEndpoint(line, bounds, Virtual, "virtual", number, diagnostics, out row.Virtual, out row.VirtualText)
            || !TryEndpoint(line, bounds, Destination, "destination", number, diagnostics, out row.Destination, out row.DestinationText))
        {
            return false;
        }

        // --persistent-conn adds "pe name" and "pe_data" when the entry has them.
        if (fields is not (6 or 8))
        {
            diagnostics.Report(number, null, "more fields than 6, or 8 with --persistent-conn", line);
            return false;
        }

        return table.TryAdd(row, number, Pair(line, bounds));
    }

    private static ReadOnlySpan<byte> Pair(ReadOnlySpan<byte> line, ReadOnlySpan<int> bounds) =>
        line[bounds[2 * Virtual]..bounds[(2 * Destination) + 1]];

    private static bool IsTitle(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) =>
        (first.SequenceEqual("IPVS"u8) && second.SequenceEqual("connection"u8))
        || (first.SequenceEqual("pro"u8) && second.SequenceEqual("expire"u8));

    /// <summary>The "%02d:%02d" of minutes and seconds; minutes are not capped (a day is 1440:00).</summary>
    private static bool IsMinutesSeconds(ReadOnlySpan<byte> text)
    {
        var colon = text.Length - 3;
        if (colon < 2 || text[colon] != (byte)':' || !IpAddressText.IsAllDigits(text[..colon]))
        {
            return false;
        }

        return (uint)(text[^2] - '0') <= 5 && (uint)(text[^1] - '0') <= 9;
    }

    private static bool TryEndpoint(ReadOnlySpan<byte> line, ReadOnlySpan<int> bounds, int index, string field, long number, CappedDiagnostics diagnostics, out ParsedEndpoint endpoint, out ReadOnlySpan<byte> text)
    {
        text = FieldSplitter.Field(line, bounds, index);
        var problem = EndpointText.TryRead(text, out endpoint);
        if (problem == EndpointProblem.None)
        {
            return true;
        }

        diagnostics.Report(number, field, EndpointText.Describe(problem), text);
        return false;
    }
}
