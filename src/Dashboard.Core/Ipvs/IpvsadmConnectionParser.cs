using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Reads <c>ipvsadm -Lnc</c> (with or without <c>--persistent-conn</c>) into per-state counts per (virtual, real
/// server). Fields are split on whitespace because the printf columns overflow into each other.
/// </summary>
public static class IpvsadmConnectionParser
{
    public static ParseOutcome<IpvsConnectionSummary> Parse(Stream input) => Parse(input, IpvsConnectionParseOptions.Default);

    public static ParseOutcome<IpvsConnectionSummary> Parse(Stream input, IpvsConnectionParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var columns = ConnectionColumns.Ipvsadm;
        var diagnostics = new CappedDiagnostics(options.MaxDiagnosticsPerKind);
        var table = new ConnectionTableAggregator(options, diagnostics, columns);
        var tooLong = $"line longer than {options.MaxLineLength} bytes, skipped";
        long usable = 0;
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

            if (IsTitle(protocol, rest))
            {
                usable++;
                continue;
            }

            var row = new ConnectionRow { Protocol = protocol };
            if (!Tokens.Next(ref rest, out var expire))
            {
                diagnostics.Report(number, "expire", "line ends before this field", line);
                continue;
            }

            if (!IsMinutesSeconds(expire))
            {
                diagnostics.Report(number, "expire", "not mm:ss", expire);
                continue;
            }

            if (!Tokens.Next(ref rest, out row.State))
            {
                diagnostics.Report(number, columns.State, "line ends before this field", line);
                continue;
            }

            if (row.State.Length > MaxStateLength)
            {
                diagnostics.Report(number, columns.State, "state name longer than 32 bytes", row.State);
                continue;
            }

            if (!TryEndpoint(ref rest, number, columns.Client, line, diagnostics, out row.Client, out row.ClientText)
                || !TryEndpoint(ref rest, number, columns.Virtual, line, diagnostics, out row.Virtual, out row.VirtualText)
                || !TryEndpoint(ref rest, number, columns.Destination, line, diagnostics, out row.Destination, out row.DestinationText))
            {
                continue;
            }

            // --persistent-conn adds "pe name" and "pe_data" when the entry has them.
            var extra = 0;
            while (Tokens.Next(ref rest, out _))
            {
                extra++;
            }

            if (extra is not (0 or 2))
            {
                diagnostics.Report(number, null, "more fields than 6, or 8 with --persistent-conn", line);
                continue;
            }

            if (table.TryAdd(row, number))
            {
                usable++;
            }
        }

        var summary = table.Build();
        var all = diagnostics.Complete();
        summary.Warnings = ParseWarnings.From(all);
        return new ParseOutcome<IpvsConnectionSummary>(summary, all, reader.LineNumber, usable);
    }

    // ipvsadm reads the state into char[16]; anything much longer is not a state.
    private const int MaxStateLength = 32;

    private static bool IsTitle(ReadOnlySpan<byte> first, ReadOnlySpan<byte> rest)
    {
        if (first.SequenceEqual("IPVS"u8))
        {
            return Tokens.Next(ref rest, out var second) && second.SequenceEqual("connection"u8);
        }

        return first.SequenceEqual("pro"u8) && Tokens.Next(ref rest, out var next) && next.SequenceEqual("expire"u8);
    }

    /// <summary>The "%02d:%02d" of minutes and seconds; minutes are not capped (a day is 1440:00).</summary>
    private static bool IsMinutesSeconds(ReadOnlySpan<byte> text)
    {
        var colon = text.Length - 3;
        if (colon < 2 || text[colon] != (byte)':' || !IpAddressText.IsAllDigits(text[..colon]))
        {
            return false;
        }

        var tens = (uint)(text[^2] - '0');
        return tens <= 5 && (uint)(text[^1] - '0') <= 9;
    }

    private static bool TryEndpoint(
        ref ReadOnlySpan<byte> rest,
        long number,
        string field,
        ReadOnlySpan<byte> line,
        CappedDiagnostics diagnostics,
        out ParsedEndpoint endpoint,
        out ReadOnlySpan<byte> text)
    {
        if (!Tokens.Next(ref rest, out text))
        {
            endpoint = default;
            diagnostics.Report(number, field, "line ends before this field", line);
            return false;
        }

        var problem = EndpointText.TryRead(text, out endpoint);
        if (problem != EndpointProblem.None)
        {
            diagnostics.Report(number, field, EndpointText.Describe(problem), text);
            return false;
        }

        return true;
    }
}
