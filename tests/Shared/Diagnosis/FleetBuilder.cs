using Dashboard.Core.Diagnosis;
using Dashboard.Core.Iptables;
using Dashboard.Core.Ipvs;

namespace Dashboard.Testing;

/// <summary>Fleets built from the seed incidents' own names and numbers, varied one fact at a time.</summary>
public sealed class FleetBuilder
{
    public static readonly DateTimeOffset Now = new(2026, 11, 11, 20, 0, 0, TimeSpan.Zero);
    public const string Vip = "10.1.26.252:10051";
    public const string DirectorPort = "38833ad6-c";

    private readonly List<DirectorView> _directors = [];
    private readonly List<HypervisorView> _hypervisors = [];
    private readonly List<HostHeartbeat> _hosts = [];

    public static IReadOnlyList<string> SeedRealServers { get; } = Enumerable.Range(136, 8).Select(i => $"10.1.26.{i}:10051").ToList();

    public static RealServerSample RealServer(string destination, long synRecv, long established, string vip = Vip)
    {
        var byState = new StateCounts { ["SYN_RECV"] = synRecv, ["ESTABLISHED"] = established };
        return new RealServerSample("TCP", vip, destination, "Route", 100, established + synRecv, 0, synRecv + established, synRecv, 0, byState);
    }

    public FleetBuilder Director(string host, params VipView[] vips)
    {
        _directors.Add(new DirectorView(host, Now, vips, []));
        _hosts.Add(new HostHeartbeat(host, "director", Now, false));
        return this;
    }

    public static VipView SeedVip(Func<string, int, RealServerSample> realServer) =>
        new("TCP", Vip, RealServerTable.Create("TCP", Vip, SeedRealServers.Select(realServer), null));

    /// <summary>The seed's compute node: the director port carries the VIP and 10.1.26.144; each real server its own address.</summary>
    public FleetBuilder ComputeNode(string host, IEnumerable<RuleRate> rules, bool realServerPortsCarryVip = false, long rulesWithoutCounters = 0)
    {
        var ports = new List<NeutronPort>
        {
            new() { Port = DirectorPort, Device = "tap38833ad6-c6", AllowedPairs = [new() { Address = "10.1.26.252/32", Mac = "fa:16:3e:c4:20:c7" }, new() { Address = "10.1.26.144/32", Mac = "fa:16:3e:c4:20:c7" }] },
        };
        foreach (var rs in SeedRealServers)
        {
            var address = Endpoints.HostOf(rs);
            var pairs = new List<NeutronAllowedPair> { new() { Address = address + "/32" } };
            if (realServerPortsCarryVip)
            {
                pairs.Add(new NeutronAllowedPair { Address = "10.1.26.252/32" });
            }

            ports.Add(new NeutronPort { Port = PortOf(rs), AllowedPairs = pairs });
        }

        _hypervisors.Add(new HypervisorView(host, Now, rules.ToList(), ports, []) { RulesWithoutCounters = rulesWithoutCounters });
        _hosts.Add(new HostHeartbeat(host, "hypervisor", Now, false));
        return this;
    }

    /// <summary>A compute node with rules but none of the seed's ports.</summary>
    public FleetBuilder OtherComputeNode(string host, IEnumerable<RuleRate> rules)
    {
        _hypervisors.Add(new HypervisorView(host, Now, rules.ToList(), [], []));
        _hosts.Add(new HostHeartbeat(host, "hypervisor", Now, false));
        return this;
    }

    public FleetBuilder EsxiHost(string host, params NsxFilterRate[] filters)
    {
        _hypervisors.Add(new HypervisorView(host, Now, [], [], filters));
        _hosts.Add(new HostHeartbeat(host, "nsx", Now, false));
        return this;
    }

    public FleetBuilder Heartbeat(string host, string role, DateTimeOffset lastSeen, bool reset = false)
    {
        _hosts.RemoveAll(h => h.Host == host);
        _hosts.Add(new HostHeartbeat(host, role, lastSeen, reset));
        return this;
    }

    public FleetView Build(DateTimeOffset? now = null) => new(now ?? Now, _directors, _hypervisors, _hosts);

    /// <summary>Port-id prefix of a real server's port: stable, and unlike the director's.</summary>
    public static string PortOf(string realServer) => $"aa{Endpoints.HostOf(realServer).Split('.')[^1]}00bb-1";

    public static RuleRate AntiSpoof(string port, double rate, ulong total = 5000) =>
        new("filter", $"neutron-openvswi-s{port}", 3, "DROP", "Drop traffic without an IP/MAC allow rule.", "anti-spoof", port, "s", total, rate);

    public static RuleRate Fallback(string port, double rate) =>
        new("filter", "neutron-openvswi-sg-fallback", 1, "DROP", "Default drop rule for unmatched traffic.", "sg-fallback", port, "i", 800, rate);

    /// <summary>The OVS firewall's anti-spoof catch-all of a port (br-int table 71, priority 10), as the ovs-flows parser maps it.</summary>
    public static RuleRate OvsAntiSpoof(string port, double rate, ulong total = 5000) =>
        new("openflow", "br-int table 71", 31, "DROP", Dashboard.Core.Ovs.NeutronOvsFirewall.AntiSpoofComment, "anti-spoof", port, "s", total, rate);

    /// <summary>The OVS firewall's ingress "no rule matched" drop of a port (br-int table 82, ct_state=-est).</summary>
    public static RuleRate OvsUnmatchedIngress(string port, double rate) =>
        new("openflow", "br-int table 82", 14, "DROP", Dashboard.Core.Ovs.NeutronOvsFirewall.UnmatchedComment, "sg-fallback", port, "i", 900, rate);

    /// <summary>The OVS firewall's bridge-wide INVALID drop (br-int table 72, ct_state=+inv+trk, no register 5).</summary>
    public static RuleRate OvsInvalid(double rate) =>
        new("openflow", "br-int table 72", 9, "DROP", Dashboard.Core.Ovs.NeutronOvsFirewall.InvalidComment, "conntrack-invalid", null, null, 300, rate);

    public static RuleRate Invalid(string port, double rate) =>
        new("filter", $"neutron-openvswi-o{port}", 9, "DROP", "Drop packets that appear related to an existing connection (e.g. TCP ACK/FIN) but do not have an entry in conntrack.", "conntrack-invalid", port, "o", 300, rate);
}
