namespace Dashboard.Agent.Configuration;

/// <summary>NSX distributed firewall: a command printing `vsipioctl getfilterstat` output, or the Manager/Policy API.</summary>
public sealed class NsxCollectorOptions
{
    public bool Enabled { get; set; }

    /// <summary>e.g. `ssh -o BatchMode=yes esxi-01 vsipioctl getfilterstat -f nic-1371516-eth0-vmware-sfw.2`.</summary>
    public string? Command { get; set; }

    /// <summary>Full URL of a statistics resource of the NSX Manager or Policy API.</summary>
    public Uri? ApiUrl { get; set; }

    public string? User { get; set; }

    public string? PasswordFile { get; set; }
}
