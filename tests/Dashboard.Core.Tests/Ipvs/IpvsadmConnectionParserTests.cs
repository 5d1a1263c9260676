using Dashboard.Core.Ipvs;
using Dashboard.Core.Parsing;
using static Dashboard.Core.Tests.Ipvs.TestInput;

namespace Dashboard.Core.Tests.Ipvs;

public sealed class IpvsadmConnectionParserTests
{
    // Quoted verbatim from seeds/neutron-lvs-dr-forward-drop.zh.txt (the "$ ipvsadm -lnc" prompt line left out).
    private const string SeedOutput = """
        IPVS connection entries
        pro expire state source virtual destination
        TCP 01:57 SYN_RECV 10.0.19.92:37358 10.1.26.252:10051 10.1.26.139:10051
        TCP 01:57 SYN_REVV 10.0.19.92:37359 10.1.26.252:10051 10.1.26.139:10051
        """;

    [Fact]
    public void Parse_SeedNeutronOutput_CountsSynRecvAndTypoVerbatim()
    {
        var outcome = IpvsadmConnectionParser.Parse(Text(SeedOutput));
        var summary = outcome.Value;

        Assert.Equal(2, summary.Connections);
        Assert.Equal(0, summary.Templates);
        Assert.Equal(new Dictionary<string, long> { ["SYN_RECV"] = 1, ["SYN_REVV"] = 1 }, summary.ByState);
        var destination = Assert.Single(summary.Destinations);
        Assert.Equal(("TCP", "10.1.26.252:10051", "10.1.26.139:10051"), (destination.Protocol, destination.Virtual, destination.Destination));
        Assert.Equal(new Dictionary<string, long> { ["SYN_RECV"] = 1, ["SYN_REVV"] = 1 }, destination.ByState);
        var source = Assert.Single(summary.TopSynRecvSources);
        Assert.Equal(("TCP", "10.1.26.252:10051", "10.0.19.92", 1L, 0L), (source.Protocol, source.Virtual, source.Client, source.Connections, source.Overcount));
        Assert.Equal(4, outcome.LinesRead);
        Assert.Equal(4, outcome.UsableLines);
    }

    [Fact]
    public void Parse_SeedNeutronOutput_OneWarningForTheUnknownStateName()
    {
        var outcome = IpvsadmConnectionParser.Parse(Text(SeedOutput));

        var diagnostic = Assert.Single(outcome.Diagnostics);
        Assert.Equal(new ParseDiagnostic(4, "state", "unknown state name, counted verbatim: SYN_REVV", DiagnosticSeverity.Warning), diagnostic);
        var warning = Assert.Single(outcome.Value.Warnings);
        Assert.Equal((4L, "state", "unknown state name, counted verbatim: SYN_REVV", DiagnosticSeverity.Warning), (warning.Line, warning.Field, warning.Message, warning.Severity));
    }

    [Fact]
    public void Issue24_PublicCaptureTemplates_InvalidatedOneNamedAndNoDestination()
    {
        // Both rows are quoted in formats.md §1.5 as seen in public captures; the second is an invalidated template
        // (the kernel sets vport = dport = 65535 when its real server goes away): no real server 169.48.180.229:65535 exists.
        const string text = """
            TCP 00:58  NONE        169.46.57.9:0      169.46.7.238:0     169.48.180.190:0
            TCP 00:59  NONE        169.46.57.9:0      169.46.7.238:65535 169.48.180.229:65535
            """;

        var summary = IpvsadmConnectionParser.Parse(Text(text)).Value;

        Assert.Equal(0, summary.Connections);
        Assert.Equal(2, summary.Templates);
        Assert.Equal((1L, 0L), (summary.InvalidatedTemplates, summary.FirewallMarkTemplates));
        Assert.Empty(summary.ByState);
        var persistent = Assert.Single(summary.Destinations);
        Assert.Equal(("169.46.7.238:0", "169.48.180.190:0", 1L, 0), (persistent.Virtual, persistent.Destination, persistent.Templates, persistent.ByState.Count));
        Assert.Empty(summary.Warnings);
    }

