using Dashboard.Core.Iptables;
using Dashboard.Core.Parsing;
using Dashboard.Core.Tests.Fuzzing;

namespace Dashboard.Core.Tests.Iptables;

public sealed class IptablesSaveParserTests
{
    private const string RawFixture = "openstack-neutron__test_iptables_firewall_RAW_TABLE_OUTPUT_iptables-save.txt";

    private static ParseOutcome<IptablesDump> Parse(string text) => IptablesSaveParser.Parse(TestText.Stream(text));

    private static IptablesChain Chain(IptablesDump dump, string name, string table = "filter") =>
        dump.Tables.Single(t => t.Name == table).Chains.Single(c => c.Name == name);

    [Fact]
    public void Parse_NeutronRawTableFixture_ReadsChainsRulesAndLeadingBlankLine()
    {
        using var input = TestText.Fixture(RawFixture);

        var outcome = IptablesSaveParser.Parse(input);

        var dump = outcome.Value;
        // The constant was saved without -c: chain lines carry counters, rules none (Issue 24: null, one warning).
        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal((7L, "counters", DiagnosticSeverity.Warning), (warning.Line, warning.Field, warning.Severity));
        Assert.StartsWith("no rule counters: run iptables-save -c", warning.Reason);
        Assert.Equal(10, dump.RulesWithoutCounters);
        Assert.Equal("legacy", dump.Variant);
        var raw = Assert.Single(dump.Tables);
        Assert.Equal("raw", raw.Name);
        Assert.Equal(["PREROUTING", "OUTPUT", "neutron-openvswi-OUTPUT", "neutron-openvswi-PREROUTING"], raw.Chains.Select(c => c.Name));
        var prerouting = Chain(dump, "PREROUTING", "raw");
        Assert.Equal(("ACCEPT", 11561UL, 3470468UL), (prerouting.Policy, prerouting.Packets, prerouting.Bytes));
        Assert.Equal(("ACCEPT", 11504UL, 4064044UL), (Chain(dump, "OUTPUT", "raw").Policy, Chain(dump, "OUTPUT", "raw").Packets, Chain(dump, "OUTPUT", "raw").Bytes));
        Assert.Null(Chain(dump, "neutron-openvswi-OUTPUT", "raw").Policy);

        // " -A OUTPUT -j neutron-openvswi-OUTPUT" has a leading blank in the capture.
        var output = Assert.Single(Chain(dump, "OUTPUT", "raw").Rules);
        Assert.Equal((1, "neutron-openvswi-OUTPUT", ""), (output.Index, output.Target, output.Spec));

        var zones = Chain(dump, "neutron-openvswi-PREROUTING", "raw").Rules;
        Assert.Equal(8, zones.Count);
        Assert.Equal(Enumerable.Range(1, 8), zones.Select(r => r.Index));
        Assert.All(zones, r => Assert.Equal("CT", r.Target));
        Assert.All(zones, r => Assert.Equal(((ulong?)null, (ulong?)null), (r.PacketCount, r.ByteCount)));
        Assert.Equal("-m physdev --physdev-in qvbe804433b-61", zones[0].Spec);
        Assert.Equal("--zone 4097", zones[0].TargetOptions);
        Assert.Equal("--zone 4105", zones[7].TargetOptions);
        Assert.Equal(16, zones[0].Identity.Length);
        Assert.Equal(8, zones.Select(r => r.Identity).Distinct().Count());
        Assert.Equal(14, outcome.UsableLines);
    }

    [Fact]
    public void Parse_NeutronRawTableFixture_MapsTapDevicesButNotQvbDevicesToPorts()
    {
        using var input = TestText.Fixture(RawFixture);

        var dump = IptablesSaveParser.Parse(input).Value;

        var zones = Chain(dump, "neutron-openvswi-PREROUTING", "raw").Rules;
        Assert.Null(zones[0].Neutron);
        Assert.Equal(("e804433b-6", "o"), (zones[1].Neutron!.Port, zones[1].Neutron!.Direction));
        Assert.Empty(dump.NeutronPorts);
    }

