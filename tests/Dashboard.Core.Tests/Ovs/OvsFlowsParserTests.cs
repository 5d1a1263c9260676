using Dashboard.Core.Iptables;
using Dashboard.Core.Ovs;
using Dashboard.Core.Parsing;
using Dashboard.Core.Tests.Fuzzing;

namespace Dashboard.Core.Tests.Ovs;

public sealed class OvsFlowsParserTests
{
    private const string AmphoraFixture = "9506hqwy-openstack_study_notes__ovs-ofctl_dump-flows_br-int.txt";
    private const string PortCheckFixture = "antonkurbatov-neutron-portcheck__ovs-ofctl_dump-flows_br-int_grep-mac.txt";
    private const string OneVmFixture = "9506hqwy-openstack_study_notes__instance_ovs_vxlan_ovs-ofctl_dump-flows_br-int.txt";
    private const string NeutronDocFixture = "openstack-neutron__openvswitch_firewall_rst_flows.txt";
    private const string LabFixture = "lab-ovs3.1__ovs-lab_show_vsctl-csv_dump-flows_br-int.txt";

    private static ParseOutcome<IptablesDump> Parse(string text) => OvsFlowsParser.Parse(TestText.Stream(text));

    private static IEnumerable<IptablesRule> Rules(IptablesDump dump) => dump.Tables.Single().Chains.SelectMany(c => c.Rules);

    [Fact]
    public void Issue24_RealAmphoraComputeNode_GoldenCounts()
    {
        // Counted independently over the file:
        //   grep -c 'actions=' → 126 flows; grep -o 'table=[0-9]*,' | sort -u | wc -l → 17 tables;
        //   awk -F'n_packets=' '{split($2,a,","); s+=a[1]} END {print s}' → 9305 packets;
        //   grep -c 'resubmit(,93)$' → 18, grep -c 'actions=drop$' → 12 (one of them table 92's, which is no drop);
        //   grep 'table=71,.*priority=10,reg5' → anti-spoof 3 packets on reg5=0x6, 5 on reg5=0x7;
        //   grep 'ct_state=+inv+trk' → 6 packets in table 72, 0 in table 82;
        //   grep 'table=71,.*priority=65,ip' | grep -o 'nw_src=…\|ipv6_src=…' | sort -u | wc -l → 5 allowed pairs.
        using var input = TestText.Fixture(AmphoraFixture);

        var outcome = OvsFlowsParser.Parse(input);

        var dump = outcome.Value;
        Assert.Empty(outcome.Diagnostics);
        var table = Assert.Single(dump.Tables);
        Assert.Equal("openflow", table.Name);
        Assert.Equal(17, table.Chains.Count);
        Assert.Equal("br-int table 71", table.Chains.Single(c => c.Rules.Count == 33).Name);
        var rules = Rules(dump).ToList();
        Assert.Equal(126, rules.Count);
        Assert.Equal(9305UL, rules.Aggregate(0UL, (sum, r) => sum + r.PacketCount!.Value));
        Assert.Equal(0, dump.RulesWithoutCounters);
        Assert.Equal(29, rules.Count(r => r.Target == "DROP"));
        Assert.Equal(126, rules.Select(r => r.Identity).Distinct().Count());

        var antiSpoof = rules.Where(r => r.DropKind == NeutronDropKinds.AntiSpoof).ToList();
        Assert.Equal([("5757a3e3-a", "s", 3UL), ("57ff88f0-a", "s", 5UL)], antiSpoof.Select(r => (r.Neutron!.Port, r.Neutron.Direction, r.PacketCount!.Value)));
        var invalid = rules.Where(r => r.DropKind == NeutronDropKinds.ConntrackInvalid).ToList();
        Assert.Equal([6UL, 0UL], invalid.Select(r => r.PacketCount!.Value));
        Assert.All(invalid, r => Assert.Null(r.Neutron));
        Assert.Equal(4, rules.Count(r => r.DropKind == NeutronDropKinds.DhcpSpoof));
        Assert.Equal(10, rules.Count(r => r.DropKind == NeutronDropKinds.SgFallback));

        Assert.Equal(["5757a3e3-a", "57ff88f0-a"], dump.NeutronPorts.Select(p => p.Port).Order());
        Assert.Equal(5, dump.NeutronPorts.Sum(p => p.AllowedPairs.Count));
        var amphora = dump.NeutronPorts.Single(p => p.Port == "57ff88f0-a");
        Assert.Equal("tap57ff88f0-a4", amphora.Device);
        Assert.Contains(amphora.AllowedPairs, p => p.Address == "192.168.101.228" && p.Mac == "fa:16:3e:46:89:39");
    }

