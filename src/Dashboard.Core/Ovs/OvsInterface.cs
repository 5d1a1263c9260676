namespace Dashboard.Core.Ovs;

/// <summary>One row of Open vSwitch's Interface table: the port's name, its OpenFlow number and what Nova/os-vif wrote for Neutron.</summary>
internal sealed class OvsInterface
{
    public string Name { get; init; } = "";

    /// <summary>OpenFlow port number; null when unset (`[]`) or failed (-1).</summary>
    public ulong? OfPort { get; set; }

    /// <summary>external_ids:iface-id, the Neutron port id.</summary>
    public string? IfaceId { get; init; }

    /// <summary>external_ids:attached-mac, the VM's MAC on that port (the tap device's own MAC differs).</summary>
    public string? AttachedMac { get; init; }
}
