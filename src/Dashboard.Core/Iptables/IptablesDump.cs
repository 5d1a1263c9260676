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

    /// <summary>Rules the dump printed without counters (iptables-save without -c, redacted -L columns): their drops are unknown.</summary>
    public long RulesWithoutCounters { get; set; }

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

    /// <summary>Policy counters as printed; null when the listing did not print them as numbers.</summary>
    [JsonPropertyName("packets")]
    public ulong? PacketCount { get; set; }

    [JsonPropertyName("bytes")]
    public ulong? ByteCount { get; set; }

    /// <summary><see cref="PacketCount"/> for the stages after ingest, which keeps no policy without counters.</summary>
    [JsonIgnore]
    public ulong Packets { get => PacketCount ?? throw Uncounted(Name); set => PacketCount = value; }

    [JsonIgnore]
    public ulong Bytes { get => ByteCount ?? throw Uncounted(Name); set => ByteCount = value; }

    [JsonIgnore]
    public bool HasCounters => PacketCount is not null && ByteCount is not null;

    public NeutronChainRef? Neutron { get; set; }
    public List<IptablesRule> Rules { get; set; } = [];

    internal static InvalidOperationException Uncounted(string what) =>
        new($"'{what}' has no counters in its dump: read PacketCount/ByteCount, or ingest first (it drops what has none)");
}

public sealed class IptablesRule
{
    /// <summary>1-based position in its chain.</summary>
    public int Index { get; set; }

    /// <summary>Packets as the dump printed them; null when it printed none (iptables-save without -c) or not as a number.</summary>
    [JsonPropertyName("packets")]
    public ulong? PacketCount { get; set; }

    [JsonPropertyName("bytes")]
    public ulong? ByteCount { get; set; }

    /// <summary><see cref="PacketCount"/> for the stages after ingest, which drops rules without counters (storage, live state).</summary>
    [JsonIgnore]
    public ulong Packets { get => PacketCount ?? throw IptablesChain.Uncounted(Spec); set => PacketCount = value; }

    [JsonIgnore]
    public ulong Bytes { get => ByteCount ?? throw IptablesChain.Uncounted(Spec); set => ByteCount = value; }

    [JsonIgnore]
    public bool HasCounters => PacketCount is not null && ByteCount is not null;

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

    /// <summary>The whole Neutron port id (Open vSwitch external_ids:iface-id); absent where only names were read.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PortId { get; set; }

    /// <summary>The VM's MAC on the port (external_ids:attached-mac).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Mac { get; set; }

    /// <summary>OpenFlow port number on the bridge (Open vSwitch firewall only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? OfPort { get; set; }

    public List<NeutronAllowedPair> AllowedPairs { get; set; } = [];
}

public sealed class NeutronAllowedPair
{
    /// <summary>Source address or CIDR the anti-spoof chain lets through.</summary>
    public string Address { get; set; } = "";
    public string? Mac { get; set; }
}
