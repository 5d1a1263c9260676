using Dashboard.Core.Ipvs;

namespace Dashboard.Core.Keepalived;

/// <summary>keepalived VRRP instance states and real-server health-check states.</summary>
public sealed class KeepalivedState
{
    public List<VrrpInstance> Instances { get; set; } = [];
    public List<KeepalivedRealServer> RealServers { get; set; } = [];

    /// <summary>Virtual servers as the LVS notify FIFO reports them (UP while at least its quorum of real servers is).</summary>
    public List<KeepalivedVirtualServer> VirtualServers { get; set; } = [];
    public List<ParseWarning> Warnings { get; set; } = [];
}

public sealed class VrrpInstance
{
    public string Name { get; set; } = "";

    /// <summary>MASTER, BACKUP, FAULT, INIT, STOP… kept verbatim.</summary>
    public string State { get; set; } = "";
    public int? Priority { get; set; }
    public string? MasterRouter { get; set; }
    public bool Group { get; set; }
}

public sealed class KeepalivedRealServer
{
    public string Virtual { get; set; } = "";
    public string Address { get; set; } = "";
    public string Protocol { get; set; } = "TCP";
    public bool Up { get; set; }
}

public sealed class KeepalivedVirtualServer
{
    public string Virtual { get; set; } = "";
    public string Protocol { get; set; } = "TCP";
    public bool Up { get; set; }
}
