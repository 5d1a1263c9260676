using Dashboard.Core.Iptables;
using Dashboard.Core.Parsing;
using Dashboard.Core.Tests.Fuzzing;

namespace Dashboard.Core.Tests.Iptables;

public sealed class IptablesListParserTests
{
    private const string CountersFixture = "openstack-neutron__test_iptables_manager_TRAFFIC_COUNTERS_DUMP_iptables-L-n-v-x.txt";

    private static ParseOutcome<IptablesDump> Parse(string text, string table = "filter") =>
        IptablesListParser.Parse(TestText.Stream(text), table);

    [Fact]
    public void Parse_NeutronTrafficCountersFixture_ReadsPolicyCountersAndRowsDespiteUnevenColumns()
    {
        using var input = TestText.Fixture(CountersFixture);

        var outcome = IptablesListParser.Parse(input);

        Assert.Empty(outcome.Diagnostics);
        var table = Assert.Single(outcome.Value.Tables);
        Assert.Equal("filter", table.Name);
        var output = Assert.Single(table.Chains);
        Assert.Equal(("OUTPUT", "ACCEPT", 400UL, 65901UL), (output.Name, output.Policy, output.Packets, output.Bytes));
        Assert.Equal(
            [(1, 400UL, 65901UL, "chain1", ""), (2, 400UL, 65901UL, "chain2", "")],
            output.Rules.Select(r => (r.Index, r.Packets, r.Bytes, r.Target!, r.Spec)));
        Assert.NotEqual(output.Rules[0].Identity, output.Rules[1].Identity);
        Assert.Equal(3, outcome.UsableLines);
    }

    [Fact]
    public void Parse_TableGivenByOption_NamesTheTable()
    {
        using var input = TestText.Fixture(CountersFixture);

        Assert.Equal("mangle", IptablesListParser.Parse(input, "mangle").Value.Tables.Single().Name);
    }

    [Fact]
    public void Parse_NeutronChainsWithLineNumbersCommentsAndPhysdev_MapsPortsAndDropKinds()
    {
        const string text = """
            Chain neutron-openvswi-sg-chain (3 references)
            num      pkts      bytes target     prot opt in     out     source               destination
            1       61020  8841700 neutron-openvswi-i38833ad6-c  all  --  *      *       0.0.0.0/0            0.0.0.0/0            PHYSDEV match --physdev-out tap38833ad6-c6 --physdev-is-bridged /* Jump to the VM specific chain. */
            2       58214  6271231 neutron-openvswi-o38833ad6-c  all  --  *      *       0.0.0.0/0            0.0.0.0/0            PHYSDEV match --physdev-in tap38833ad6-c6 --physdev-is-bridged /* Jump to the VM specific chain. */
            3      117361 15000551 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0

            Chain neutron-openvswi-s38833ad6-c (1 references)
            num      pkts      bytes target     prot opt in     out     source               destination
            1       53549  5958975 RETURN     all  --  *      *       10.1.26.144          0.0.0.0/0            MAC FA:16:3E:C4:20:C7 /* Allow traffic from defined IP/MAC pairs. */
            2        1873   112380 DROP       all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* Drop traffic without an IP/MAC allow rule. */

            Chain neutron-openvswi-o38833ad6-c (2 references)
            num      pkts      bytes target     prot opt in     out     source               destination
            1           0        0 DROP       all  --  *      *       0.0.0.0/0            0.0.0.0/0            state INVALID
            """;

        var outcome = Parse(text);

        Assert.Empty(outcome.Diagnostics);
        var chains = outcome.Value.Tables.Single().Chains;
        var jump = chains[0].Rules[0];
        Assert.Equal(("neutron-openvswi-i38833ad6-c", "Jump to the VM specific chain."), (jump.Target, jump.Comment));
        Assert.Equal("PHYSDEV match --physdev-out tap38833ad6-c6 --physdev-is-bridged", jump.Spec);
        Assert.Equal(("38833ad6-c", "i"), (jump.Neutron!.Port, jump.Neutron.Direction));
        Assert.Equal((117361UL, 15000551UL), (chains[0].Rules[2].Packets, chains[0].Rules[2].Bytes));
        Assert.Equal("-s 10.1.26.144 MAC FA:16:3E:C4:20:C7", chains[1].Rules[0].Spec);
        Assert.Equal(NeutronDropKinds.AntiSpoof, chains[1].Rules[1].DropKind);
        Assert.Equal(NeutronDropKinds.ConntrackInvalid, chains[2].Rules[0].DropKind);
        var port = Assert.Single(outcome.Value.NeutronPorts);
        Assert.Equal(("38833ad6-c", "tap38833ad6-c6"), (port.Port, port.Device));
        Assert.Equal(("10.1.26.144", "FA:16:3E:C4:20:C7"), (port.AllowedPairs.Single().Address, port.AllowedPairs.Single().Mac));
    }

