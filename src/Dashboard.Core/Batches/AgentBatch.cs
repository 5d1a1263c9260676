using Dashboard.Core.Iptables;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Keepalived;
using Dashboard.Core.Nsx;

namespace Dashboard.Core.Batches;

/// <summary>
/// One push from an agent: identity, a per-agent sequence number that makes replays idempotent,
/// the collection time, and any mix of snapshots.
/// </summary>
public sealed class AgentBatch
{
    /// <summary>The host the samples describe (director, compute node, ESXi host).</summary>
    public string Host { get; set; } = "";

    /// <summary>Per-agent, strictly increasing; a replayed (host, sequence) is acknowledged and not stored again.</summary>
    public long Sequence { get; set; }

    public DateTimeOffset CollectedAt { get; set; }

    public string? AgentVersion { get; set; }

    /// <summary>Batches the agent's spool dropped since the last acknowledged push (bounded spool overflow).</summary>
    public long DroppedBatches { get; set; }

    public IpvsSnapshot? Ipvs { get; set; }
    public List<IptablesDump>? Iptables { get; set; }
    public NsxFirewallStats? Nsx { get; set; }
    public KeepalivedState? Keepalived { get; set; }
}

/// <summary>What a director reports about IPVS in one cycle.</summary>
public sealed class IpvsSnapshot
{
    public IpvsServiceTable? Services { get; set; }
    public IpvsConnectionSummary? Connections { get; set; }
    public IpvsGlobalStats? Stats { get; set; }

    /// <summary>Kernel release: ActiveConn/InActConn semantics changed across versions.</summary>
    public string? Kernel { get; set; }
}
