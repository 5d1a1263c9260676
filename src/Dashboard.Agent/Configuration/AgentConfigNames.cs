namespace Dashboard.Agent.Configuration;

/// <summary>Every configuration key, as written in the JSON file (":" becomes "__" in environment variables).</summary>
public static class AgentConfigNames
{
    public const string EnvironmentPrefix = "DASHBOARD_AGENT__";

    public const string Server = "Server";
    public const string Token = "Token";
    public const string TokenFile = "TokenFile";
    public const string Host = "Host";
    public const string IntervalSeconds = "IntervalSeconds";
    public const string SpoolDirectory = "SpoolDirectory";
    public const string SpoolMaxBytes = "SpoolMaxBytes";
    public const string SpoolMaxAgeHours = "SpoolMaxAgeHours";

    public const string PushMaxRetries = "Push:MaxRetries";
    public const string PushRetryBaseDelayMilliseconds = "Push:RetryBaseDelayMilliseconds";
    public const string PushMaxRetryDelaySeconds = "Push:MaxRetryDelaySeconds";
    public const string PushRequestTimeoutSeconds = "Push:RequestTimeoutSeconds";

    public const string Collectors = "Collectors";

    public const string IpvsEnabled = "Collectors:Ipvs:Enabled";
    public const string IpvsProcRoot = "Collectors:Ipvs:ProcRoot";
    public const string IpvsIpvsadmPath = "Collectors:Ipvs:IpvsadmPath";
    public const string IpvsTopSynRecvSources = "Collectors:Ipvs:TopSynRecvSources";

    public const string IptablesEnabled = "Collectors:Iptables:Enabled";
    public const string IptablesCommand = "Collectors:Iptables:Command";
    public const string IptablesHostNamespace = "Collectors:Iptables:HostNamespace";
    public const string IptablesNamespaces = "Collectors:Iptables:Namespaces";
    public const string IptablesTables = "Collectors:Iptables:Tables";

    public const string NsxEnabled = "Collectors:Nsx:Enabled";
    public const string NsxCommand = "Collectors:Nsx:Command";
    public const string NsxApiUrl = "Collectors:Nsx:ApiUrl";
    public const string NsxUser = "Collectors:Nsx:User";
    public const string NsxPasswordFile = "Collectors:Nsx:PasswordFile";

    public const string KeepalivedEnabled = "Collectors:Keepalived:Enabled";
    public const string KeepalivedNotifyFifo = "Collectors:Keepalived:NotifyFifo";
    public const string KeepalivedDataFile = "Collectors:Keepalived:DataFile";

    public const string OvsEnabled = "Collectors:Ovs:Enabled";
    public const string OvsOfctlPath = "Collectors:Ovs:OfctlPath";
    public const string OvsBridges = "Collectors:Ovs:Bridges";
    public const string OvsVsctlPath = "Collectors:Ovs:VsctlPath";
    public const string OvsOvsdbRemote = "Collectors:Ovs:OvsdbRemote";

    /// <summary>Keys holding a single value.</summary>
    public static IReadOnlyList<string> Scalars { get; } =
    [
        Server, Token, TokenFile, Host, IntervalSeconds, SpoolDirectory, SpoolMaxBytes, SpoolMaxAgeHours,
        PushMaxRetries, PushRetryBaseDelayMilliseconds, PushMaxRetryDelaySeconds, PushRequestTimeoutSeconds,
        IpvsEnabled, IpvsProcRoot, IpvsIpvsadmPath, IpvsTopSynRecvSources,
        IptablesEnabled, IptablesCommand, IptablesHostNamespace,
        NsxEnabled, NsxCommand, NsxApiUrl, NsxUser, NsxPasswordFile,
        KeepalivedEnabled, KeepalivedNotifyFifo, KeepalivedDataFile,
        OvsEnabled, OvsOfctlPath, OvsVsctlPath, OvsOvsdbRemote,
    ];

    /// <summary>Keys holding a list (KEY:0, KEY:1, … in configuration terms).</summary>
    public static IReadOnlyList<string> Lists { get; } = [IptablesNamespaces, IptablesTables, OvsBridges];
}