    [Fact]
    public void Parse_RoundedCountersWithoutX_ScaleByThousandsAndWarnOnce()
    {
        const string text = """
            Chain FORWARD (policy ACCEPT 12M packets, 10G bytes)
             pkts bytes target     prot opt in     out     source               destination
              67M  295G neutron-openvswi-local  all  --  *      *       0.0.0.0/0            0.0.0.0/0
            99999 1234K DROP       tcp  --  eth0   *       10.0.0.0/8           0.0.0.0/0            tcp dpt:22
            """;

        var outcome = Parse(text);

        var chain = outcome.Value.Tables.Single().Chains.Single();
        Assert.Equal((12_000_000UL, 10_000_000_000UL), (chain.Packets, chain.Bytes));
        Assert.Equal((67_000_000UL, 295_000_000_000UL), (chain.Rules[0].Packets, chain.Rules[0].Bytes));
        Assert.Equal((99_999UL, 1_234_000UL), (chain.Rules[1].Packets, chain.Rules[1].Bytes));
        Assert.Equal("-p tcp -i eth0 -s 10.0.0.0/8 tcp dpt:22", chain.Rules[1].Spec);
        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal((1L, DiagnosticSeverity.Warning), (warning.Line, warning.Severity));
        Assert.Contains("rounded", warning.Reason);
    }

    [Fact]
    public void Parse_RowWithoutTargetAndNegatedColumns_KeepsThemInSpec()
    {
        const string text = """
            Chain INPUT (policy DROP 0 packets, 0 bytes)
                pkts      bytes target     prot opt in     out     source               destination
                   5      300            !tcp  !f  !lo    *       !192.168.0.0/16      0.0.0.0/0
            """;

        var rule = Parse(text).Value.Tables.Single().Chains.Single().Rules.Single();

        Assert.Null(rule.Target);
        Assert.Equal("! -p tcp ! -f ! -i lo ! -s 192.168.0.0/16", rule.Spec);
        Assert.Equal("DROP", Parse(text).Value.Tables.Single().Chains.Single().Policy);
    }

    [Fact]
    public void Parse_TableLinesInInput_SplitChainsByTable()
    {
        const string text = "*raw\nChain PREROUTING (policy ACCEPT 1 packets, 2 bytes)\n*nat\nChain POSTROUTING (policy ACCEPT 3 packets, 4 bytes)\n";

        var tables = Parse(text).Value.Tables;

        Assert.Equal([("raw", "PREROUTING"), ("nat", "POSTROUTING")], tables.Select(t => (t.Name, t.Chains.Single().Name)));
    }

    [Fact]
    public void Parse_BadCountersAndShortRows_ReportLineAndFieldAndParseTheRest()
    {
        const string text = """
            Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
                pkts      bytes target     prot opt in     out     source               destination
                  -4        1 DROP       all  --  *      *       0.0.0.0/0            0.0.0.0/0
                   1        1 DROP       all
                   2        2 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0
            """;

        var outcome = Parse(text);

        Assert.Equal([(3L, "pkts"), (4L, "opt")], outcome.Diagnostics.OrderBy(d => d.Line).Select(d => (d.Line, d.Field)));
        Assert.Equal([((ulong?)null, "DROP"), (2UL, "ACCEPT")], outcome.Value.Tables.Single().Chains.Single().Rules.Select(r => (r.PacketCount, r.Target!)));
    }

