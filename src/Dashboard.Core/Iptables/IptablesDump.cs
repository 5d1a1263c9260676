using System.Text.Json.Serialization;
using Dashboard.Core.Ipvs;

namespace Dashboard.Core.Iptables;

/// <summary>iptables-save -c or iptables -L -v -n -x: tables, chains with policy counters, rules with counters.</summary>
public sealed class IptablesDump
{
    /// <summary>Network namespace it was read in, when not the host's.</summary>
    public string? Namespace { get; set; }

    /// <summary>"legacy", "nf_tables" or null when the header did not say.</summary>
    public string? Variant { get; set; }

    public List<IptablesTable> Tables { get; set; } = [];

    /// <summary>Neutron ports found in the chain names, with the allowed IP/MAC pairs of their anti-spoof chain.</summary>
    public List<NeutronPort> NeutronPorts { get; set; } = [];

    public List<ParseWarning> Warnings { get; set; } = [];
}

public sealed class IptablesTable
{
    public string Name { get; set; } = "";
    public List<IptablesChain> Chains { get; set; } = [];
}

public sealed class IptablesChain
{
    public string Name { get; set; } = "";

    /// <summary>ACCEPT/DROP for built-in chains, null ("-") for user chains.</summary>
    public string? Policy { get; set; }

    public ulong Packets { get; set; }
    public ulong Bytes { get; set; }
    public NeutronChainRef? Neutron { get; set; }
    public List<IptablesRule> Rules { get; set; } = [];
}

public sealed class IptablesRule
{
    /// <summary>1-based position in its chain.</summary>
    public int Index { get; set; }

    public ulong Packets { get; set; }
    public ulong Bytes { get; set; }
    public string? Target { get; set; }

    /// <summary>Reached by -g (goto) rather than -j: the chain does not return here.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Goto { get; set; }

    /// <summary>Options of the target itself, e.g. "--zone 4097" of CT or "--reject-with icmp-port-unreachable".</summary>
    public string? TargetOptions { get; set; }

    public string? Comment { get; set; }

    /// <summary>The rule's match part, normalized: no counters, no -A CHAIN, no comment, no target.</summary>
    public string Spec { get; set; } = "";

    public NeutronChainRef? Neutron { get; set; }

    /// <summary>Known drop rule: anti-spoof, conntrack-invalid, sg-fallback, dhcp-spoof, or null.</summary>
    public string? DropKind { get; set; }

    /// <summary>Stable identity: survives Neutron re-rendering the rule text (hash of table, chain, comment, target, normalized spec).</summary>
    public string Identity { get; set; } = "";
}

/// <summary>What a Neutron chain name says: port-id prefix and direction (i to VM, o from VM, s anti-spoof).</summary>
public sealed class NeutronChainRef
{
    public string Port { get; set; } = "";
    public string Direction { get; set; } = "";
}

public sealed class NeutronPort
{
    /// <summary>Port-id prefix as in the chain names, e.g. "38833ad6-c".</summary>
    public string Port { get; set; } = "";

    /// <summary>Tap device seen in physdev matches, e.g. "tap38833ad6-c6".</summary>
    public string? Device { get; set; }

    public List<NeutronAllowedPair> AllowedPairs { get; set; } = [];
}

public sealed class NeutronAllowedPair
{
    /// <summary>Source address or CIDR the anti-spoof chain lets through.</summary>
    public string Address { get; set; } = "";
    public string? Mac { get; set; }
}
