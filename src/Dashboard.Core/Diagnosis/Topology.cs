using System.Runtime.CompilerServices;

namespace Dashboard.Core.Diagnosis;

public sealed record PortLocation(string Hypervisor, string Port, string? Device, string Why);

public sealed record FilterLocation(string Hypervisor, string Filter, string? VmName, string Why);

/// <summary>
/// Who sits where: VIP → director port, real server → its port, director VM → its NSX filter. Inferred from the allowed
/// IP/MAC pairs of Neutron anti-spoof chains and from NSX VM names; an inventory entry wins over inference.
/// </summary>
/// <remarks>Lookups go through indexes built once per view: a fleet has 100,000 real servers and 100,000 allowed pairs.</remarks>
public sealed class Topology
{
    private static readonly IReadOnlyList<RuleRate> s_noRules = [];

    // A hypervisor's view is rebuilt only when it reports again, so its rules-by-port index lives as long as the view.
    private static readonly ConditionalWeakTable<HypervisorView, Dictionary<string, List<RuleRate>>> s_rulesByPort = new();
    private readonly FleetView _fleet;
    private readonly Inventory _inventory;
    private readonly Lazy<Dictionary<string, HypervisorView>> _hypervisors;
    private readonly Lazy<Dictionary<string, List<PortLocation>>> _portsByAddress;
    private readonly Lazy<Dictionary<string, List<FilterLocation>>> _filtersByVm;

    private Topology(FleetView fleet, Inventory inventory)
    {
        _fleet = fleet;
        _inventory = inventory;
        _hypervisors = new(IndexHypervisors);
        _portsByAddress = new(IndexPortsByAddress);
        _filtersByVm = new(IndexFiltersByVm);
    }

    public static Topology Infer(FleetView fleet, Inventory? inventory = null) => new(fleet, inventory ?? new Inventory());

