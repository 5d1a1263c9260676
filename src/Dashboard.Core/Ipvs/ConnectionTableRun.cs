using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>Reads the lines of a connection table into a run.</summary>
internal delegate void ConnectionLinesReader(LineReader reader, ConnectionTableRun run);

/// <summary>What reading a connection table produced: the counts, the diagnostics, and the line tallies.</summary>
internal sealed class ConnectionTableRun(ConnectionTableAggregator table, CappedDiagnostics diagnostics)
{
    public ConnectionTableAggregator Table { get; } = table;

    public CappedDiagnostics Diagnostics { get; } = diagnostics;

    public long Lines { get; set; }

    public long Usable { get; set; }

    /// <summary>ip_vs_conn_sync entries with Origin SYNC; null until an Origin column is seen.</summary>
    public long? Synced { get; set; }

    /// <summary>Reads the whole input in one pass, in order.</summary>
    public static ConnectionTableRun Read(Stream input, IpvsConnectionParseOptions options, ConnectionColumns columns, ConnectionLinesReader readLines)
    {
        var diagnostics = new CappedDiagnostics(options.MaxDiagnosticsPerKind);
        var run = new ConnectionTableRun(new ConnectionTableAggregator(options, diagnostics, columns), diagnostics);
        using var reader = new LineReader(input, options.MaxLineLength);
        readLines(reader, run);
        run.Lines = reader.LineNumber;
        return run;
    }
}
