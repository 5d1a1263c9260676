using Dashboard.Core.Batches;
using Dashboard.Core.Iptables;
using Dashboard.Core.Ipvs;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>Small, explicit batches for tests that need exact numbers.</summary>
public static class TestBatches
{
    public static AgentBatch Director(string host, long sequence, DateTimeOffset at, long synRecv, long established,
        string vip = "10.1.26.252:10051", params string[] realServers)
    {
        var servers = realServers.Length > 0 ? realServers : ["10.1.26.139:10051", "10.1.26.140:10051"];
        var table = new IpvsServiceTable { Services = [new IpvsService { Protocol = "TCP", Virtual = vip, Scheduler = "sh" }] };
        var summary = new IpvsConnectionSummary();
        foreach (var rs in servers)
        {
            table.Services[0].Destinations.Add(new IpvsDestination { Address = rs, Forward = "Route", Weight = 100, ActiveConn = established + synRecv, InActConn = 0 });
            var dest = new IpvsDestinationStates { Virtual = vip, Destination = rs };
            dest.ByState["SYN_RECV"] = synRecv;
            dest.ByState["ESTABLISHED"] = established;
            summary.Destinations.Add(dest);
            summary.Connections += synRecv + established;
        }

        summary.ByState["SYN_RECV"] = synRecv * servers.Length;
        summary.ByState["ESTABLISHED"] = established * servers.Length;
        return new AgentBatch { Host = host, Sequence = sequence, CollectedAt = at, Ipvs = new IpvsSnapshot { Services = table, Connections = summary } };
    }

    /// <summary>A compute node whose director-port anti-spoof rule has dropped <paramref name="antiSpoofPackets"/> so far.</summary>
    public static AgentBatch Hypervisor(string host, long sequence, DateTimeOffset at, ulong antiSpoofPackets, string spec = "-m comment")
    {
        var neutron = new NeutronChainRef { Port = "38833ad6-c", Direction = "s" };
        var chain = new IptablesChain
        {
            Name = "neutron-openvswi-s38833ad6-c",
            Neutron = neutron,
            Rules =
            [
                new IptablesRule
                {
                    Index = 1, Packets = 10, Bytes = 600, Target = "RETURN", Comment = "Allow traffic from defined IP/MAC pairs.",
                    Spec = "-s 10.1.26.144/32 -m mac --mac-source FA:16:3E:C4:20:C7", Neutron = neutron, Identity = "allow-144",
                },
                new IptablesRule
                {
                    Index = 2, Packets = antiSpoofPackets, Bytes = antiSpoofPackets * 60, Target = "DROP",
                    Comment = "Drop traffic without an IP/MAC allow rule.", Spec = spec, Neutron = neutron, DropKind = "anti-spoof",
                    Identity = "anti-spoof-38833ad6-c",
                },
            ],
        };
        var dump = new IptablesDump
        {
            Tables = [new IptablesTable { Name = "filter", Chains = [new IptablesChain { Name = "FORWARD", Policy = "ACCEPT", Packets = 5, Bytes = 300 }, chain] }],
            NeutronPorts =
            [new NeutronPort
            {
                Port = "38833ad6-c",
                Device = "tap38833ad6-c6",
                AllowedPairs =
                [
                    new NeutronAllowedPair { Address = "10.1.26.252/32", Mac = "FA:16:3E:C4:20:C7" },
                    new NeutronAllowedPair { Address = "10.1.26.144/32", Mac = "FA:16:3E:C4:20:C7" },
                ],
            }],
        };
        return new AgentBatch { Host = host, Sequence = sequence, CollectedAt = at, Iptables = [dump] };
    }

    /// <summary>An ESXi host whose one DFW filter has counted <paramref name="value"/> drops of <paramref name="reason"/> so far.</summary>
    public static AgentBatch Nsx(string host, DateTimeOffset at, string filter, ulong value, string reason = "state-mismatch")
    {
        var f = new Core.Nsx.NsxFilter { Name = filter, VmName = "lvs-b" };
        f.Counters[reason] = value;
        return new AgentBatch { Host = host, CollectedAt = at, Nsx = new Core.Nsx.NsxFirewallStats { Filters = [f] } };
    }
}
