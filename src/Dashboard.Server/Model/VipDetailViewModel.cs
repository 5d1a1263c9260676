using Dashboard.Core.Diagnosis;
using Dashboard.Core.Ipvs;
using Dashboard.Server.Diagnosis;
using Dashboard.Server.Live;

namespace Dashboard.Server.Model;

/// <summary>One VIP in depth: its real servers with history, its stuck clients, and the hypervisor ports that carry it.</summary>
public sealed class VipDetailViewModel
{
    public required HostSnapshot Director { get; init; }
    public required VirtualServiceLive Vip { get; init; }
    public required HealthLevel Health { get; init; }
    public required IReadOnlyList<string> States { get; init; }
    public required IReadOnlyDictionary<string, double[]> RatioHistory { get; init; }
    public required IReadOnlyList<IpvsSynRecvSource> TopSources { get; init; }
    public required IReadOnlyList<PortCounterRow> PortCounters { get; init; }

    private static readonly string[] s_stateOrder = ["SYN_RECV", "ESTABLISHED", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "SYN_SENT", "NONE"];

    public static VipDetailViewModel? From(LiveStore live, string director, string protocol, string virtualAddress, IReadOnlyDictionary<string, (string, DateTimeOffset)>? known = null)
    {
        if (live.Host(director) is not { } host || host.Virtuals.FirstOrDefault(v => v.Protocol == protocol && v.Virtual == virtualAddress) is not { } vip)
        {
            return null;
        }

        var states = vip.RealServers.SelectMany(r => r.ByState.Keys).Distinct()
            .OrderBy(s => Array.IndexOf(s_stateOrder, s) is var i and >= 0 ? i : 100).ThenBy(s => s, StringComparer.Ordinal).ToList();
        var history = vip.RealServers.ToDictionary(r => r.Destination,
            r => live.History(director, protocol, virtualAddress, r.Destination).Select(p => p.Ratio).TakeLast(60).ToArray());

        var fleet = FleetViewBuilder.Build(live, known ?? new Dictionary<string, (string, DateTimeOffset)>());
        var topology = Topology.Infer(fleet);
        var vipView = new VipView(vip.Protocol, vip.Virtual, vip.RealServers);
        var directorView = fleet.Directors.First(d => d.Host == director);
        var ports = new List<(string Role, PortLocation Port)>();
        if (topology.DirectorPort(directorView, vipView) is { } dp)
        {
            ports.Add(("director", dp));
        }

        ports.AddRange(vip.RealServers.Select(r => (r.Destination, topology.RealServerPort(r.Destination))).Where(p => p.Item2 is not null).Select(p => (p.Destination, p.Item2!)));
        var counters = ports.SelectMany(p => (live.Host(p.Port.Hypervisor)?.Rules ?? [])
                .Where(r => r.Rule.NeutronPort == p.Port.Port && (r.Rule.DropKind is not null || r.PacketsPerSecond > 0))
                .Select(r => new PortCounterRow(p.Role, p.Port.Hypervisor, p.Port.Port, r.Rule.Chain, r.Rule.Position, r.Rule.Comment ?? r.Rule.Target ?? "",
                    r.Rule.DropKind, r.PacketsPerSecond, r.Packets)))
            .OrderByDescending(r => r.DropKind is not null).ThenByDescending(r => r.PacketsPerSecond)
            .ToList();

        return new VipDetailViewModel
        {
            Director = host,
            Vip = vip,
            Health = VipHealth.Of(vip, live.IsSilent(host)),
            States = states,
            RatioHistory = history,
            TopSources = host.TopSynRecvSources.Where(s => s.Virtual == virtualAddress).OrderByDescending(s => s.Connections).Take(10).ToList(),
            PortCounters = counters,
        };
    }
}

public sealed record PortCounterRow(string Role, string Hypervisor, string Port, string Chain, int Position, string Rule, string? DropKind, double PacketsPerSecond, ulong Packets);