    /// <summary>The director's own port for a VIP: the one whose allowed pairs carry the VIP and no real server's address.</summary>
    public PortLocation? DirectorPort(DirectorView director, VipView vip)
    {
        if (_inventory.Entries.FirstOrDefault(e => Same(e.Host, director.Host) && e.Port is not null && e.Hypervisor is not null) is { } listed)
        {
            return new PortLocation(listed.Hypervisor!, listed.Port!, null, $"inventory places {director.Host} on port {listed.Port}");
        }

        var candidates = Carriers(vip.Address);
        if (candidates.Count == 0)
        {
            return null;
        }

        var realServerAddresses = new HashSet<string>(vip.RealServers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (ref readonly var rs in vip.RealServers.Rows)
        {
            realServerAddresses.Add(Endpoints.HostOf(rs.Destination));
        }

        var own = candidates.Where(p => !PortCarriesAny(p, realServerAddresses)).Take(2).ToList();
        return own.Count == 1 ? Explained(own[0], vip.Address) : null;
    }

    public PortLocation? RealServerPort(string realServer)
    {
        var address = Endpoints.HostOf(realServer);
        if (_inventory.Entries.FirstOrDefault(e => Same(e.Address, address) && e.Port is not null && e.Hypervisor is not null) is { } listed)
        {
            return new PortLocation(listed.Hypervisor!, listed.Port!, null, $"inventory places {address} on port {listed.Port}");
        }

        var ports = Carriers(address);
        return ports.Count == 1 ? Explained(ports[0], address) : null;
    }

    /// <summary>The NSX filter of the director's vNIC: from the inventory, or the filter whose VM name is the director's host name.</summary>
    public FilterLocation? DirectorFilter(string director)
    {
        if (_inventory.Entries.FirstOrDefault(e => Same(e.Host, director) && e.Filter is not null) is { } listed)
        {
            var host = listed.Hypervisor ?? _fleet.Hypervisors.FirstOrDefault(h => h.Filters.Any(f => f.Name == listed.Filter))?.Host;
            return host is null ? null : new FilterLocation(host, listed.Filter!, director, $"inventory places {director} on filter {listed.Filter}");
        }

        return _filtersByVm.Value.TryGetValue(director, out var matches) && matches.Count == 1 ? matches[0] : null;
    }

    public HypervisorView? Hypervisor(string host) => _hypervisors.Value.GetValueOrDefault(host);

    /// <summary>The iptables rules of one port (its Neutron chains), in the order the hypervisor reported them.</summary>
    public IReadOnlyList<RuleRate> RulesOn(PortLocation port) =>
        Hypervisor(port.Hypervisor) is { } hypervisor && s_rulesByPort.GetValue(hypervisor, IndexRulesByPort).TryGetValue(port.Port, out var rules)
            ? rules
            : s_noRules;

    /// <summary>The counters of a located NSX filter, when its hypervisor reported it.</summary>
    public NsxFilterRate? Filter(FilterLocation location) =>
        Hypervisor(location.Hypervisor)?.Filters.FirstOrDefault(f => f.Name == location.Filter);

    /// <summary>Ports whose anti-spoof chain lets this source address out.</summary>
    private IReadOnlyList<PortLocation> Carriers(string address) =>
        _portsByAddress.Value.TryGetValue(address, out var ports) ? ports : [];

    private static PortLocation Explained(PortLocation port, string address) =>
        port with { Why = $"allowed pairs of {port.Port} on {port.Hypervisor} include {address}" };

    private bool PortCarriesAny(PortLocation location, HashSet<string> addresses)
    {
        foreach (var address in addresses)
        {
            if (_portsByAddress.Value.TryGetValue(address, out var ports) && ports.Exists(p => p.Hypervisor == location.Hypervisor && p.Port == location.Port))
            {
                return true;
            }
        }

        return false;
    }

    private Dictionary<string, HypervisorView> IndexHypervisors()
    {
        var index = new Dictionary<string, HypervisorView>(StringComparer.Ordinal);
        foreach (var hypervisor in _fleet.Hypervisors)
        {
            index.TryAdd(hypervisor.Host, hypervisor);
        }

        return index;
    }

    private Dictionary<string, List<PortLocation>> IndexPortsByAddress()
    {
        var index = new Dictionary<string, List<PortLocation>>(StringComparer.OrdinalIgnoreCase);
        foreach (var hypervisor in _fleet.Hypervisors)
        {
            foreach (var port in hypervisor.Ports)
            {
                var location = new PortLocation(hypervisor.Host, port.Port, port.Device, "");
                foreach (var pair in port.AllowedPairs)
                {
                    if (Endpoints.SingleAddress(pair.Address) is not { } address)
                    {
                        continue;
                    }

                    if (!index.TryGetValue(address, out var list))
                    {
                        index[address] = list = [];
                    }

                    // Several MACs may be allowed for one address: the port is listed once.
                    if (list.Count == 0 || !ReferenceEquals(list[^1], location))
                    {
                        list.Add(location);
                    }
                }
            }
        }

        return index;
    }

    private static Dictionary<string, List<RuleRate>> IndexRulesByPort(HypervisorView hypervisor)
    {
        var index = new Dictionary<string, List<RuleRate>>(StringComparer.Ordinal);
        foreach (var rule in hypervisor.Rules)
        {
            if (rule.Port is null)
            {
                continue;
            }

            if (!index.TryGetValue(rule.Port, out var list))
            {
                index[rule.Port] = list = [];
            }

            list.Add(rule);
        }

        return index;
    }

    private Dictionary<string, List<FilterLocation>> IndexFiltersByVm()
    {
        var index = new Dictionary<string, List<FilterLocation>>(StringComparer.OrdinalIgnoreCase);
        foreach (var hypervisor in _fleet.Hypervisors)
        {
            foreach (var filter in hypervisor.Filters)
            {
                if (filter.VmName is null)
                {
                    continue;
                }

                if (!index.TryGetValue(filter.VmName, out var list))
                {
                    index[filter.VmName] = list = [];
                }

                list.Add(new FilterLocation(hypervisor.Host, filter.Name, filter.VmName, $"NSX names the VM of {filter.Name} '{filter.VmName}'"));
            }
        }

        return index;
    }

    private static bool Same(string? a, string? b) => a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
