using Dashboard.Core.Ipvs;
using Dashboard.Core.Parsing;
using static Dashboard.Core.Tests.Ipvs.TestInput;

namespace Dashboard.Core.Tests.Ipvs;

// No public capture of /proc/net/ip_vs_conn exists (formats.md §2.3): every input is built from the kernel's printf formats.
public sealed class ProcIpVsConnParserTests
{
    [Fact]
    public void Parse_DocumentedLayout_HexAddressesBecomeDottedWithDecimalPorts()
    {
        var text = ProcConnTitle
            + ProcConnRow("TCP", Ipv4("10.0.19.92"), 37358, Ipv4("10.1.26.252"), 10051, Ipv4("10.1.26.139"), 10051, "SYN_RECV", 57)
            + ProcConnRow("TCP", Ipv4("10.0.19.92"), 37359, Ipv4("10.1.26.252"), 10051, Ipv4("10.1.26.139"), 10051, "ESTABLISHED", 899)
            + ProcConnRow("TCP", Ipv4("10.0.19.92"), 0, Ipv4("10.1.26.252"), 10051, Ipv4("10.1.26.139"), 10051, "NONE", 359);

        var outcome = ProcIpVsConnParser.Parse(Text(text));
        var summary = outcome.Value;

        Assert.Empty(outcome.Diagnostics);
        Assert.StartsWith("TCP 0A00135C 91EE 0A011AFC 2743 0A011A8B 2743 SYN_RECV         57\n", text[ProcConnTitle.Length..]);
        var destination = Assert.Single(summary.Destinations);
        Assert.Equal(("TCP", "10.1.26.252:10051", "10.1.26.139:10051", 1L), (destination.Protocol, destination.Virtual, destination.Destination, destination.Templates));
        Assert.Equal(new Dictionary<string, long> { ["ESTABLISHED"] = 1, ["SYN_RECV"] = 1 }, destination.ByState);
        Assert.Equal((2L, 1L), (summary.Connections, summary.Templates));
        Assert.Equal("10.0.19.92", Assert.Single(summary.TopSynRecvSources).Client);
        Assert.Null(summary.SyncedEntries);
        Assert.Equal(4, outcome.UsableLines);
    }

    [Fact]
    public void Parse_DocumentedLayout_FullFormIpv6Compressed()
    {
        // "%-3s %pI6 %04X %pI6 %04X %s %04X %-11s %7u%s\n": %pI6 prints all eight groups, no brackets.
        var text = ProcConnTitle
            + "TCP 2001:0db8:0000:0000:0000:0000:0000:0010 C350 2620:0000:0000:0000:0000:0000:0000:0001 0050 2620:0000:0000:0000:0000:0000:0000:0002 0050 ESTABLISHED     899\n";

        var outcome = ProcIpVsConnParser.Parse(Text(text));

        Assert.Empty(outcome.Diagnostics);
        var destination = Assert.Single(outcome.Value.Destinations);
        Assert.Equal(("[2620::1]:80", "[2620::2]:80"), (destination.Virtual, destination.Destination));
    }

    [Fact]
    public void Parse_DocumentedLayout_SyncOriginCountsSyncedEntries()
    {
        // ip_vs_conn_sync: "... %s %04X %-11s %-6s %7u\n", Origin LOCAL or SYNC.
        var text = ProcConnSyncTitle
            + $"TCP 0A00135C 91EE 0A011AFC 2743 0A011A8B 2743 {"ESTABLISHED",-11} {"SYNC",-6} {899,7}\n"
            + $"TCP 0A00135C 91EF 0A011AFC 2743 0A011A8B 2743 {"FIN_WAIT",-11} {"LOCAL",-6} {60,7}\n"
            + $"TCP 0A00135C 91F0 0A011AFC 2743 0A011A8B 2743 {"FIN_WAIT",-11} {"PEER",-6} {60,7}\n";

        var outcome = ProcIpVsConnParser.Parse(Text(text));

        Assert.Equal(3, outcome.Value.Connections);
        Assert.Equal(1, outcome.Value.SyncedEntries);
        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal(new ParseDiagnostic(4, "Origin", "unknown origin, expected LOCAL or SYNC: PEER", DiagnosticSeverity.Warning), warning);
    }

