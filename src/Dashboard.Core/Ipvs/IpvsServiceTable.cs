namespace Dashboard.Core.Ipvs;

/// <summary>The virtual service table: ipvsadm -Ln (plain, --stats, --rate, --persistent-conn) or /proc/net/ip_vs.</summary>
public sealed class IpvsServiceTable
{
    /// <summary>IPVS version from the banner, e.g. "1.2.1".</summary>
    public string? Version { get; set; }

    /// <summary>Connection hash table size from the banner.</summary>
    public long? ConnectionTableSize { get; set; }

    /// <summary>True when addresses or ports were printed as names (ipvsadm without -n); they are kept as printed.</summary>
    public bool NamesNotNumeric { get; set; }

    public List<IpvsService> Services { get; set; } = [];

    public List<ParseWarning> Warnings { get; set; } = [];
}

public sealed class IpvsService
{
    /// <summary>TCP, UDP, SCTP or FWM.</summary>
    public string Protocol { get; set; } = "TCP";

    /// <summary>a.b.c.d:port or [v6]:port; null for firewall-mark services.</summary>
    public string? Virtual { get; set; }

    public uint? FirewallMark { get; set; }
    public bool Ipv6 { get; set; }
    public string? Scheduler { get; set; }
    public string? SchedulerFlags { get; set; }
    public long? PersistentSeconds { get; set; }

    /// <summary>/proc/net/ip_vs prints the persistence timeout in jiffies; divide by the kernel's HZ for seconds.</summary>
    public long? PersistentJiffies { get; set; }
    public string? Netmask { get; set; }
    public string? PersistenceEngine { get; set; }
    public bool OnePacket { get; set; }

    /// <summary>Words after the scheduler that no known ipvsadm or kernel version prints, kept verbatim.</summary>
    public List<string>? OtherFlags { get; set; }
    public IpvsTrafficCounters? Stats { get; set; }
    public IpvsTrafficRates? Rates { get; set; }
    public List<IpvsDestination> Destinations { get; set; } = [];
}

public sealed class IpvsDestination
{
    public string Address { get; set; } = "";

    /// <summary>Route (DR), Masq, Tunnel or Local.</summary>
    public string? Forward { get; set; }

    public int? Weight { get; set; }
    public long? ActiveConn { get; set; }
    public long? InActConn { get; set; }
    public long? PersistConn { get; set; }

    /// <summary>--thresholds: the upper and lower connection thresholds (0 = none).</summary>
    public long? UpperThreshold { get; set; }
    public long? LowerThreshold { get; set; }
    public string? TunnelInfo { get; set; }
    public IpvsTrafficCounters? Stats { get; set; }
    public IpvsTrafficRates? Rates { get; set; }
}

/// <summary>Cumulative counters (--stats, /proc/net/ip_vs_stats).</summary>
public sealed class IpvsTrafficCounters
{
    /// <summary>True when ipvsadm printed K/M/G/T (no --exact): values are truncated to that unit, lower bounds.</summary>
    public bool Truncated { get; set; }

    public ulong Connections { get; set; }
    public ulong InPackets { get; set; }
    public ulong OutPackets { get; set; }
    public ulong InBytes { get; set; }
    public ulong OutBytes { get; set; }
}

/// <summary>Per-second rates (--rate, /proc/net/ip_vs_stats second block).</summary>
public sealed class IpvsTrafficRates
{
    /// <summary>True when ipvsadm printed K/M/G/T (no --exact): values are truncated to that unit, lower bounds.</summary>
    public bool Truncated { get; set; }

    public ulong ConnectionsPerSecond { get; set; }
    public ulong InPacketsPerSecond { get; set; }
    public ulong OutPacketsPerSecond { get; set; }
    public ulong InBytesPerSecond { get; set; }
    public ulong OutBytesPerSecond { get; set; }
}

/// <summary>/proc/net/ip_vs_stats and ip_vs_stats_percpu.</summary>
public sealed class IpvsGlobalStats
{
    public IpvsTrafficCounters Totals { get; set; } = new();
    public IpvsTrafficRates? Rates { get; set; }
    public List<IpvsCpuCounters> PerCpu { get; set; } = [];
    public List<ParseWarning> Warnings { get; set; } = [];
}

public sealed class IpvsCpuCounters
{
    /// <summary>CPU number, or null for the "~" total row of ip_vs_stats_percpu.</summary>
    public int? Cpu { get; set; }
    public IpvsTrafficCounters Counters { get; set; } = new();
}
