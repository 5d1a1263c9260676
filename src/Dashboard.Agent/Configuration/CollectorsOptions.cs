namespace Dashboard.Agent.Configuration;

public sealed class CollectorsOptions
{
    public IpvsCollectorOptions Ipvs { get; set; } = new();
    public IptablesCollectorOptions Iptables { get; set; } = new();
    public NsxCollectorOptions Nsx { get; set; } = new();
    public KeepalivedCollectorOptions Keepalived { get; set; } = new();
    public OvsCollectorOptions Ovs { get; set; } = new();
}