    [Fact]
    public void Issue24_RedactedCounters_AreNullWithOneWarningNamingTheCause()
    {
        const string text = """
            Chain neutron-openvswi-s38833ad6-c (1 references)
                pkts      bytes target     prot opt in     out     source               destination
                 xxx        xxx RETURN     all  --  *      *       10.1.26.252          0.0.0.0/0            MAC FA:16:3E:C4:20:C7 /* Allow traffic from defined IP/MAC pairs. */
                 xxx        xxx DROP       all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* Drop traffic without an IP/MAC allow rule. */
            """;

        var outcome = Parse(text);

        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal((3L, "pkts", DiagnosticSeverity.Warning), (warning.Line, warning.Field, warning.Severity));
        Assert.StartsWith("no rule counters: 'xxx' is not a number", warning.Reason);
        var rules = outcome.Value.Tables.Single().Chains.Single().Rules;
        Assert.All(rules, r => Assert.Equal(((ulong?)null, (ulong?)null), (r.PacketCount, r.ByteCount)));
        Assert.Equal(2, outcome.Value.RulesWithoutCounters);
        Assert.Equal("anti-spoof", rules[1].DropKind);
    }

    [Fact]
    public void Issue24_ListingWithoutVerbose_HasNullCountersAndOneWarning()
    {
        const string text = """
            Chain FORWARD (policy ACCEPT)
            target     prot opt source               destination
            neutron-filter-top  all  --  0.0.0.0/0            0.0.0.0/0
            neutron-openvswi-FORWARD  all  --  0.0.0.0/0            0.0.0.0/0
            """;

        var outcome = Parse(text);

        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal((3L, "no rule counters: run iptables -L -v -n -x; the rules' packets and bytes are null"), (warning.Line, warning.Reason));
        var chain = outcome.Value.Tables.Single().Chains.Single();
        Assert.Equal(((ulong?)null, "ACCEPT"), (chain.PacketCount, chain.Policy));
        Assert.Equal(["neutron-filter-top", "neutron-openvswi-FORWARD"], chain.Rules.Select(r => r.Target!));
        Assert.All(chain.Rules, r => Assert.Null(r.PacketCount));
    }

    [Fact]
    public void Parse_RowBeforeAnyChain_IsAnError()
    {
        var outcome = Parse("   1   2 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0\n");

        Assert.Equal((1L, DiagnosticSeverity.Error), (outcome.Diagnostics.Single().Line, outcome.Diagnostics.Single().Severity));
        Assert.False(outcome.HasUsableData);
    }

    [Fact]
    public void Issue24_KubeProxyNodePortListingWithoutVerbose_NullCountersOneWarning()
    {
        // Kubernetes' own IPVS proxier README (SOURCES.md), `iptables -t nat -L -n` without -v. Counted independently:
        //   grep -c '^Chain' → 7 chains; grep -c '^[A-Z-]*  *all' → 9 rules.
        using var input = TestText.Fixture("kubernetes-kubernetes__pkg_proxy_ipvs_README_iptables-L-n_nodeport.txt");

        var outcome = IptablesListParser.Parse(input, "nat");

        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal((3L, "pkts"), (warning.Line, warning.Field));
        var chains = outcome.Value.Tables.Single(t => t.Name == "nat").Chains;
        Assert.Equal(7, chains.Count);
        Assert.Equal(9, chains.Sum(c => c.Rules.Count));
        Assert.Equal(9, outcome.Value.RulesWithoutCounters);
        Assert.All(chains.SelectMany(c => c.Rules), r => Assert.Null(r.PacketCount));
        Assert.Equal("kubernetes service traffic requiring SNAT", chains.Single(c => c.Name == "KUBE-POSTROUTING").Rules[0].Comment);
    }