    [Fact]
    public void Parse_SeedChains_ReadsEveryQuotedRuleWithCounters()
    {
        var outcome = Parse(NeutronSeedDump.Text);

        var dump = outcome.Value;
        var filter = Assert.Single(dump.Tables);
        Assert.Equal(13, filter.Chains.Count);
        Assert.Equal(33, filter.Chains.Sum(c => c.Rules.Count));
        Assert.Equal(("ACCEPT", 2203410UL, 351220968UL), (Chain(dump, "INPUT").Policy, Chain(dump, "INPUT").Packets, Chain(dump, "INPUT").Bytes));
        Assert.Empty(Chain(dump, "neutron-openvswi-local").Rules);

        var spoof = Chain(dump, "neutron-openvswi-s38833ad6-c");
        Assert.Equal(("38833ad6-c", "s"), (spoof.Neutron!.Port, spoof.Neutron.Direction));
        var pair = spoof.Rules[1];
        Assert.Equal((53549UL, 5958975UL), (pair.Packets, pair.Bytes));
        Assert.Equal("-s 10.1.26.144/32 -m mac --mac-source FA:16:3E:C4:20:C7", pair.Spec);
        Assert.Equal(NeutronChains.PairAllowComment, pair.Comment);
        Assert.Equal("RETURN", pair.Target);
        Assert.Null(pair.DropKind);
        var drop = spoof.Rules[2];
        Assert.Equal((1873UL, "DROP", NeutronDropKinds.AntiSpoof, ""), (drop.Packets, drop.Target, drop.DropKind, drop.Spec));

        var egress = Chain(dump, "neutron-openvswi-o38833ad6-c").Rules;
        Assert.Equal(11, egress.Count);
        Assert.Equal("-s 0.0.0.0/32 -d 255.255.255.255/32 -p udp -m udp --sport 68 --dport 67", egress[0].Spec);
        Assert.Equal("Allow DHCP client traffic.", egress[0].Comment);
        Assert.Equal(NeutronDropKinds.DhcpSpoof, egress[3].DropKind);
        Assert.Equal("-m state --state INVALID", egress[9].Spec);
        Assert.Equal(NeutronDropKinds.ConntrackInvalid, egress[9].DropKind);
        Assert.Equal(NeutronDropKinds.SgFallback, egress[10].DropKind);
        Assert.Equal("neutron-openvswi-sg-fallback", egress[10].Target);
        Assert.Equal(NeutronDropKinds.SgFallback, Assert.Single(Chain(dump, "neutron-openvswi-sg-fallback").Rules).DropKind);
        Assert.Equal(NeutronDropKinds.ConntrackInvalid, Chain(dump, "neutron-openvswi-i38833ad6-c").Rules[6].DropKind);
        Assert.Equal(NeutronDropKinds.SgFallback, Chain(dump, "neutron-openvswi-i38833ad6-c").Rules[7].DropKind);
        Assert.Equal(7, filter.Chains.SelectMany(c => c.Rules).Count(r => r.DropKind is not null));
        Assert.Equal(33, filter.Chains.SelectMany(c => c.Rules).Select(r => r.Identity).Distinct().Count());
    }

    [Fact]
    public void Parse_SeedChains_MapsJumpAndPhysdevRulesToThePortAndDirection()
    {
        var dump = Parse(NeutronSeedDump.Text).Value;

        var sgChain = Chain(dump, "neutron-openvswi-sg-chain").Rules;
        Assert.Equal(("38833ad6-c", "i"), (sgChain[0].Neutron!.Port, sgChain[0].Neutron!.Direction));
        Assert.Equal(("38833ad6-c", "o"), (sgChain[1].Neutron!.Port, sgChain[1].Neutron!.Direction));
        Assert.Null(sgChain[2].Neutron);
        var forward = Chain(dump, "neutron-openvswi-FORWARD").Rules;
        Assert.Null(forward[0].Neutron);
        Assert.Equal("i", forward[1].Neutron!.Direction);
        Assert.Equal("o", forward[2].Neutron!.Direction);
        Assert.All(Chain(dump, "neutron-openvswi-i38833ad6-c").Rules, r => Assert.Equal("i", r.Neutron!.Direction));
    }

