namespace Dashboard.Core.Diagnosis;

public sealed record PortLocation(string Hypervisor, string Port, string? Device, string Why);

public sealed record FilterLocation(string Hypervisor, string Filter, string? VmName, string Why);

/// <summary>
/// Who sits where: VIP → director port, real server → its port, director VM → its NSX filter. Inferred from the allowed
/// IP/MAC pairs of Neutron anti-spoof chains and from NSX VM names; an inventory entry wins over inference.
/// </summary>
public sealed class Topology
{
    private readonly FleetView _fleet;
    private readonly Inventory _inventory;

    private Topology(FleetView fleet, Inventory inventory)
    {
        _fleet = fleet;
        _inventory = inventory;
    }

    public static Topology Infer(FleetView fleet, Inventory? inventory = null) => new(fleet, inventory ?? new Inventory());

    /// <summary>Ports whose anti-spoof chain lets this source address out.</summary>
    public IReadOnlyList<PortLocation> PortsCarrying(string address) =>
        _fleet.Hypervisors
            .SelectMany(h => h.Ports
                .Where(p => p.AllowedPairs.Any(a => Endpoints.SameAddress(a.Address, address)))
                .Select(p => new PortLocation(h.Host, p.Port, p.Device, $"allowed pairs of {p.Port} on {h.Host} include {address}")))
            .ToList();

    /// <summary>The director's own port for a VIP: the one whose allowed pairs carry the VIP and no real server's address.</summary>
    public PortLocation? DirectorPort(DirectorView director, VipView vip)
    {
        if (_inventory.Entries.FirstOrDefault(e => Same(e.Host, director.Host) && e.Port is not null && e.Hypervisor is not null) is { } listed)
        {
            return new PortLocation(listed.Hypervisor!, listed.Port!, null, $"inventory places {director.Host} on port {listed.Port}");
        }

        var realServerAddresses = vip.RealServers.Select(r => Endpoints.HostOf(r.Destination)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var candidates = PortsCarrying(vip.Address)
            .Where(p => !PortCarriesAny(p, realServerAddresses))
            .ToList();
        return candidates.Count == 1 ? candidates[0] : null;
    }

    public PortLocation? RealServerPort(string realServer)
    {
        var address = Endpoints.HostOf(realServer);
        if (_inventory.Entries.FirstOrDefault(e => Same(e.Address, address) && e.Port is not null && e.Hypervisor is not null) is { } listed)
        {
            return new PortLocation(listed.Hypervisor!, listed.Port!, null, $"inventory places {address} on port {listed.Port}");
        }

        var ports = PortsCarrying(address);
        return ports.Count == 1 ? ports[0] : null;
    }

    /// <summary>The NSX filter of the director's vNIC: from the inventory, or the filter whose VM name is the director's host name.</summary>
    public FilterLocation? DirectorFilter(string director)
    {
        if (_inventory.Entries.FirstOrDefault(e => Same(e.Host, director) && e.Filter is not null) is { } listed)
        {
            var host = listed.Hypervisor ?? _fleet.Hypervisors.FirstOrDefault(h => h.Filters.Any(f => f.Name == listed.Filter))?.Host;
            return host is null ? null : new FilterLocation(host, listed.Filter!, director, $"inventory places {director} on filter {listed.Filter}");
        }

        var matches = _fleet.Hypervisors
            .SelectMany(h => h.Filters.Where(f => Same(f.VmName, director)).Select(f => new FilterLocation(h.Host, f.Name, f.VmName, $"NSX names the VM of {f.Name} '{f.VmName}'")))
            .ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    public HypervisorView? Hypervisor(string host) => _fleet.Hypervisors.FirstOrDefault(h => h.Host == host);

    private bool PortCarriesAny(PortLocation location, HashSet<string> addresses) =>
        Hypervisor(location.Hypervisor)?.Ports.FirstOrDefault(p => p.Port == location.Port) is { } port
        && port.AllowedPairs.Any(a => addresses.Any(address => Endpoints.SameAddress(a.Address, address)));

    private static bool Same(string? a, string? b) => a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