    [Fact]
    public void Parse_MobyNftListingWithLineNumbers_NumericProtocolsAndWideTargetsWithoutWarnings()
    {
        // moby/moby iptablesdoc (SOURCES.md): `iptables -nvL --line-numbers` of iptables 1.8.10 (nf_tables), which prints
        // protocols as numbers. Counted independently: grep -c '^Chain' → 7; grep -c '^[0-9]' → 16 rules.
        using var input = TestText.Fixture("moby-moby__iptablesdoc_usernet-portmap_iptables-nvL-line-numbers_filter.txt");

        var outcome = IptablesListParser.Parse(input);

        Assert.Empty(outcome.Diagnostics);
        var chains = outcome.Value.Tables.Single().Chains;
        Assert.Equal(
            ["INPUT", "FORWARD", "OUTPUT", "DOCKER", "DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2", "DOCKER-USER"],
            chains.Select(c => c.Name));
        Assert.Equal([0, 8, 0, 3, 2, 2, 1], chains.Select(c => c.Rules.Count));
        Assert.Equal(["ACCEPT", "ACCEPT", "ACCEPT", null, null, null, null], chains.Select(c => c.Policy));
        Assert.Equal(0, outcome.Value.RulesWithoutCounters);
        var forward = chains.Single(c => c.Name == "FORWARD");
        Assert.Equal(["DOCKER-USER", "ACCEPT", "DOCKER-ISOLATION-STAGE-1", "DOCKER"], forward.Rules.Take(4).Select(r => r.Target!));
        Assert.Equal(Enumerable.Range(1, 8), forward.Rules.Select(r => r.Index));
        var published = chains.Single(c => c.Name == "DOCKER").Rules[0];
        Assert.Equal(("ACCEPT", 0UL, 0UL), (published.Target, published.Packets, published.Bytes));
        Assert.Contains("192.0.2.2", published.Spec, StringComparison.Ordinal);
        Assert.Contains("tcp dpt:80", published.Spec, StringComparison.Ordinal);
        Assert.Equal(16, chains.SelectMany(c => c.Rules).Select(r => r.Identity).Distinct().Count());
    }

    [Fact]
    public void Parse_LinuxbridgeComputeNodeListing_PortChainsDropKindsAndPairWithOneWarning()
    {
        // 9506hqwy/openstack_study_notes (SOURCES.md): `iptables -L` of a compute node with neutron-linuxbridge-agent,
        // listed without -v or -n. Counted independently: grep -c '^Chain' → 13; rule rows (not Chain/target/blank) → 30.
        using var input = TestText.Fixture("9506hqwy-openstack_study_notes__instance_linuxbridge_vxlan_iptables-L.txt");

        var outcome = IptablesListParser.Parse(input);

        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal((3L, "pkts", DiagnosticSeverity.Warning), (warning.Line, warning.Field, warning.Severity));
        var dump = outcome.Value;
        var chains = dump.Tables.Single().Chains;
        Assert.Equal(13, chains.Count);
        Assert.Equal(30, chains.Sum(c => c.Rules.Count));
        Assert.Equal(30, dump.RulesWithoutCounters);
        Assert.All(chains, c => Assert.Null(c.PacketCount));
        var drops = chains.SelectMany(c => c.Rules).Where(r => r.DropKind is not null)
            .Select(r => (r.DropKind!, r.Neutron?.Direction)).Order().ToList();
        Assert.Equal(
            [
                (NeutronDropKinds.AntiSpoof, "s"), (NeutronDropKinds.ConntrackInvalid, "i"), (NeutronDropKinds.ConntrackInvalid, "o"),
                (NeutronDropKinds.DhcpSpoof, "o"), (NeutronDropKinds.SgFallback, null), (NeutronDropKinds.SgFallback, "i"), (NeutronDropKinds.SgFallback, "o"),
            ],
            drops);
        var port = Assert.Single(dump.NeutronPorts);
        Assert.Equal(("7a8c0a54-7", "tap7a8c0a54-75"), (port.Port, port.Device));
        Assert.Equal(("192.168.101.88", "fa:16:3e:be:71:21"), (port.AllowedPairs.Single().Address, port.AllowedPairs.Single().Mac));
    }

    [Fact]
    public void Parse_NftListingWithLegacyTablesPresent_ExactCountersAndOneWarningThatLegacyRulesAreMissing()
    {
        // iptables-nft -L -v -n -x of iptables 1.8.9, same namespace as the iptables-nft-save capture (SOURCES.md).
        using var input = TestText.Fixture("lab-debian12__iptables-nft-L-v-n-x_legacy-tables-present.txt");

        var outcome = IptablesListParser.Parse(input);

        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal((1L, "variant"), (warning.Line, warning.Field!));
        Assert.Contains("iptables-legacy -L -v -n -x", warning.Reason, StringComparison.Ordinal);
        Assert.Equal("nf_tables", outcome.Value.Variant);
        var chains = outcome.Value.Tables.Single().Chains;
        Assert.Equal((2UL, 120UL), (chains.Single(c => c.Name == "INPUT").Packets, chains.Single(c => c.Name == "INPUT").Bytes));
        Assert.Equal(
            [("lab-input", 8UL), ("ACCEPT", 6UL), ("DROP", 0UL)],
            chains.SelectMany(c => c.Rules).Select(r => (r.Target!, r.Packets)));
    }
}