    [Fact]
    public void Issue24_DocumentedLayout_MixedStatesTemplatesAndProtocols_FirewallMarkTemplateIsNoDestination()
    {
        var text = IpvsadmConnTitle
            + IpvsadmConnRow("TCP", "14:59", "ESTABLISHED", "10.0.19.92:37358", "10.1.26.252:10051", "10.1.26.139:10051")
            + IpvsadmConnRow("TCP", "01:12", "FIN_WAIT", "10.0.19.93:40001", "10.1.26.252:10051", "10.1.26.139:10051")
            + IpvsadmConnRow("TCP", "00:41", "SYN_RECV", "10.0.19.94:40002", "10.1.26.252:10051", "10.1.26.140:10051")
            + IpvsadmConnRow("TCP", "05:59", "NONE", "10.0.19.94:0", "10.1.26.252:10051", "10.1.26.140:10051")
            + IpvsadmConnRow("TCP", "00:03", "NONE", "10.0.19.95:40003", "10.1.26.252:10051", "10.1.26.140:10051")
            + IpvsadmConnRow("UDP", "04:51", "UDP", "10.0.19.96:5353", "10.1.26.253:53", "10.1.26.141:53")
            + IpvsadmConnRow("IP", "05:00", "ASSURED", "10.0.19.97:0", "0.0.0.7:0", "10.1.26.141:0");

        var outcome = IpvsadmConnectionParser.Parse(Text(text));
        var summary = outcome.Value;

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal(5, summary.Connections);
        Assert.Equal(2, summary.Templates);
        Assert.Equal((1L, 0L), (summary.FirewallMarkTemplates, summary.InvalidatedTemplates));
        Assert.Equal(new Dictionary<string, long> { ["ESTABLISHED"] = 1, ["FIN_WAIT"] = 1, ["NONE"] = 1, ["SYN_RECV"] = 1, ["UDP"] = 1 }, summary.ByState);
        Assert.Collection(
            summary.Destinations,
            d =>
            {
                Assert.Equal(("TCP", "10.1.26.252:10051", "10.1.26.139:10051", 0L), (d.Protocol, d.Virtual, d.Destination, d.Templates));
                Assert.Equal(new Dictionary<string, long> { ["ESTABLISHED"] = 1, ["FIN_WAIT"] = 1 }, d.ByState);
            },
            d =>
            {
                Assert.Equal(("TCP", "10.1.26.252:10051", "10.1.26.140:10051", 1L), (d.Protocol, d.Virtual, d.Destination, d.Templates));
                Assert.Equal(new Dictionary<string, long> { ["NONE"] = 1, ["SYN_RECV"] = 1 }, d.ByState);
            },
            d => Assert.Equal(("UDP", "10.1.26.253:53", "10.1.26.141:53", 1L), (d.Protocol, d.Virtual, d.Destination, d.ByState["UDP"])));
    }

    [Theory]
    [InlineData("60:00")]
    [InlineData("1440:00")]
    [InlineData("00:00")]
    public void Parse_DocumentedLayout_ExpireMinutesNotCapped(string expire)
    {
        var text = IpvsadmConnRow("TCP", expire, "NONE", "10.0.0.1:0", "10.1.26.252:10051", "10.1.26.139:10051");

        var outcome = IpvsadmConnectionParser.Parse(Text(text));

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal(1, outcome.Value.Templates);
    }

    [Theory]
    [InlineData("1:00")]
    [InlineData("00:60")]
    [InlineData("0a:10")]
    [InlineData("0010")]
    public void Parse_DocumentedLayoutExpireNotMinutesSeconds_LineRejectedWithField(string expire)
    {
        var text = IpvsadmConnRow("TCP", "01:00", "ESTABLISHED", "10.0.0.1:1000", "10.1.26.252:80", "10.1.26.139:80")
            + IpvsadmConnRow("TCP", expire, "ESTABLISHED", "10.0.0.1:1001", "10.1.26.252:80", "10.1.26.139:80");

        var outcome = IpvsadmConnectionParser.Parse(Text(text));

        var diagnostic = Assert.Single(outcome.Diagnostics);
        Assert.Equal((2L, "expire", $"not mm:ss: {expire}", DiagnosticSeverity.Error), (diagnostic.Line, diagnostic.Field, diagnostic.Reason, diagnostic.Severity));
        Assert.Equal(1, outcome.Value.Connections);
    }

