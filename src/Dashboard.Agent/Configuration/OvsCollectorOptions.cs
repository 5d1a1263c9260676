namespace Dashboard.Agent.Configuration;

/// <summary>
/// Neutron's Open vSwitch firewall driver: `ovs-ofctl show` and `ovs-ofctl dump-flows` of each bridge (br-int), and
/// `ovs-vsctl list Interface` for the Neutron port ids and MACs of its ports.
/// </summary>
public sealed class OvsCollectorOptions
{
    public bool Enabled { get; set; }

    /// <summary>The ovs-ofctl program, e.g. `ovs-ofctl` or `/usr/bin/ovs-ofctl`.</summary>
    public string OfctlPath { get; set; } = "ovs-ofctl";

    /// <summary>Bridges whose flows are read; Neutron's firewall flows live on br-int.</summary>
    public List<string> Bridges { get; set; } = ["br-int"];

    /// <summary>The ovs-vsctl program; empty to name ports by their device names only.</summary>
    public string VsctlPath { get; set; } = "ovs-vsctl";

    /// <summary>The OVSDB server ovs-vsctl asks (its --db), e.g. unix:/run/openvswitch/db.sock; null for ovs-vsctl's default.</summary>
    public string? OvsdbRemote { get; set; }
}
