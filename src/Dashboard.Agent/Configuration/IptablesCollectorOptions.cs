namespace Dashboard.Agent.Configuration;

public sealed class IptablesCollectorOptions
{
    public bool Enabled { get; set; }

    public string Command { get; set; } = "iptables-save -c";

    /// <summary>Read the host's own namespace as well as <see cref="Namespaces"/>.</summary>
    public bool HostNamespace { get; set; } = true;

    /// <summary>Network namespaces read through `ip netns exec NAME COMMAND`.</summary>
    public List<string> Namespaces { get; set; } = [];

    /// <summary>One run per table (`COMMAND -t TABLE`); empty runs the command once for every table.</summary>
    public List<string> Tables { get; set; } = [];
}