    [Fact]
    public void Issue24_GrepOfOnePortWithoutShow_CountsFlowsAndWarnsOnceThatPortNamesAreUnknown()
    {
        // grep -c 'actions=' → 6; the flows with reg5=0x1e: 3; n_packets sum 97.
        using var input = TestText.Fixture(PortCheckFixture);

        var outcome = OvsFlowsParser.Parse(input);

        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal((2L, "reg5", DiagnosticSeverity.Warning), (warning.Line, warning.Field, warning.Severity));
        Assert.StartsWith("3 flows name OpenFlow ports", warning.Reason);
        Assert.Equal(6, Rules(outcome.Value).Count());
        Assert.Equal(97UL, Rules(outcome.Value).Aggregate(0UL, (sum, r) => sum + r.PacketCount!.Value));
        Assert.Empty(outcome.Value.NeutronPorts);
    }

    [Fact]
    public void Parse_ShowThenFlowsWithNumericPorts_MapsRegisterFiveToTheTapPortAndBridgeName()
    {
        // ovs-ofctl show as Open vSwitch 3.1 prints it (lab capture), then flows that name ports by number only.
        const string text = """
            OFPT_FEATURES_REPLY (xid=0x2): dpid:00007209af1c0141
            n_tables:254, n_buffers:0
            capabilities: FLOW_STATS TABLE_STATS PORT_STATS QUEUE_STATS ARP_MATCH_IP
            actions: output enqueue set_vlan_vid set_vlan_pcp strip_vlan mod_dl_src mod_dl_dst mod_nw_src mod_nw_dst mod_nw_tos mod_tp_src mod_tp_dst
             1(tap38833ad6-c6): addr:0e:5b:f4:1c:38:53
                 config:     0
                 state:      0
                 current:    10GB-FD COPPER
                 speed: 10000 Mbps now, 0 Mbps max
             LOCAL(br-lab): addr:72:09:af:1c:01:41
                 config:     PORT_DOWN
                 state:      LINK_DOWN
            OFPT_GET_CONFIG_REPLY (xid=0x4): frags=normal miss_send_len=0
            NXST_FLOW reply (xid=0x4):
             cookie=0x1, duration=1.5s, table=71, n_packets=12, n_bytes=720, priority=65,ip,reg5=0x1,in_port=1,dl_src=fa:16:3e:c4:20:c7,nw_src=10.1.26.252 actions=ct(table=72,zone=NXM_NX_REG6[0..15])
             cookie=0x1, duration=1.5s, table=71, n_packets=60, n_bytes=3600, priority=10,reg5=0x1,in_port=1 actions=drop
            """;

        var outcome = Parse(text);

        Assert.Empty(outcome.Diagnostics);
        var chain = outcome.Value.Tables.Single().Chains.Single();
        Assert.Equal("br-lab table 71", chain.Name);
        var drop = chain.Rules[1];
        Assert.Equal(("DROP", NeutronDropKinds.AntiSpoof, "38833ad6-c", "s", 60UL), (drop.Target, drop.DropKind, drop.Neutron!.Port, drop.Neutron.Direction, drop.PacketCount!.Value));
        var port = Assert.Single(outcome.Value.NeutronPorts);
        Assert.Equal(("tap38833ad6-c6", "10.1.26.252", "fa:16:3e:c4:20:c7"), (port.Device, port.AllowedPairs.Single().Address, port.AllowedPairs.Single().Mac));
    }

    [Fact]
    public void Parse_FlowsWithoutStatistics_NullCountersAndOneWarningNamingTheCause()
    {
        // The layout of neutron's own documentation (doc/source/contributor/internals/openvswitch_firewall.rst), which drops the statistics.
        const string text = """
             table=71, priority=65,ip,reg5=0x1,in_port=1,dl_src=fa:16:3e:a4:22:10,nw_src=192.168.0.1 actions=ct(table=72,zone=NXM_NX_REG6[0..15])
             table=71, priority=10,reg5=0x1,in_port=1 actions=resubmit(,93)
             table=72, priority=50,ct_state=+inv+trk actions=resubmit(,93)
            """;

        var outcome = Parse(text);

        Assert.Equal([("n_packets", 1L), ("reg5", 1L)], outcome.Diagnostics.Select(d => (d.Field!, d.Line)));
        Assert.StartsWith("no flow counters: run ovs-ofctl dump-flows br-int", outcome.Diagnostics[0].Reason);
        Assert.All(Rules(outcome.Value), r => Assert.Null(r.PacketCount));
        Assert.Equal(3, outcome.Value.RulesWithoutCounters);
    }

