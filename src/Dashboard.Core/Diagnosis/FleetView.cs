using Dashboard.Core.Iptables;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Storage;

namespace Dashboard.Core.Diagnosis;

/// <summary>Everything the diagnosis looks at, at one moment: the directors' tables and the hypervisors' counters.</summary>
public sealed record FleetView(
    DateTimeOffset Now,
    IReadOnlyList<DirectorView> Directors,
    IReadOnlyList<HypervisorView> Hypervisors,
    IReadOnlyList<HostHeartbeat> Hosts)
{
    /// <summary>
    /// Directors whose SYN_RECV pile-up a hypervisor drop explained within the last SYN_RECV timeout: their table still
    /// holds the stuck entries for up to a minute after the fix, which is not a new failure of the director.
    /// </summary>
    public IReadOnlySet<string> RecentlyExplained { get; init; } = new HashSet<string>();

    /// <summary>The database's file system against its free-space floor; null when the server has no path to watch.</summary>
    public DatabaseDisk? DatabaseDisk { get; init; }

    /// <summary>How far ahead of the server each host's clock ran in its last batch, for hosts beyond the tolerance.</summary>
    public IReadOnlyDictionary<string, TimeSpan> ClockOffsets { get; init; } = new Dictionary<string, TimeSpan>();

    /// <summary>Configured limits that refused data, with how often.</summary>
    public IReadOnlyList<LimitBreach> LimitBreaches { get; init; } = [];
}

public sealed record DirectorView(string Host, DateTimeOffset CollectedAt, IReadOnlyList<VipView> Vips, IReadOnlyList<IpvsSynRecvSource> TopSynRecvSources);

public sealed record VipView(string Protocol, string Virtual, RealServerTable RealServers)
{
    public long SynRecv => RealServers.SynRecv;
    public long Connections => RealServers.Connections;
    public double SynRecvRatio => RealServerSample.Share(SynRecv, Connections);

    /// <summary>The VIP's address without the port (IPv6 without brackets).</summary>
    public string Address => Endpoints.HostOf(Virtual);
}

public sealed record HypervisorView(
    string Host,
    DateTimeOffset CollectedAt,
    IReadOnlyList<RuleRate> Rules,
    IReadOnlyList<NeutronPort> Ports,
    IReadOnlyList<NsxFilterRate> Filters)
{
    /// <summary>Rules the host's dump printed without counters: drops there cannot be seen, so no drop finding can fire.</summary>
    public long RulesWithoutCounters { get; init; }
}

/// <summary>One iptables rule with its counter and current rate.</summary>
public sealed record RuleRate(
    string Table,
    string Chain,
    int Position,
    string? Target,
    string? Comment,
    string? DropKind,
    string? Port,
    string? Direction,
    ulong Packets,
    double PacketsPerSecond);

public sealed record NsxFilterRate(string Name, string? VmName, int? Vnic, IReadOnlyDictionary<string, ulong> Counters, IReadOnlyDictionary<string, double> RatePerReason)
{
    public const string StateMismatch = "state-mismatch";

    public double StateMismatchPerSecond => RatePerReason.GetValueOrDefault(StateMismatch);
}

public sealed record HostHeartbeat(string Host, string Role, DateTimeOffset LastSeen, bool CounterReset);
