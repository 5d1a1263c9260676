namespace Dashboard.Agent.Configuration;

/// <summary>Neutron's Open vSwitch firewall driver: `ovs-ofctl show` and `ovs-ofctl dump-flows` of each bridge (br-int).</summary>
public sealed class OvsCollectorOptions
{
    public bool Enabled { get; set; }

    /// <summary>The ovs-ofctl program, e.g. `ovs-ofctl` or `/usr/bin/ovs-ofctl`.</summary>
    public string OfctlPath { get; set; } = "ovs-ofctl";

    /// <summary>Bridges whose flows are read; Neutron's firewall flows live on br-int.</summary>
    public List<string> Bridges { get; set; } = ["br-int"];
}
