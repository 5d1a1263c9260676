using Dashboard.Server.Live;

namespace Dashboard.Server.Model;

/// <summary>What the overview shows, computed from the live store: directors with their VIPs, hypervisors with drops.</summary>
public sealed class OverviewViewModel
{
    public required IReadOnlyList<DirectorRow> Directors { get; init; }
    public required IReadOnlyList<HypervisorRow> Hypervisors { get; init; }
    public required DateTimeOffset? DataAsOf { get; init; }

    public static OverviewViewModel Empty { get; } = new() { Directors = [], Hypervisors = [], DataAsOf = null };

    public int VipCount => Directors.Sum(d => d.Vips.Count);
    public int CriticalCount => Directors.Sum(d => d.Vips.Count(v => v.Health == HealthLevel.Critical));
    public int SilentCount => Directors.Count(d => d.Silent) + Hypervisors.Count(h => h.Silent);

    public static OverviewViewModel From(LiveStore live, string? filter = null)
    {
        var hosts = live.Hosts
            .Where(h => string.IsNullOrEmpty(filter) || h.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)
                || h.Virtuals.Any(v => v.Virtual.Contains(filter, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var directors = hosts.Where(h => h.IsDirector).Select(h =>
        {
            var silent = live.IsSilent(h);
            return new DirectorRow(h.Name, silent, h.CollectedAt,
                h.Vrrp.Select(v => $"{v.Name} {v.State}").ToList(),
                h.Virtuals.Select(v => new VipRow(h.Name, v, VipHealth.Of(v, silent))).ToList());
        }).ToList();
        var hypervisors = hosts.Where(h => h.IsHypervisor).Select(h =>
        {
            var top = h.Rules.Where(r => r.Rule.DropKind is not null).MaxBy(r => r.PacketsPerSecond);
            var topNsx = h.NsxFilters.MaxBy(f => f.DropsPerSecond);
            return new HypervisorRow(h.Name, live.IsSilent(h), h.CollectedAt, h.NsxFilters.Count > 0 ? "NSX" : "Neutron",
                h.DropsPerSecond, h.NeutronPorts.Count + h.NsxFilters.Count,
                top is { PacketsPerSecond: > 0 } ? $"{top.Rule.Chain}: {top.Rule.DropKind}" : topNsx is { DropsPerSecond: > 0 } ? $"{topNsx.Filter.VmName ?? topNsx.Filter.Name}: {(topNsx.StateMismatchPerSecond > 0 ? "state-mismatch" : "drop")}" : null);
        }).ToList();
        return new OverviewViewModel
        {
            Directors = directors,
            Hypervisors = hypervisors,
            DataAsOf = hosts.Count == 0 ? null : hosts.Max(h => h.CollectedAt),
        };
    }
}

public sealed record DirectorRow(string Name, bool Silent, DateTimeOffset CollectedAt, IReadOnlyList<string> Vrrp, IReadOnlyList<VipRow> Vips);

public sealed record VipRow(string Director, VirtualServiceLive Vip, HealthLevel Health);

public sealed record HypervisorRow(string Name, bool Silent, DateTimeOffset CollectedAt, string Kind, double DropsPerSecond, int Ports, string? TopDrop);
