namespace Dashboard.Core.Diagnosis;

/// <summary>What fixed each failure for teams who met it, with the trade-offs.</summary>
public static class Remediations
{
    public static string DrForwardDrop(string port, string? device) =>
        $"The director rewrites only the destination MAC, so what it forwards still carries the client's source address, which " +
        $"port {port}'s anti-spoof chain does not allow. Options: (1) accept the director's forwarded traffic before the " +
        $"security-group chains, in neutron-openvswi-local on the compute node (e.g. -m physdev --physdev-in {device ?? "tap" + port} -j ACCEPT): " +
        "immediate, but outside Neutron's control, so it is lost when the agent rebuilds the rules and bypasses the real servers' ingress rules for that traffic; " +
        "(2) add 0.0.0.0/0 (or the client ranges) to the director port's allowed address pairs: managed by Neutron, but it weakens anti-spoofing for that VM; " +
        "(3) disable port security on the director port: simplest, and it removes every security group from it.";

    public static string DrForwardDropOvs(string port) =>
        $"The director rewrites only the destination MAC, so what it forwards still carries the client's source address, which the Open vSwitch firewall's " +
        $"anti-spoof flows for port {port} (br-int table 71: only the port's IP/MAC pairs go on to conntrack, the rest hits the priority 10 drop) do not allow. " +
        "Options: (1) add 0.0.0.0/0 (or the client ranges) to the director port's allowed address pairs: Neutron then installs a table 71 flow that lets them through; " +
        "it weakens anti-spoofing for that VM; (2) disable port security on the director port: simplest, and it removes every security group from it. " +
        "There is no neutron-openvswi-local chain to accept the traffic in with this driver, and flows added by hand are removed when the agent resyncs.";

    public static string RsIngressDrop(string port) =>
        $"The real server's port {port} drops traffic that involves the VIP: the real server answers from the VIP (held on lo), " +
        "which its anti-spoof chain does not allow, or its ingress rules do not allow the VIP's service port. Add the VIP to the real server port's allowed " +
        "address pairs and allow the service port in its security group.";

    public static string StatefulHalfFlowNsx(string filter) =>
        $"The distributed firewall on {filter} tracks TCP state per vNIC but sees only the client-to-server half of each flow on a DR director, " +
        "so once the window moves on it drops packets as state-mismatch (small requests pass, large transfers stall). Put the LVS VMs on the DFW exclusion list " +
        "(fastest and simplest; the VMs then have no DFW at all), or apply them a stateless policy with TCP strict off and an allow rule for the VIP's traffic.";

    public static string StatefulHalfFlowNeutron(string port) =>
        $"Port {port}'s conntrack zone sees only the client-to-server half of the director's flows, so the client's ACKs and data are INVALID and dropped. " +
        "Accept the director's forwarded traffic before the security-group chains (neutron-openvswi-local), or disable port security on the director port; " +
        "opening allowed address pairs alone does not help, because the INVALID rule still applies.";

    public static string StatefulHalfFlowOvs(string port) =>
        $"The Open vSwitch firewall tracks every port's connections in conntrack (zone per network) and sees only the client-to-server half of the " +
        $"director's flows on port {port}, so the client's ACKs and data are INVALID and dropped (br-int tables 72/82, ct_state=+inv+trk). " +
        "Disable port security on the director port (its flows then bypass the firewall tables); opening allowed address pairs alone does not help, because the INVALID drop still applies.";

    public const string DirectorWide =
        "Every virtual service of this director piles up in SYN_RECV and no hypervisor firewall shows drops for its ports: look at the director itself. " +
        "Check that it still holds the VIP only once (VRRP state on both directors: a split brain answers ARP twice), that the real servers have the VIP on lo " +
        "with arp_ignore=1/arp_announce=2, that the director's egress interface and ARP entries for the real servers are right, and rp_filter on the director.";

    public const string AgentSilent =
        "No batch arrived from this host for longer than the silence threshold: the agent stopped, lost its token, or cannot reach the server. " +
        "Its last numbers are shown greyed out and should not be trusted. Check `systemctl status dashboard-agent` and its journal on the host.";

    public const string CountersMissing =
        "The host's firewall dump has no rule counters (iptables-save without -c, iptables -L without -v, or redacted columns), so its drops are unknown " +
        "and no drop finding can fire for its ports. Collect with `iptables-save -c` (the agent's default command) or `iptables -L -v -n -x`.";

    public const string CounterReset =
        "A counter of this host went down since its previous batch (iptables -Z, a rule reload, an NSX stats reset or a reboot). Rates were computed from zero; " +
        "totals before the reset are kept in history.";

    public const string StorageFull =
        "The dashboard refuses pushes (503 with Retry-After) while the database's file system is below its free-space floor, so that PostgreSQL " +
        "keeps room for its write-ahead log instead of stopping with a PANIC; the agents spool meanwhile. Free space on that file system (other files, " +
        "a larger volume, or shorter Dashboard:Retention), never by deleting files under pg_wal. Ingest resumes by itself once space is back above " +
        "the floor, and the agents replay their spools (bounded by SpoolMaxBytes and SpoolMaxAgeHours).";

    public const string ClockSkew =
        "This host's clock runs ahead of the server's: its batches claimed a collection time in the future. They are stored as of their receipt " +
        "(or, more than 10 minutes ahead, refused), so its charts are shifted. Fix the time on the host: `chronyc tracking` or `timedatectl status`, then enable NTP.";

    public const string LimitReached =
        "A configured limit refused data: the host, token or batch named in the evidence was not stored. Raise the limit named there if the fleet really is that " +
        "large, or find the token that sends for too many hosts (`token list`) and bind it to its own hosts.";
}