    [Fact]
    public void Parse_DocumentedLayout_PersistenceEngineDataIgnored()
    {
        var text = ProcConnTitle
            + ProcConnRow("UDP", Ipv4("10.0.0.1"), 5060, Ipv4("10.1.26.252"), 5060, Ipv4("10.1.26.139"), 5060, "UDP", 299, " sip a84b4c76e66710")
            + ProcConnRow("UDP", Ipv4("10.0.0.1"), 0, Ipv4("10.1.26.252"), 5060, Ipv4("10.1.26.139"), 5060, "NONE", 299, " sip a84b4c76e66710");

        var outcome = ProcIpVsConnParser.Parse(Text(text));

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal((1L, 1L), (outcome.Value.Connections, outcome.Value.Templates));
    }

    [Fact]
    public void Issue24_DocumentedLayout_FirewallMarkTemplateCountedApartNotADestination()
    {
        // Templates of fwmark services use IPPROTO_IP and carry the mark where the virtual address would be: 0.0.0.7 is no VIP.
        var text = ProcConnRow("IP", Ipv4("10.0.0.1"), 0, 7, 0, Ipv4("10.1.26.141"), 0, "NONE", 299)
            + ProcConnRow("TCP", Ipv4("10.0.0.1"), 40001, Ipv4("10.1.26.252"), 80, Ipv4("10.1.26.141"), 80, "ESTABLISHED", 899);

        var summary = ProcIpVsConnParser.Parse(Text(text)).Value;

        var destination = Assert.Single(summary.Destinations);
        Assert.Equal(("TCP", "10.1.26.252:80", "10.1.26.141:80", 0L), (destination.Protocol, destination.Virtual, destination.Destination, destination.Templates));
        Assert.Equal((1L, 1L, 1L, 0L), (summary.Connections, summary.Templates, summary.FirewallMarkTemplates, summary.InvalidatedTemplates));
    }

    [Fact]
    public void Issue24_InvalidatedTemplate_CountedAndNamedNotADestination()
    {
        // ip_vs_check_template: ct->dport = htons(0xffff); ct->vport = htons(0xffff); ct->cport = 0 (also for fwmark templates).
        var text = ProcConnRow("TCP", Ipv4("10.0.0.1"), 0, Ipv4("10.1.26.252"), 0xFFFF, Ipv4("10.1.26.139"), 0xFFFF, "NONE", 59)
            + ProcConnRow("IP", Ipv4("10.0.0.2"), 0, 21, 0xFFFF, Ipv4("10.1.26.140"), 0xFFFF, "NONE", 59);

        var outcome = ProcIpVsConnParser.Parse(Text(text));

        Assert.Empty(outcome.Diagnostics);
        Assert.Empty(outcome.Value.Destinations);
        Assert.Equal((0L, 2L, 2L, 0L), (outcome.Value.Connections, outcome.Value.Templates, outcome.Value.InvalidatedTemplates, outcome.Value.FirewallMarkTemplates));
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            IpvsConnectionSummaryJsonWriter.Write(writer, outcome.Value);
        }