    [Fact]
    public void Parse_SeedChains_CollectsPortDeviceAndAllowedPairsAndWarnsOnTheChainNameMac()
    {
        var outcome = Parse(NeutronSeedDump.Text);

        var port = Assert.Single(outcome.Value.NeutronPorts);
        Assert.Equal(("38833ad6-c", "tap38833ad6-c6"), (port.Port, port.Device));
        Assert.Equal(
            [("10.1.26.252/32", "neutron-openvswi-o38833ad6-c"), ("10.1.26.144/32", "FA:16:3E:C4:20:C7")],
            port.AllowedPairs.Select(p => (p.Address, p.Mac)));
        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal(TestText.LineOf(NeutronSeedDump.Text, NeutronSeedDump.OddPairLine), warning.Line);
        Assert.Equal(("mac-source", DiagnosticSeverity.Warning), (warning.Field, warning.Severity));
        Assert.Contains("not a MAC address", warning.Reason);
        Assert.Equal(warning.Line, Assert.Single(outcome.Value.Warnings).Line);
    }

    [Fact]
    public void Parse_SeedGrepLineWithoutTableOrCounters_KeepsTheRuleInFilterWithNullCountersAndWarns()
    {
        const string grep = "-A neutron-openvswi-s38833ad6-c -s 10.1.26.252/32 -m mac --mac-source FA:16:3E:C4:20:C7 -m comment --comment \"Allow traffic from defined IP/MAC pairs.\" -j RETURN\n";

        var outcome = Parse(grep);

        var rule = Assert.Single(Chain(outcome.Value, "neutron-openvswi-s38833ad6-c").Rules);
        Assert.Equal(((ulong?)null, (ulong?)null, "RETURN"), (rule.PacketCount, rule.ByteCount, rule.Target));
        Assert.Equal("FA:16:3E:C4:20:C7", outcome.Value.NeutronPorts.Single().AllowedPairs.Single().Mac);
        Assert.Equal(["table", "chain", "counters"], outcome.Diagnostics.Select(d => d.Field));
        Assert.All(outcome.Diagnostics, d => Assert.Equal((1L, DiagnosticSeverity.Warning), (d.Line, d.Severity)));
    }

    [Fact]
    public void Parse_NftVariantHeader_SetsVariantNfTables()
    {
        const string text = "# Generated by iptables-nft-save v1.8.7 on Mon Jan  1 00:00:00 2024\n*filter\n:INPUT ACCEPT [5:300]\n[7:420] -A INPUT -j ACCEPT\nCOMMIT\n";

        var dump = Parse(text).Value;

        Assert.Equal("nf_tables", dump.Variant);
        Assert.Equal((7UL, 420UL), (dump.Tables[0].Chains[0].Rules[0].Packets, dump.Tables[0].Chains[0].Rules[0].Bytes));
    }

    [Fact]
    public void Parse_NoHeader_LeavesVariantNull()
    {
        Assert.Null(Parse("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n").Value.Variant);
    }

    [Fact]
    public void Parse_CountersInsideTheRule_ReadsDashCForm()
    {
        var rule = Parse("*filter\n:FORWARD DROP [0:0]\n-A FORWARD -s 10.0.0.0/8 -c 12 3400 -j ACCEPT\nCOMMIT\n").Value.Tables[0].Chains[0].Rules[0];

        Assert.Equal((12UL, 3400UL, "-s 10.0.0.0/8", "ACCEPT"), (rule.Packets, rule.Bytes, rule.Spec, rule.Target));
    }

    [Fact]
    public void Parse_CommentWithEscapedQuotesAndBackslash_UnescapesCommentAndKeepsItOutOfSpec()
    {
        const string text = "*filter\n:INPUT ACCEPT [0:0]\n[1:2] -A INPUT -p tcp -m comment --comment \"say \\\"hi\\\" to C:\\\\temp\" -m tcp --dport 22 -j ACCEPT\nCOMMIT\n";

        var outcome = Parse(text);

        var rule = outcome.Value.Tables[0].Chains[0].Rules[0];
        Assert.Empty(outcome.Diagnostics);
        Assert.Equal("say \"hi\" to C:\\temp", rule.Comment);
        Assert.Equal("-p tcp -m tcp --dport 22", rule.Spec);
    }

