namespace Dashboard.Agent.Configuration;

public sealed class IpvsCollectorOptions
{
    public bool Enabled { get; set; }

    /// <summary>Where net/ip_vs, net/ip_vs_conn, net/ip_vs_stats and sys/kernel/osrelease are read.</summary>
    public string ProcRoot { get; set; } = "/proc";

    /// <summary>Run when ProcRoot lacks the IPVS files (`ipvsadm -Ln --exact`, `ipvsadm -Lnc`).</summary>
    public string IpvsadmPath { get; set; } = "ipvsadm";

    /// <summary>SYN_RECV client sources kept per virtual service; 0 sends none.</summary>
    public int TopSynRecvSources { get; set; } = 10;
}