    [Fact]
    public void Parse_DocumentedLayout_PersistentConnColumnsAccepted()
    {
        // ipvsadm -Lnc --persistent-conn: "%-3s %-6s %-11s %-18s %-18s %-16s %-18s %s\n" when the entry has PE data.
        var text = "IPVS connection entries\n"
            + $"pro expire {"state",-11} {"source",-18} {"virtual",-18} {"destination",-18} {"pe name",-16} pe_data\n"
            + $"{"UDP",-3} {"04:59",-6} {"UDP",-11} {"10.0.0.1:5060",-18} {"10.1.26.252:5060",-18} {"10.1.26.139:5060",-16} {"sip",-18} a84b4c76e66710\n"
            + IpvsadmConnRow("UDP", "04:58", "UDP", "10.0.0.2:5060", "10.1.26.252:5060", "10.1.26.139:5060");

        var outcome = IpvsadmConnectionParser.Parse(Text(text));

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal(2, Assert.Single(outcome.Value.Destinations).ByState["UDP"]);
    }

    [Fact]
    public void Parse_DocumentedLayout_Ipv6AddressesCompressedAndBracketed()
    {
        var text = IpvsadmConnRow("TCP", "14:59", "ESTABLISHED", "[2001:db8::10]:50000", "[2001:db8::1]:80", "[2001:db8:0:1::2]:80")
            + IpvsadmConnRow("TCP", "00:59", "SYN_RECV", "[2001:db8::10]:50001", "[2001:db8::1]:80", "[2001:db8:0:1::2]:80");

        var summary = IpvsadmConnectionParser.Parse(Text(text)).Value;

        var destination = Assert.Single(summary.Destinations);
        Assert.Equal(("[2001:db8::1]:80", "[2001:db8:0:1::2]:80"), (destination.Virtual, destination.Destination));
        Assert.Equal("2001:db8::10", Assert.Single(summary.TopSynRecvSources).Client);
    }

    [Fact]
    public void Parse_DocumentedLayout_SctpStateNamesOfBothKernelTablesAreKnown()
    {
        string[] states = ["INIT1", "C-ECHOED", "S-ACK-SENT", "CLOSED", "INIT_ACK_CLI", "COOKIE_ECHO_SER", "ESTABISHED", "SHUTDOWN_ACK_SER", "SYNACK", "LISTEN", "ERR!", "BUG!"];
        var text = string.Concat(states.Select((s, i) => IpvsadmConnRow("SCTP", "00:10", s, $"10.0.0.1:{4000 + i}", "10.1.26.252:3868", "10.1.26.139:3868")));

        var outcome = IpvsadmConnectionParser.Parse(Text(text));

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal(states.Order(StringComparer.Ordinal), outcome.Value.ByState.Keys);
    }

    [Fact]
    public void Parse_DocumentedLayoutRowsOfOneUnknownState_OneWarningOnly()
    {
        var text = string.Concat(Enumerable.Range(0, 1000).Select(i => IpvsadmConnRow("TCP", "00:10", "WEIRD", $"10.0.{i / 250}.{i % 250}:4000", "10.1.26.252:80", "10.1.26.139:80")))
            + IpvsadmConnRow("TCP", "00:10", "ODDER", "10.0.9.9:4000", "10.1.26.252:80", "10.1.26.139:80");

        var outcome = IpvsadmConnectionParser.Parse(Text(text));

        Assert.Equal(["unknown state name, counted verbatim: WEIRD", "unknown state name, counted verbatim: ODDER"], outcome.Diagnostics.Select(d => d.Reason));
        Assert.Equal(new[] { 1L, 1001L }, outcome.Diagnostics.Select(d => d.Line));
        Assert.Equal(1000, outcome.Value.ByState["WEIRD"]);
    }