    [Fact]
    public void Parse_QuotedValueWithSpacesOutsideComment_KeepsItQuotedInSpec()
    {
        const string text = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m string --string \"GET /a b\" --algo bm -j LOG --log-prefix \"dropped: \"\nCOMMIT\n";

        var rule = Parse(text).Value.Tables[0].Chains[0].Rules[0];

        Assert.Equal("-m string --string \"GET /a b\" --algo bm", rule.Spec);
        Assert.Equal(("LOG", "--log-prefix \"dropped: \""), (rule.Target, rule.TargetOptions));
    }

    [Fact]
    public void Parse_GotoTargetNegationAndEmptyRule_AreKept()
    {
        const string text = "*filter\n:FORWARD ACCEPT [0:0]\n:X - [0:0]\n[1:1] -A FORWARD ! -d 10.0.0.0/8 -g X\n[2:2] -A FORWARD\nCOMMIT\n";

        var rules = Parse(text).Value.Tables[0].Chains[0].Rules;

        Assert.Equal(("X", true, "! -d 10.0.0.0/8"), (rules[0].Target, rules[0].Goto, rules[0].Spec));
        Assert.Equal((2, (string?)null, ""), (rules[1].Index, rules[1].Target, rules[1].Spec));
    }

    [Fact]
    public void Parse_LongOptionsAndExtraBlanks_NormalizeToTheShortSavedForm()
    {
        const string text = "*filter\n:INPUT ACCEPT [0:0]\n[0:0]   -A INPUT   --source 10.1.0.0/16\t--protocol tcp   --match tcp --dport 80   --jump ACCEPT\nCOMMIT\n";

        var rule = Parse(text).Value.Tables[0].Chains[0].Rules[0];

        Assert.Equal(("-s 10.1.0.0/16 -p tcp -m tcp --dport 80", "ACCEPT"), (rule.Spec, rule.Target));
    }

    [Fact]
    public void Parse_MaxUnsignedCounters_ReadExactly()
    {
        var dump = Parse("*filter\n:INPUT ACCEPT [18446744073709551615:18446744073709551615]\n[18446744073709551615:18446744073709551615] -A INPUT -j DROP\nCOMMIT\n").Value;

        Assert.Equal(ulong.MaxValue, dump.Tables[0].Chains[0].Bytes);
        Assert.Equal(ulong.MaxValue, dump.Tables[0].Chains[0].Rules[0].Packets);
    }

    [Theory]
    [InlineData("[18446744073709551616:0] -A INPUT -j DROP")]
    [InlineData("[-1:5] -A INPUT -j DROP")]
    [InlineData("[1:x] -A INPUT -j DROP")]
    public void Parse_BadRuleCounters_ReportsCountersFieldAndKeepsTheRuleWithNullCounters(string line)
    {
        var outcome = Parse($"*filter\n:INPUT ACCEPT [0:0]\n{line}\n[3:4] -A INPUT -j ACCEPT\nCOMMIT\n");

        var error = Assert.Single(outcome.Diagnostics);
        Assert.Equal((3L, "counters", DiagnosticSeverity.Error), (error.Line, error.Field, error.Severity));
        var rules = outcome.Value.Tables[0].Chains[0].Rules;
        Assert.Equal([((ulong?)null, "DROP"), (3UL, "ACCEPT")], rules.Select(r => (r.PacketCount, r.Target)));
        Assert.Equal(1, outcome.Value.RulesWithoutCounters);
    }

    [Fact]
    public void Parse_UnbalancedQuoteInComment_WarnsAndTakesTheRestOfTheLineAsComment()
    {
        var outcome = Parse("*filter\n:INPUT ACCEPT [0:0]\n[1:1] -A INPUT -m comment --comment \"never closed -j DROP\n[2:2] -A INPUT -j ACCEPT\nCOMMIT\n");

        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal((3L, "quote"), (warning.Line, warning.Field));
        var rules = outcome.Value.Tables[0].Chains[0].Rules;
        Assert.Equal(("never closed -j DROP", (string?)null), (rules[0].Comment, rules[0].Target));
        Assert.Equal("ACCEPT", rules[1].Target);
    }

