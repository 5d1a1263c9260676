namespace Dashboard.Core.Iptables;

/// <summary>Names of the drop rules Neutron's iptables firewall is known to install, as carried in <see cref="IptablesRule.DropKind"/>.</summary>
public static class NeutronDropKinds
{
    /// <summary>Anti-spoof drop at the end of an `s` chain: source IP/MAC not among the port's allowed pairs.</summary>
    public const string AntiSpoof = "anti-spoof";

    /// <summary>Packets with conntrack state INVALID (the iptables analogue of the NSX state-mismatch drop).</summary>
    public const string ConntrackInvalid = "conntrack-invalid";

    /// <summary>Unmatched traffic: the jump to sg-fallback at the end of an i/o chain, and the DROP inside sg-fallback.</summary>
    public const string SgFallback = "sg-fallback";

    /// <summary>A VM answering as a DHCP server.</summary>
    public const string DhcpSpoof = "dhcp-spoof";
}
