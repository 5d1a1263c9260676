using System.Runtime.CompilerServices;
using Dashboard.Core.Diagnosis;
using Dashboard.Server.Live;

namespace Dashboard.Server.Diagnosis;

/// <summary>The live store seen as the diagnosis's input.</summary>
public static class FleetViewBuilder
{
    // Snapshots are immutable and replaced on each push: a host's view is converted once, not on every evaluation.
    private static readonly ConditionalWeakTable<HostSnapshot, DirectorView> s_directors = new();
    private static readonly ConditionalWeakTable<HostSnapshot, HypervisorView> s_hypervisors = new();

    public static FleetView Build(LiveStore live, IReadOnlyDictionary<string, (string Role, DateTimeOffset LastSeen)> knownHosts)
    {
        var hosts = live.Hosts.ToList();
        var directors = hosts.Where(h => h.Virtuals.Count > 0).Select(h => s_directors.GetValue(h, ToDirector)).ToList();
        var hypervisors = hosts.Where(h => h.IsHypervisor).Select(h => s_hypervisors.GetValue(h, ToHypervisor)).ToList();
        var heartbeats = hosts.Select(h => new HostHeartbeat(h.Name, h.Role, h.ReceivedAt, h.CounterReset)).ToList();
        var live1 = heartbeats.Select(h => h.Host).ToHashSet(StringComparer.Ordinal);
        // Hosts known from before a restart that have not reported since still count as silent.
        heartbeats.AddRange(knownHosts.Where(k => !live1.Contains(k.Key)).Select(k => new HostHeartbeat(k.Key, k.Value.Role, k.Value.LastSeen, false)));
        return new FleetView(live.Now, directors, hypervisors, heartbeats);
    }

    private static DirectorView ToDirector(HostSnapshot h) =>
        new(h.Name, h.CollectedAt, h.Virtuals.Select(v => new VipView(v.Protocol, v.Virtual, v.RealServers)).ToList(), h.TopSynRecvSources);

    private static HypervisorView ToHypervisor(HostSnapshot h) => new(
        h.Name,
        h.CollectedAt,
        // The rules diagnosis reads are those known to drop: the rest of a compute node's thousands are not converted.
        h.Rules.Where(r => r.Rule.DropKind is not null).Select(r => new RuleRate(r.Rule.Table, r.Rule.Chain, r.Rule.Position, r.Rule.Target, r.Rule.Comment, r.Rule.DropKind,
            r.Rule.NeutronPort, r.Rule.NeutronDirection, r.Packets, r.PacketsPerSecond)).ToList(),
        h.NeutronPorts,
        h.NsxFilters.Select(f => new NsxFilterRate(f.Filter.Name, f.Filter.VmName, f.Filter.VnicIndex, f.Filter.Counters, f.RatePerReason)).ToList())
    {
        RulesWithoutCounters = h.RulesWithoutCounters,
    };
}
