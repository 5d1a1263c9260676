using Dashboard.Core.Iptables;
using Dashboard.Server.Live;

namespace Dashboard.Server.Model;

/// <summary>One hypervisor's ports, dropping rules and NSX filters, narrowed by the page's filter (port, device, address, chain, VM or comment).</summary>
public sealed class HypervisorDetailViewModel
{
    public required IReadOnlyList<PortRow> Ports { get; init; }
    public required IReadOnlyList<RuleLive> DropRules { get; init; }
    public required IReadOnlyList<NsxFilterLive> NsxFilters { get; init; }

    public static HypervisorDetailViewModel From(HostSnapshot host, string? filter)
    {
        var text = filter?.Trim() ?? "";
        bool Matches(params string?[] fields) => text.Length == 0 || fields.Any(f => f?.Contains(text, StringComparison.OrdinalIgnoreCase) == true);

        var dropping = host.Rules.Where(r => r.Rule.DropKind is not null).ToLookup(r => r.Rule.NeutronPort);
        var ports = host.NeutronPorts
            .Select(p => new PortRow(p, dropping[p.Port].ToList()))
            .Where(p => Matches([p.Port.Port, p.Port.Device, .. p.Port.AllowedPairs.Select(a => a.Address), .. p.DropRules.Select(r => r.Rule.Chain)]))
            .OrderByDescending(p => p.DropsPerSecond).ThenBy(p => p.Port.Port, StringComparer.Ordinal)
            .ToList();
        var rules = host.Rules
            .Where(r => r.Rule.DropKind is not null || r.Rule.Target is "DROP" or "REJECT")
            .Where(r => Matches(r.Rule.Chain, r.Rule.Comment, r.Rule.Spec, r.Rule.NeutronPort, r.Rule.DropKind))
            .OrderByDescending(r => r.PacketsPerSecond)
            .ToList();
        var filters = host.NsxFilters
            .Where(f => Matches(f.Filter.Name, f.Filter.VmName))
            .OrderByDescending(f => f.StateMismatchPerSecond).ThenByDescending(f => f.DropsPerSecond)
            .ToList();
        return new HypervisorDetailViewModel { Ports = ports, DropRules = rules, NsxFilters = filters };
    }
}

/// <summary>A Neutron port with the rules of known drop kinds that belong to it.</summary>
public sealed record PortRow(NeutronPort Port, IReadOnlyList<RuleLive> DropRules)
{
    public double DropsPerSecond => DropRules.Sum(r => r.PacketsPerSecond);
}