        var json = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        Assert.Contains("\"invalidatedTemplates\":2", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DocumentedLayout_NumberedProtocolKeptWithoutWarningUnknownWithOne()
    {
        var text = ProcConnRow("IP_99", Ipv4("10.0.0.1"), 1, Ipv4("10.1.26.252"), 0, Ipv4("10.1.26.139"), 0, "ERR!", 10)
            + ProcConnRow("XYZ", Ipv4("10.0.0.1"), 1, Ipv4("10.1.26.252"), 0, Ipv4("10.1.26.139"), 0, "ERR!", 10)
            + ProcConnRow("XYZ", Ipv4("10.0.0.2"), 1, Ipv4("10.1.26.252"), 0, Ipv4("10.1.26.139"), 0, "ERR!", 10);

        var outcome = ProcIpVsConnParser.Parse(Text(text));

        Assert.Equal(["IP_99", "XYZ"], outcome.Value.Destinations.Select(d => d.Protocol));
        Assert.Equal(new ParseDiagnostic(2, "Pro", "unknown protocol name, counted verbatim: XYZ", DiagnosticSeverity.Warning), Assert.Single(outcome.Diagnostics));
    }

    [Theory]
    [InlineData("TCP 0A00135C 91EE 0A011AFC 2743 0A011A8B 2743 ESTABLISHED", "Expires", "line ends before this field")]
    [InlineData("TCP 0A00135C 91EE 0A011AFC 2743 0A011A8B 2743 ESTABLISHED -5", "Expires", "not a number of seconds: -5")]
    [InlineData("TCP 0A00135 91EE 0A011AFC 2743 0A011A8B 2743 ESTABLISHED 5", "FromIP", "neither 8 hex digits (%08X) nor an IPv6 address (%pI6): 0A00135")]
    [InlineData("TCP 0A00135C 191EE 0A011AFC 2743 0A011A8B 2743 ESTABLISHED 5", "FPrt", "not a hex port (%04X): 191EE")]
    [InlineData("TCP 0A00135C 91EE 0A011AFC 2743 0A011A8B", "DPrt", "line ends before this field")]
    [InlineData("TCP 0A00135C 91EE 0A011AFC 2743 2620:0000:0000:0000:0000:0000:0000 0050 ESTABLISHED 5", "DestIP", "neither 8 hex digits (%08X) nor an IPv6 address (%pI6): 2620:0000:0000:0000:0000:0000:0000")]
    public void Parse_DocumentedLayoutDamagedField_PreciseDiagnosticAndNextLineStillCounted(string damaged, string field, string reason)
    {
        var text = ProcConnTitle + damaged + "\n" + ProcConnRow("TCP", 1, 2, 3, 4, 5, 6, "ESTABLISHED", 7);

        var outcome = ProcIpVsConnParser.Parse(Text(text));

        var diagnostic = Assert.Single(outcome.Diagnostics);
        Assert.Equal(2, diagnostic.Line);
        Assert.Equal(field, diagnostic.Field);
        Assert.StartsWith(reason, diagnostic.Reason);
        Assert.Equal(1, outcome.Value.Connections);
    }

    [Fact]
    public void Parse_DocumentedLayoutSameTableInBothFormats_SameSummary()
    {
        var ipvsadm = IpvsadmConnTitle
            + IpvsadmConnRow("TCP", "14:59", "ESTABLISHED", "10.0.19.92:37358", "10.1.26.252:10051", "10.1.26.139:10051")
            + IpvsadmConnRow("TCP", "00:41", "SYN_RECV", "10.0.19.94:40002", "10.1.26.252:10051", "10.1.26.140:10051")
            + IpvsadmConnRow("TCP", "05:59", "NONE", "10.0.19.94:0", "10.1.26.252:10051", "10.1.26.140:10051");
        var proc = ProcConnTitle
            + ProcConnRow("TCP", Ipv4("10.0.19.92"), 37358, Ipv4("10.1.26.252"), 10051, Ipv4("10.1.26.139"), 10051, "ESTABLISHED", 899)
            + ProcConnRow("TCP", Ipv4("10.0.19.94"), 40002, Ipv4("10.1.26.252"), 10051, Ipv4("10.1.26.140"), 10051, "SYN_RECV", 41)
            + ProcConnRow("TCP", Ipv4("10.0.19.94"), 0, Ipv4("10.1.26.252"), 10051, Ipv4("10.1.26.140"), 10051, "NONE", 359);

        var fromIpvsadm = IpvsConnectionJson.Serialize(IpvsadmConnectionParser.Parse(Text(ipvsadm)).Value);
        var fromProc = IpvsConnectionJson.Serialize(ProcIpVsConnParser.Parse(Text(proc)).Value);

        Assert.Equal(fromIpvsadm, fromProc);
    }
}
