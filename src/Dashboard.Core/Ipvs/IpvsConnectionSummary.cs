using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// A connection table (ipvsadm -Lnc or /proc/net/ip_vs_conn) aggregated by (protocol, virtual, destination, state).
/// Persistence templates are counted apart and never appear in <see cref="ByState"/>.
/// </summary>
public sealed class IpvsConnectionSummary
{
    /// <summary>Connections, persistence templates excluded.</summary>
    public long Connections { get; set; }

    /// <summary>Persistence templates of every kind (client port 0, state NONE/ASSURED, or protocol IP of a firewall-mark service).</summary>
    public long Templates { get; set; }

    /// <summary>Connections by state name; unknown names are kept verbatim.</summary>
    public StateCounts ByState { get; set; } = new();

    public List<IpvsDestinationStates> Destinations { get; set; } = [];

    /// <summary>Top client addresses of SYN_RECV connections per virtual service (one client, or everyone?).</summary>
    public List<IpvsSynRecvSource> TopSynRecvSources { get; set; } = [];

    /// <summary>True when addresses or ports were printed as names (ipvsadm without -n); they are kept as printed.</summary>
    public bool NamesNotNumeric { get; set; }

    /// <summary>Entries a backup director learned from the master (ip_vs_conn_sync Origin SYNC); null without an Origin column.</summary>
    public long? SyncedEntries { get; set; }

    /// <summary>
    /// Templates of firewall-mark services (`IP … 0.0.0.21:0`: the mark printed as the virtual address), part of
    /// <see cref="Templates"/>; no destination, since the mark is not an address.
    /// </summary>
    public long FirewallMarkTemplates { get; set; }

    /// <summary>
    /// Templates the kernel invalidated when their real server became unavailable (virtual and destination port 65535),
    /// part of <see cref="Templates"/>; no destination, since neither port is one.
    /// </summary>
    public long InvalidatedTemplates { get; set; }

    public List<ParseWarning> Warnings { get; set; } = [];
}

public sealed class IpvsDestinationStates
{
    public string Protocol { get; set; } = "TCP";
    public string Virtual { get; set; } = "";
    public string Destination { get; set; } = "";
    public StateCounts ByState { get; set; } = new();
    public long Templates { get; set; }
}

public sealed class IpvsSynRecvSource
{
    public string Protocol { get; set; } = "TCP";
    public string Virtual { get; set; } = "";
    public string Client { get; set; } = "";
    public long Connections { get; set; }

    /// <summary>Connections may exceed the true count by at most this much (bounded-memory heavy-hitter counting); 0 = exact.</summary>
    public long Overcount { get; set; }
}

/// <summary>A warning as it travels in JSON: line, field and reason.</summary>
public sealed class ParseWarning
{
    public long Line { get; set; }
    public string? Field { get; set; }
    public string Message { get; set; } = "";

    /// <summary>Error: the line was rejected; Warning: it was read, with something to look at.</summary>
    public DiagnosticSeverity Severity { get; set; } = DiagnosticSeverity.Warning;
}