    [Fact]
    public void Parse_DocumentedLayoutNamesInsteadOfNumbers_KeptAsPrintedWithOneWarning()
    {
        var text = IpvsadmConnRow("TCP", "01:57", "SYN_RECV", "client-7.example:37358", "10.1.26.252:zabbix-trapper", "10.1.26.139:zabbix-trapper")
            + IpvsadmConnRow("TCP", "01:57", "SYN_RECV", "client-7.example:37359", "10.1.26.252:zabbix-trapper", "10.1.26.139:zabbix-trapper");

        var outcome = IpvsadmConnectionParser.Parse(Text(text));

        Assert.True(outcome.Value.NamesNotNumeric);
        var destination = Assert.Single(outcome.Value.Destinations);
        Assert.Equal(("10.1.26.252:zabbix-trapper", "10.1.26.139:zabbix-trapper", 2L), (destination.Virtual, destination.Destination, destination.ByState["SYN_RECV"]));
        Assert.Equal(("client-7.example", 2L), (outcome.Value.TopSynRecvSources[0].Client, outcome.Value.TopSynRecvSources[0].Connections));
        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal((1L, DiagnosticSeverity.Warning), (warning.Line, warning.Severity));
    }

    [Theory]
    [InlineData("TCP 01:57 SYN_RECV 10.0.19.92:37358 10.1.26.252:10051", "destination", "line ends before this field")]
    [InlineData("TCP 01:57 SYN_RECV 10.0.19.92 10.1.26.252:10051 10.1.26.139:10051", "source", "no ':port' after the address: 10.0.19.92")]
    [InlineData("TCP 01:57 SYN_RECV 10.0.19.92:37358 10.1.26.252:70000 10.1.26.139:10051", "virtual", "port is neither 0-65535 nor a service name: 10.1.26.252:70000")]
    [InlineData("TCP 01:57 SYN_RECV 10.0.19.92:37358 10.1.26.252:10051 10.1.26.300:10051", "destination", "not an IPv4 address, [IPv6] address or host name: 10.1.26.300:10051")]
    [InlineData("TCP 01:57 SYN_RECV 10.0.19.92:37358 [2001:db8::zz]:80 10.1.26.139:10051", "virtual", "not an IPv4 address, [IPv6] address or host name: [2001:db8::zz]:80")]
    [InlineData("TCP 01:57", "state", "line ends before this field")]
    public void Parse_SeedRowWithDamagedField_PreciseDiagnosticAndNextLineStillCounted(string damaged, string field, string reason)
    {
        var text = damaged + "\n" + IpvsadmConnRow("TCP", "14:59", "ESTABLISHED", "10.0.19.92:37358", "10.1.26.252:10051", "10.1.26.139:10051");

        var outcome = IpvsadmConnectionParser.Parse(Text(text));

        var diagnostic = Assert.Single(outcome.Diagnostics);
        Assert.Equal(1, diagnostic.Line);
        Assert.Equal(field, diagnostic.Field);
        Assert.StartsWith(reason, diagnostic.Reason);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(1, outcome.Value.Connections);
    }

    [Fact]
    public void Parse_DocumentedLayoutAfterManyBadLines_DiagnosticsCappedWithSummary()
    {
        var text = string.Concat(Enumerable.Repeat("TCP xx:yy ESTABLISHED 10.0.0.1:1 10.0.0.2:80 10.0.0.3:80\n", 1000))
            + IpvsadmConnRow("TCP", "14:59", "ESTABLISHED", "10.0.19.92:37358", "10.1.26.252:10051", "10.1.26.139:10051");

        var outcome = IpvsadmConnectionParser.Parse(Text(text));

        Assert.Equal(101, outcome.Diagnostics.Count);
        Assert.All(outcome.Diagnostics.Take(100), d => Assert.Equal("not mm:ss: xx:yy", d.Reason));
        Assert.Equal(new ParseDiagnostic(101, "expire", "900 more lines rejected: not mm:ss"), outcome.Diagnostics[100]);
        Assert.Equal(1, outcome.Value.Connections);
        Assert.Equal(101, outcome.Value.Warnings.Count);
    }

