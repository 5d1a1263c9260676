using Dashboard.Core.Ipvs;

namespace Dashboard.Core.Nsx;

/// <summary>NSX distributed firewall counters: per filter (world, vNIC) drop counters by reason, and per rule hits.</summary>
public sealed class NsxFirewallStats
{
    public List<NsxFilter> Filters { get; set; } = [];
    public List<NsxRuleStats> Rules { get; set; } = [];
    public List<ParseWarning> Warnings { get; set; } = [];
}

public sealed class NsxFilter
{
    /// <summary>dvfilter name, e.g. nic-1371516-eth0-vmware-sfw.2.</summary>
    public string Name { get; set; } = "";
    public long? WorldId { get; set; }
    public int? VnicIndex { get; set; }
    public int? Slot { get; set; }
    public string? VmName { get; set; }

    /// <summary>vSwitch port of the vNIC as summarize-dvfilter lists it, e.g. 67108881 "PROD-MRS-DB-01.eth0".</summary>
    public long? PortId { get; set; }
    public string? PortName { get; set; }

    public string? Mac { get; set; }

    /// <summary>Other header fields of the filter (FW algorithm, sessions, flags, …), lower-case kebab keys, values as printed.</summary>
    public SortedDictionary<string, string> Header { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Counters by reason as NSX names them (pass, drop, state-mismatch, match, …), normalized to lower-case kebab.</summary>
    public SortedDictionary<string, ulong> Counters { get; set; } = new(StringComparer.Ordinal);
}

public sealed class NsxRuleStats
{
    public string RuleId { get; set; } = "";
    public string? Path { get; set; }
    public ulong Packets { get; set; }
    public ulong Bytes { get; set; }
    public ulong Hits { get; set; }
    public ulong Sessions { get; set; }
}
