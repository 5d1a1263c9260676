namespace Dashboard.Core.Ipvs;

/// <summary>What reading some lines of a connection table produced: the counts, the diagnostics, and the line tallies.</summary>
internal sealed class ConnectionTableRun(ConnectionTableAggregator table, CappedDiagnostics diagnostics)
{
    public ConnectionTableAggregator Table { get; } = table;

    public CappedDiagnostics Diagnostics { get; } = diagnostics;

    public long Lines { get; set; }

    public long Usable { get; set; }

    /// <summary>ip_vs_conn_sync entries with Origin SYNC; null until an Origin column is seen.</summary>
    public long? Synced { get; set; }

    /// <summary>Empties a speculative run after its merge, to read the next chunk with the same memory.</summary>
    public void ResetMerged()
    {
        Table.ResetMerged();
        Diagnostics.Clear();
        Lines = Usable = 0;
        Synced = null;
    }

    /// <summary>Adds a speculative run over the lines that follow; false when only reading them in order gives the right result.</summary>
    public bool TryAppend(ConnectionTableRun later)
    {
        if (!Table.TryMerge(later.Table))
        {
            return false;
        }

        Diagnostics.Append(later.Diagnostics, Lines);
        Lines += later.Lines;
        Usable += later.Usable;
        if (later.Synced is { } synced)
        {
            Synced = (Synced ?? 0) + synced;
        }

        return true;
    }
}