    [Fact]
    public void Parse_DocumentedLayoutSynFloodFromDistinctSources_HeavySourceOnTopInBoundedMemory()
    {
        var random = new Random(7);
        var rows = new List<string>();
        for (var i = 0; i < 20_000; i++)
        {
            var client = i % 4 == 0 ? "192.0.2.77" : $"198.{random.Next(18, 20)}.{random.Next(256)}.{random.Next(256)}";
            rows.Add(IpvsadmConnRow("TCP", "00:59", "SYN_RECV", $"{client}:{random.Next(1024, 65536)}", "10.1.26.252:10051", $"10.1.26.{136 + (i % 8)}:10051"));
        }

        var options = new IpvsConnectionParseOptions { SourceSketchCapacity = 64, TopSourcesPerVirtual = 10 };
        var summary = IpvsadmConnectionParser.Parse(Text(string.Concat(rows)), options).Value;

        Assert.Equal(20_000, summary.ByState["SYN_RECV"]);
        Assert.Equal(10, summary.TopSynRecvSources.Count);
        var top = summary.TopSynRecvSources[0];
        Assert.Equal("192.0.2.77", top.Client);
        // Space-Saving: true count <= reported <= true count + overcount, and overcount <= rows / capacity.
        Assert.InRange(5_000, top.Connections - top.Overcount, top.Connections);
        Assert.InRange(top.Overcount, 0, 20_000 / 64);
    }

    [Fact]
    public void Parse_EmptyInput_NothingUsable()
    {
        var outcome = IpvsadmConnectionParser.Parse(Text(""));

        Assert.False(outcome.HasUsableData);
        Assert.Equal(0, outcome.Value.Connections);
    }

    [Fact]
    public void Parse_DocumentedLayoutTitlesOnly_IdleDirectorIsUsable()
    {
        var outcome = IpvsadmConnectionParser.Parse(Text(IpvsadmConnTitle));

        Assert.True(outcome.HasUsableData);
        Assert.Empty(outcome.Diagnostics);
    }

    [Fact]
    public void Parse_DocumentedLayoutMoreDistinctPairsThanTheLimit_ExtraRowsRejected()
    {
        var text = string.Concat(Enumerable.Range(0, 50).Select(i => IpvsadmConnRow("TCP", "00:10", "ESTABLISHED", "10.0.0.1:1000", "10.1.26.252:80", $"10.1.27.{i}:80")));
        var options = new IpvsConnectionParseOptions { MaxDistinctAggregates = 20 };

        var outcome = IpvsadmConnectionParser.Parse(Text(text), options);

        Assert.Equal(20, outcome.Value.Connections);
        Assert.Equal(20, outcome.Value.Destinations.Count);
        Assert.Equal(30, outcome.Diagnostics.Count(d => d.Reason.StartsWith("more than 20 distinct")));
    }

    [Fact]
    public void Parse_DirectRoutingCapture_StatesPerRealServerWithoutWarnings()
    {
        // gentleduo/memo-repository (SOURCES.md), `ipvsadm -lnc` of a DR director. Counted independently:
        //   grep -c ESTABLISHED → 2, grep -c FIN_WAIT → 1; awk '{print $6}' | sort -u → 2 real servers.
        var outcome = IpvsadmConnectionParser.Parse(Fixture("gentleduo-memo-repository__memo_distributed_ipvsadm-lnc_dr.txt"));
        var summary = outcome.Value;

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal((3L, 0L), (summary.Connections, summary.Templates));
        Assert.Equal(new Dictionary<string, long> { ["ESTABLISHED"] = 2, ["FIN_WAIT"] = 1 }, summary.ByState);
        Assert.Equal(
            [("192.168.56.102:80", 2L), ("192.168.56.103:80", 1L)],
            summary.Destinations.Select(d => (d.Destination, d.ByState.Values.Sum())).Order());
        Assert.All(summary.Destinations, d => Assert.Equal(("TCP", "192.168.56.200:80"), (d.Protocol, d.Virtual)));
        Assert.Empty(summary.TopSynRecvSources);
    }
}
