using Dashboard.Core.Iptables;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Keepalived;
using Dashboard.Core.Nsx;
using Dashboard.Server.Ingest;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Live;

/// <summary>The latest state of one host with rates against its previous batch; immutable, swapped whole.</summary>
public sealed record HostSnapshot(
    string Name,
    string Role,
    long Sequence,
    DateTimeOffset CollectedAt,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<VirtualServiceLive> Virtuals,
    IReadOnlyList<IpvsSynRecvSource> TopSynRecvSources,
    IReadOnlyList<RuleLive> Rules,
    IReadOnlyList<NeutronPort> NeutronPorts,
    IReadOnlyList<NsxFilterLive> NsxFilters,
    IReadOnlyList<VrrpInstance> Vrrp,
    IReadOnlyList<KeepalivedRealServer> HealthChecks,
    bool CounterReset,
    SectionTimes Sections)
{
    /// <summary>Rules its latest firewall dump printed without counters ("counters missing"): their drops cannot be seen.</summary>
    public long RulesWithoutCounters { get; init; }

    public bool IsDirector => Virtuals.Count > 0 || Vrrp.Count > 0;
    public bool IsHypervisor => Rules.Count > 0 || NsxFilters.Count > 0 || RulesWithoutCounters > 0;

    /// <summary>Summed drop rate of the rules known to drop (anti-spoof, INVALID, fallback…) and NSX drop reasons.</summary>
    public double DropsPerSecond =>
        Rules.Where(r => r.Rule.DropKind is not null).Sum(r => r.PacketsPerSecond)
        + NsxFilters.Sum(f => f.DropsPerSecond);
}

/// <summary>When each kind of data of a host was last collected: rates compare a section with its own previous sample.</summary>
public sealed record SectionTimes(DateTimeOffset? Ipvs, DateTimeOffset? Iptables, DateTimeOffset? Nsx)
{
    public static SectionTimes None { get; } = new(null, null, null);
}

public sealed record VirtualServiceLive(string Protocol, string Virtual, string? Scheduler, double? ConnectionsPerSecond,
    ulong? ConnectionsCounter, RealServerTable RealServers)
{
    public long Connections => RealServers.Connections;
    public long SynRecv => RealServers.SynRecv;
    public double SynRecvRatio => RealServerSample.Share(SynRecv, Connections);
    public long ActiveConn => RealServers.ActiveConn;
    public long InActConn => RealServers.InActConn;
    public int RealServersUp => RealServers.Up;
}

/// <summary>A rule's counters and rates in one push; its text is shared with earlier pushes for as long as Neutron renders it the same.</summary>
public sealed record RuleLive(RuleText Rule, ulong Packets, ulong Bytes, double PacketsPerSecond, double BytesPerSecond, bool Reset);

public sealed record NsxFilterLive(NsxFilter Filter, IReadOnlyDictionary<string, double> RatePerReason, bool Reset)
{
    public const string StateMismatch = "state-mismatch";

    /// <summary>getfilterstat always prints the drop total; reasons (state-mismatch, match…) are parts of it.</summary>
    public double DropsPerSecond => RatePerReason.TryGetValue("drop", out var drop)
        ? drop
        : RatePerReason.Where(r => r.Key != "pass").Sum(r => r.Value);

    public double StateMismatchPerSecond => RatePerReason.GetValueOrDefault(StateMismatch);
}
