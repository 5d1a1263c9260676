using Dashboard.Core.Iptables;

namespace Dashboard.Core.Ovs;

/// <summary>
/// What the flows of Neutron's Open vSwitch firewall driver mean (neutron `agent/linux/openvswitch_firewall`,
/// `ovs_consts`): which tables filter which direction, which flows drop and why. Register 5 holds the OpenFlow port the
/// flow is about, register 6 the network (conntrack zone).
/// </summary>
internal static class NeutronOvsFirewall
{
    public const int TransientTable = 60;
    public const int BaseEgressTable = 71;
    public const int RulesEgressTable = 72;
    public const int AcceptOrIngressTable = 73;
    public const int BaseIngressTable = 81;
    public const int RulesIngressTable = 82;
    public const int AcceptedIngressTrafficTable = 92;
    public const int DroppedTrafficTable = 93;

    public const string AntiSpoofComment = "Drop traffic without an IP/MAC allow rule (OVS firewall, source IP/MAC not among the port's allowed pairs).";
    public const string InvalidComment = "Drop packets that conntrack marks invalid (OVS firewall).";
    public const string UnmatchedComment = "Drop traffic no security group rule allows (OVS firewall).";
    public const string DhcpSpoofComment = "Prevent DHCP Spoofing by VM (OVS firewall).";

    private static readonly string[] s_protocols = ["ip", "ipv6", "arp", "tcp", "tcp6", "udp", "udp6", "icmp", "icmp6", "sctp", "sctp6"];

    /// <summary>Drops go to the dropped-traffic table (newer agents, after ct_clear for anti-spoof) or end in a plain drop (older ones).</summary>
    /// <remarks>Table 92's drop is no drop: the first packet of an accepted ingress connection was already output to the port.</remarks>
    public static bool Drops(OvsFlow flow) =>
        flow.Table != AcceptedIngressTrafficTable
        && (flow.Actions == "drop" || flow.Actions.EndsWith("resubmit(,93)", StringComparison.Ordinal) || flow.Actions.EndsWith("goto_table:93", StringComparison.Ordinal));

    /// <summary>i (to the VM), o (from the VM) or s (anti-spoof) for the firewall's tables; null for the others.</summary>
    public static string? DirectionOf(OvsFlow flow, string? dropKind) => flow.Table switch
    {
        BaseEgressTable when dropKind == NeutronDropKinds.AntiSpoof => "s",
        BaseEgressTable or RulesEgressTable or AcceptOrIngressTable => "o",
        BaseIngressTable or RulesIngressTable => "i",
        _ => null,
    };

    /// <returns>The drop kind as <see cref="NeutronDropKinds"/> names them, with a description, or (null, null).</returns>
    public static (string? Kind, string? Comment) Classify(OvsFlow flow)
    {
        if (!Drops(flow))
        {
            return (null, null);
        }

        var port = flow.Field("reg5") is not null;
        switch (flow.Table)
        {
            case BaseEgressTable when IsDhcpServerReply(flow):
                return (NeutronDropKinds.DhcpSpoof, DhcpSpoofComment);
            case BaseEgressTable when port && !Array.Exists(s_protocols, flow.Has):
                // The port's catch-all (priority 10): what no allowed IP/MAC pair (priority 65 and 95 flows) accepted.
                // Protocol-specific drops next to it (router advertisements from the VM) are not anti-spoof.
                return (NeutronDropKinds.AntiSpoof, AntiSpoofComment);
            case RulesEgressTable or RulesIngressTable when flow.Field("ct_state") is { } state && state.Contains("+inv", StringComparison.Ordinal):
                return (NeutronDropKinds.ConntrackInvalid, InvalidComment);
            case RulesEgressTable or RulesIngressTable:
                // ct_state=-est / ct_mark=0x1 per port, and the table's last priority=0 flow: nothing allowed the packet.
                return (NeutronDropKinds.SgFallback, UnmatchedComment);
            default:
                return (null, null);
        }
    }

    /// <summary>
    /// An egress IP flow that lets one allowed IP/MAC pair on (priority 65, to conntrack): the port's anti-spoof allow list.
    /// DHCP requests from 0.0.0.0 match udp, not ip, so they are not pairs.
    /// </summary>
    public static bool AllowsPair(OvsFlow flow) =>
        flow.Table == BaseEgressTable && (flow.Has("ip") || flow.Has("ipv6")) && !Drops(flow);

    private static bool IsDhcpServerReply(OvsFlow flow) =>
        (flow.Has("udp") && flow.Field("tp_src") == "67") || (flow.Has("udp6") && flow.Field("tp_src") == "547");
}