    [Fact]
    public void Parse_UnknownLinesAndCommands_ReportEachWithItsLineAndParseTheRest()
    {
        var outcome = Parse("*filter\n:INPUT ACCEPT [0:0]\ngarbage here\n-I INPUT -j DROP\n-A\n-A INPUT -j\n[1:1] -A INPUT -j ACCEPT\nCOMMIT\n");

        Assert.Equal([(3L, (string?)null), (4L, "command"), (5L, "chain"), (6L, "target"), (6L, "counters")], outcome.Diagnostics.Select(d => (d.Line, d.Field)));
        Assert.Equal(["", "ACCEPT"], outcome.Value.Tables[0].Chains[0].Rules.Select(r => r.Target ?? ""));
    }

    [Fact]
    public void Parse_TruncatedDump_WarnsAboutMissingCommitAndKeepsWhatWasRead()
    {
        var text = NeutronSeedDump.Text[..NeutronSeedDump.Text.IndexOf("[0:0] -A neutron-openvswi-sg-fallback", StringComparison.Ordinal)];

        var outcome = Parse(text);

        Assert.Contains(outcome.Diagnostics, d => d.Field == "table" && d.Reason.Contains("COMMIT"));
        Assert.Equal(32, outcome.Value.Tables[0].Chains.Sum(c => c.Rules.Count));
    }

    [Fact]
    public void Parse_ManyBadLines_KeepsOneHundredDiagnosticsAndOneSummary()
    {
        var text = "*filter\n" + string.Concat(Enumerable.Repeat("nonsense\n", 250)) + ":INPUT ACCEPT [0:0]\n[0:0] -A INPUT -j DROP\nCOMMIT\n";

        var outcome = Parse(text);

        Assert.Equal(101, outcome.Diagnostics.Count);
        Assert.Contains("150 more", outcome.Diagnostics[^1].Reason);
        Assert.Equal(251, outcome.Diagnostics[^1].Line);
        Assert.Equal(101, outcome.Value.Warnings.Count);
        Assert.Single(outcome.Value.Tables[0].Chains[0].Rules);
    }

    [Fact]
    public void Parse_BinaryGarbage_HasNoUsableData()
    {
        var outcome = IptablesSaveParser.Parse(TestText.Stream(new InputMutator(7).RandomBytes(2000)));

        Assert.False(outcome.HasUsableData);
        Assert.NotEmpty(outcome.Diagnostics);
    }

    [Fact]
    public void Parse_NftSaveWithLegacyTablesPresent_CountersReadAndOneWarningThatLegacyRulesAreMissing()
    {
        // iptables-nft-save -c of iptables 1.8.9 in a namespace that also had a legacy raw table (SOURCES.md): the first
        // line is the nft variant's notice. Counted independently: 3 rules, packets 8 + 6 + 0, INPUT policy [2:120].
        using var input = TestText.Fixture("lab-debian12__iptables-nft-save-c_legacy-tables-present.txt");

        var outcome = IptablesSaveParser.Parse(input);

        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal((1L, "variant", DiagnosticSeverity.Warning), (warning.Line, warning.Field, warning.Severity));
        Assert.Contains("iptables-legacy-save -c", warning.Reason, StringComparison.Ordinal);
        var dump = outcome.Value;
        Assert.Equal("nf_tables", dump.Variant);
        var chains = dump.Tables.Single().Chains;
        Assert.Equal(("INPUT", "DROP", 2UL, 120UL), (chains[0].Name, chains[0].Policy, chains[0].Packets, chains[0].Bytes));
        Assert.Equal(
            [("INPUT", 8UL, 372UL), ("lab-input", 6UL, 252UL), ("lab-input", 0UL, 0UL)],
            chains.SelectMany(c => c.Rules.Select(r => (c.Name, r.Packets, r.Bytes))));
        Assert.Equal("Allow ping on loopback.", chains.Single(c => c.Name == "lab-input").Rules[0].Comment);
        Assert.Equal(0, dump.RulesWithoutCounters);
    }
}
