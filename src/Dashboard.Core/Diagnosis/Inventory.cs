namespace Dashboard.Core.Diagnosis;

/// <summary>What cannot be inferred from the data: which VM (address, director) sits on which port or NSX filter.</summary>
public sealed class Inventory
{
    public List<InventoryEntry> Entries { get; set; } = [];
}

public sealed class InventoryEntry
{
    /// <summary>VM or director host name as its agent reports it.</summary>
    public string? Host { get; set; }

    /// <summary>The VM's address (real server IP, or the director's own IP).</summary>
    public string? Address { get; set; }

    public string? Hypervisor { get; set; }

    /// <summary>Neutron port-id prefix as in chain names (e.g. 38833ad6-c).</summary>
    public string? Port { get; set; }

    /// <summary>NSX dvfilter name (e.g. nic-1371516-eth0-vmware-sfw.2).</summary>
    public string? Filter { get; set; }
}