    [Fact]
    public void Parse_BadLines_ReportLineAndFieldAndKeepTheRest()
    {
        const string text = """
             cookie=0x1, duration=1.5s, table=71, n_packets=x, n_bytes=0, priority=10,reg5=0x1 actions=drop
             cookie=0x1, duration=1.5s, table=71, n_packets=1, n_bytes=60, priority=high actions=drop
            something else entirely
             cookie=0x1, duration=1.5s, table=72, n_packets=2, n_bytes=120, priority=0 actions=drop
            """;

        var outcome = Parse(text);

        Assert.Equal([(1L, "n_packets", DiagnosticSeverity.Error), (2L, "priority", DiagnosticSeverity.Error), (3L, (string?)null, DiagnosticSeverity.Warning)],
            outcome.Diagnostics.Select(d => (d.Line, d.Field, d.Severity)));
        var rule = Assert.Single(Rules(outcome.Value));
        Assert.Equal((2UL, "DROP", NeutronDropKinds.SgFallback), (rule.PacketCount!.Value, rule.Target, rule.DropKind));
        Assert.True(outcome.HasUsableData);
    }

    [Fact]
    public void Parse_SameFlowReinstalledWithANewCookieAndCounters_KeepsItsIdentity()
    {
        var before = Rules(Parse(" cookie=0xaa, duration=9.1s, table=71, n_packets=60, n_bytes=3600, priority=10,reg5=0x1,in_port=1 actions=resubmit(,93)\n").Value).Single();
        var after = Rules(Parse(" cookie=0xbb, duration=0.2s, table=71, n_packets=1, n_bytes=60, priority=10,reg5=0x1,in_port=1 actions=resubmit(,93)\n").Value).Single();

        Assert.Equal(before.Identity, after.Identity);
    }

    [Theory]
    [InlineData(AmphoraFixture)]
    [InlineData(PortCheckFixture)]
    [InlineData(OneVmFixture)]
    [InlineData(NeutronDocFixture)]
    [InlineData(LabFixture)]
    public void Parse_MutatedRealCaptures_NeverThrowsAndReportsRealLines(string fixture)
    {
        foreach (var (name, bytes) in new InputMutator(2024).Catalogue(TestText.FixtureBytes(fixture)))
        {
            ParserContract.Holds(OvsFlowsParser.Parse, bytes, $"{fixture}/{name}", d => d.Warnings);
        }
    }

    [Fact]
    public void Parse_Garbage_HasNoUsableData()
    {
        var outcome = OvsFlowsParser.Parse(TestText.Stream(new InputMutator(11).RandomBytes(2000)));

        Assert.False(outcome.HasUsableData);
    }

    [Fact]
    public void Parse_OneVmComputeNode_AntiSpoofAndConntrackInvalidDropsCountedWithoutWarnings()
    {
        // 9506hqwy/openstack_study_notes, OVS 3.3.1 with the openvswitch firewall driver, one VM port (SOURCES.md). Counted independently:
        //   grep -c 'actions=' → 76 flows; grep -o 'table=[0-9]*,' | sort -u | wc -l → 17 tables; n_packets sum → 2253;
        //   grep 'priority=10,reg5' → 6 packets (anti-spoof), grep '+inv+trk' → 2 in table 72, 0 in table 82;
        //   and table 93, where both resubmit, counts 8 = 6 + 2.
        using var input = TestText.Fixture(OneVmFixture);

        var outcome = OvsFlowsParser.Parse(input);

        Assert.Empty(outcome.Diagnostics);
        var dump = outcome.Value;
        var rules = Rules(dump).ToList();
        Assert.Equal(76, rules.Count);
        Assert.Equal(17, dump.Tables.Single().Chains.Count);
        Assert.Equal(2253UL, rules.Aggregate(0UL, (sum, r) => sum + r.PacketCount!.Value));
        Assert.Equal(76, rules.Select(r => r.Identity).Distinct().Count());
        var antiSpoof = Assert.Single(rules, r => r.DropKind == NeutronDropKinds.AntiSpoof);
        Assert.Equal(("648437e1-0", "s", 6UL), (antiSpoof.Neutron!.Port, antiSpoof.Neutron.Direction, antiSpoof.PacketCount!.Value));
        Assert.Equal(
            [("br-int table 72", 2UL), ("br-int table 82", 0UL)],
            dump.Tables.Single().Chains.SelectMany(c => c.Rules.Where(r => r.DropKind == NeutronDropKinds.ConntrackInvalid).Select(r => (c.Name, r.PacketCount!.Value))));
        Assert.Equal(8UL, dump.Tables.Single().Chains.Single(c => c.Name == "br-int table 93").Rules.Single().PacketCount);
        Assert.Equal(2, rules.Count(r => r.DropKind == NeutronDropKinds.DhcpSpoof));
        Assert.Equal(6, rules.Count(r => r.DropKind == NeutronDropKinds.SgFallback));
        var port = Assert.Single(dump.NeutronPorts);
        Assert.Equal(("648437e1-0", "tap648437e1-0d"), (port.Port, port.Device));
        Assert.Equal(
            [("192.168.101.85", "fa:16:3e:61:21:c6"), ("fe80::f816:3eff:fe61:21c6", "fa:16:3e:61:21:c6")],
            port.AllowedPairs.Select(p => (p.Address, p.Mac!)));
    }

    [Fact]
    public void Parse_NeutronDocumentationFlows_NullCountersAndUnnamedPortsEachWarnedOnce()
    {
        // Neutron's openvswitch_firewall.rst (SOURCES.md) prints flows without statistics and ports by number only.
        // Counted independently: 122 flows; grep -c 'reg5=' → 98; grep 'priority=10,reg5' → 2 anti-spoof catch-alls.
        using var input = TestText.Fixture(NeutronDocFixture);

        var outcome = OvsFlowsParser.Parse(input);

        Assert.Equal([(1L, "n_packets"), (9L, "reg5")], outcome.Diagnostics.Select(d => (d.Line, d.Field!)));
        Assert.All(outcome.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.StartsWith("98 flows name OpenFlow ports", outcome.Diagnostics[1].Reason);
        var rules = Rules(outcome.Value).ToList();
        Assert.Equal(122, rules.Count);
        Assert.Equal(122, outcome.Value.RulesWithoutCounters);
        Assert.All(rules, r => Assert.Null(r.PacketCount));
        Assert.Equal(2, rules.Count(r => r.DropKind == NeutronDropKinds.AntiSpoof));
        Assert.Equal(2, rules.Count(r => r.DropKind == NeutronDropKinds.ConntrackInvalid));
        Assert.Empty(outcome.Value.NeutronPorts);
    }

    [Fact]
    public void Parse_LabShowInterfacesAndFlows_PortsCarryNeutronIdMacAndOpenFlowNumber()
    {
        // tests/lab/ovs-lab.sh flows after 4 refused client requests (SOURCES.md): ovs-ofctl show, the ovs-vsctl csv listing
        // and dump-flows of Open vSwitch 3.1.0. Counted independently: 25 flows, n_packets sum 40; the director's
        // catch-all (priority=10,reg5=0x1) 4 packets; 6 interface rows, 4 with an iface-id.
        using var input = TestText.Fixture(LabFixture);

        var outcome = OvsFlowsParser.Parse(input);

        Assert.Empty(outcome.Diagnostics);
        var dump = outcome.Value;
        var rules = Rules(dump).ToList();
        Assert.Equal(25, rules.Count);
        Assert.Equal(40UL, rules.Aggregate(0UL, (sum, r) => sum + r.PacketCount!.Value));
        Assert.Equal(
            [
                ("38833ad6-c", "tap38833ad6-c6", "38833ad6-c6d2-4b1e-9f3a-5c0e7d21b8a4", "fa:16:3e:c4:20:c7", 1UL),
                ("5d0f17b2-3", "tap5d0f17b2-3e", "5d0f17b2-3e8a-4c61-b7d4-0a9e26f3c815", "fa:16:3e:6b:2d:91", 2UL),
                ("9a4c3e58-7", "tap9a4c3e58-71", "9a4c3e58-71f0-4d2b-8e6a-d3b90c1f47e2", "fa:16:3e:1f:a8:54", 3UL),
                ("e27b8d40-5", "tape27b8d40-5c", "e27b8d40-5c13-4a9f-a0e7-6f42c8b1d930", "fa:16:3e:93:07:ce", 4UL),
            ],
            dump.NeutronPorts.Select(p => (p.Port, p.Device!, p.PortId!, p.Mac!, p.OfPort!.Value)));
        var antiSpoof = rules.Where(r => r.DropKind == NeutronDropKinds.AntiSpoof).ToList();
        Assert.Equal([("38833ad6-c", 4UL), ("5d0f17b2-3", 0UL), ("9a4c3e58-7", 0UL), ("e27b8d40-5", 0UL)], antiSpoof.Select(r => (r.Neutron!.Port, r.PacketCount!.Value)));
    }

    [Fact]
    public void Parse_InterfacesWithoutTapNames_PortPrefixFromTheNeutronPortId()
    {
        // Layout of ovs-vsctl --format=csv (lab capture); vhost-user names (vhuXXXXXXXX-XX, Open vSwitch with DPDK) are not
        // tap names, so only external_ids:iface-id ties the port to Neutron.
        const string text = """
            name,ofport,external_ids
            vhu38833ad6-c6,7,"{attached-mac=""fa:16:3e:c4:20:c7"", iface-id=""38833ad6-c6d2-4b1e-9f3a-5c0e7d21b8a4"", iface-status=active, vm-uuid=""0330b084-03db-4d42-a231-2cd6ad89515b""}"
            br-int,65534,{}
             cookie=0x1, duration=1.5s, table=71, n_packets=9, n_bytes=540, priority=10,reg5=0x7,in_port=7 actions=resubmit(,93)
            """;

        var outcome = Parse(text);

        Assert.Empty(outcome.Diagnostics);
        var port = Assert.Single(outcome.Value.NeutronPorts);
        Assert.Equal(("38833ad6-c", "vhu38833ad6-c6", "38833ad6-c6d2-4b1e-9f3a-5c0e7d21b8a4", 7UL), (port.Port, port.Device!, port.PortId!, port.OfPort!.Value));
        var drop = Rules(outcome.Value).Single();
        Assert.Equal((NeutronDropKinds.AntiSpoof, "38833ad6-c", 9UL), (drop.DropKind, drop.Neutron!.Port, drop.PacketCount!.Value));
    }

    [Fact]
    public void Parse_InterfaceWithoutNumber_FoundByItsMacInTheFlowsThatLoadRegisterFive()
    {
        // An interface listed before Open vSwitch gave it a number (ofport []), then the firewall's table 60 flow for traffic
        // to the VM's MAC, which loads the port's number into register 5 (flow layout of Neutron's openvswitch_firewall.rst).
        const string text = """
            name,ofport,external_ids
            tap38833ad6-c6,[],"{attached-mac=""fa:16:3e:c4:20:c7"", iface-id=""38833ad6-c6d2-4b1e-9f3a-5c0e7d21b8a4""}"
             cookie=0x1, duration=1.5s, table=60, n_packets=3, n_bytes=180, priority=90,dl_vlan=1,dl_dst=fa:16:3e:c4:20:c7 actions=load:0x5->NXM_NX_REG5[],load:0x1->NXM_NX_REG6[],strip_vlan,resubmit(,81)
             cookie=0x1, duration=1.5s, table=71, n_packets=2, n_bytes=120, priority=10,reg5=0x5,in_port=5 actions=resubmit(,93)
            """;

        var outcome = Parse(text);

        Assert.Empty(outcome.Diagnostics);
        var port = Assert.Single(outcome.Value.NeutronPorts);
        Assert.Equal(("38833ad6-c", 5UL, "fa:16:3e:c4:20:c7"), (port.Port, port.OfPort!.Value, port.Mac!));
    }

    [Theory]
    [InlineData("tap38833ad6-c6,x1,{}", "ofport")]
    [InlineData("tap38833ad6-c6,1,\"{attached-mac}\"", "external_ids")]
    [InlineData("tap38833ad6-c6,1,\"{iface-id=1", "csv")]
    [InlineData("tap38833ad6-c6", "csv")]
    public void Parse_BadInterfaceRow_ErrorNamesTheFieldAndTheFlowsAreStillRead(string row, string field)
    {
        var outcome = Parse($"name,ofport,external_ids\n{row}\n cookie=0x1, duration=1.5s, table=72, n_packets=2, n_bytes=120, priority=0 actions=drop\n");

        var error = Assert.Single(outcome.Diagnostics);
        Assert.Equal((2L, field, DiagnosticSeverity.Error), (error.Line, error.Field!, error.Severity));
        Assert.Equal(2UL, Rules(outcome.Value).Single().PacketCount);
    }
}
