using Dashboard.Core.Ipvs;
using Dashboard.Core.Parsing;
using static Dashboard.Core.Tests.Ipvs.TestInput;

namespace Dashboard.Core.Tests.Ipvs;

public sealed class ProcIpVsParserTests
{
    [Fact]
    public void Parse_ProcfsFixture_GoldenServicesIpv6AndFirewallMark()
    {
        var outcome = ProcIpVsParser.Parse(Fixture("prometheus-procfs__proc_net_ip_vs.txt"));
        var table = outcome.Value;

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal(("1.2.1", 4096L), (table.Version, table.ConnectionTableSize));
        Assert.False(table.NamesNotNumeric);
        Assert.Equal(21, outcome.LinesRead);
        Assert.Equal(21, outcome.UsableLines);
        Assert.Collection(
            table.Services,
            s => AssertService(s, "TCP", "192.168.0.22:3306", null, false, "wlc", ("192.168.82.22:3306", "Tunnel", 100, 248, 2), ("192.168.83.24:3306", "Tunnel", 100, 248, 2), ("192.168.83.21:3306", "Tunnel", 100, 248, 1)),
            s => AssertService(s, "TCP", "192.168.0.57:3306", null, false, "wlc", ("192.168.84.22:3306", "Tunnel", 0, 0, 0), ("192.168.82.21:3306", "Tunnel", 100, 1499, 0), ("192.168.50.21:3306", "Tunnel", 100, 1498, 0)),
            s => AssertService(s, "TCP", "192.168.0.55:3306", null, false, "wlc", ("192.168.50.26:3306", "Tunnel", 0, 0, 0), ("192.168.49.32:3306", "Tunnel", 100, 0, 0)),
            s => AssertService(s, "TCP", "[2620::1]:80", null, true, "sh", ("[2620::2]:80", "Route", 1, 0, 0), ("[2620::3]:80", "Route", 1, 0, 0), ("[2620::4]:80", "Route", 1, 1, 1)),
            s => AssertService(s, "FWM", null, 0x10001000u, false, "wlc", ("192.168.50.26:3306", "Route", 0, 0, 1), ("192.168.50.21:3306", "Route", 0, 0, 2)));
    }

    [Fact]
    public void Parse_NodeExporterFixtureWithTrailingBlanks_GoldenServices()
    {
        var outcome = ProcIpVsParser.Parse(Fixture("prometheus-node_exporter__proc_net_ip_vs.txt"));
        var table = outcome.Value;

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal(4, table.Services.Count);
        AssertService(table.Services[0], "TCP", "192.168.0.22:3306", null, false, "wlc", ("192.168.82.22:3306", "Tunnel", 100, 248, 2), ("192.168.83.24:3306", "Tunnel", 100, 248, 2), ("192.168.83.21:3306", "Tunnel", 100, 248, 1));
        AssertService(table.Services[3], "FWM", null, 268439552u, false, "wlc", ("192.168.50.26:3306", "Tunnel", 20, 64, 1), ("192.168.49.32:3306", "Tunnel", 100, 321, 5));
        Assert.All(table.Services, s => Assert.Null(s.PersistentJiffies));
    }

    [Fact]
    public void Parse_DocumentedLayout_PersistentJiffiesAndHexNetmaskAndOps()
    {
        // "%s  %08X:%04X %s %s " + "persistent %d %08X\n"; the timeout is svc->timeout in jiffies (300 s at HZ=250).
        const string text = """
            IP Virtual Server version 1.2.1 (size=4096)
            Prot LocalAddress:Port Scheduler Flags
              -> RemoteAddress:Port Forward Weight ActiveConn InActConn
            TCP  0A011AFC:2743 sh ops persistent 75000 FFFFFF00
              -> 0A011A8B:2743      Route   100    0          12        
            UDP  0A011AFC:0035 rr  
              -> 0A011A8C:0035      Masq    -1     0          0         
            """;

        var outcome = ProcIpVsParser.Parse(Text(text));

        Assert.Empty(outcome.Diagnostics);
        var persistent = outcome.Value.Services[0];
        Assert.Equal(("10.1.26.252:10051", "sh", true, 75000L, "255.255.255.0", (long?)null), (persistent.Virtual, persistent.Scheduler, persistent.OnePacket, persistent.PersistentJiffies, persistent.Netmask, persistent.PersistentSeconds));
        Assert.Equal(("10.1.26.139:10051", 12L), (persistent.Destinations[0].Address, persistent.Destinations[0].InActConn));
        Assert.Equal(("Masq", -1), (outcome.Value.Services[1].Destinations[0].Forward, outcome.Value.Services[1].Destinations[0].Weight));
    }

    [Theory]
    [InlineData("TCP  C0A8001:0CEA wlc", "LocalAddress:Port", "neither HEX8:HEX4 nor [IPv6]:HEX4: C0A8001:0CEA")]
    [InlineData("FWM  1000G000 wlc", "LocalAddress:Port", "firewall mark is not hex (%08X): 1000G000")]
    [InlineData("TCP  C0A80016:0CEA", "Scheduler", "line ends before this field")]
    [InlineData("  -> C0A85216:0CEA      Tunnel  100    x          2", "ActiveConn", "not a 32-bit integer: x")]
    [InlineData("  -> C0A85216:0CEA      Tunnel  100    1", "InActConn", "line ends before this field")]
    [InlineData("TCP  C0A80016:0CEA wlc persistent 300", "persistent", "netmask is not hex (%08X)")]
    public void Parse_FixtureLinesWithOneDamaged_PreciseDiagnosticAndRestStillRead(string damaged, string field, string reason)
    {
        var text = "TCP  C0A80016:0CEA wlc\n" + damaged + "\n  -> C0A85216:0CEA      Tunnel  100    248        2\n";

        var outcome = ProcIpVsParser.Parse(Text(text));

        var diagnostic = Assert.Single(outcome.Diagnostics);
        Assert.Equal((2L, field), (diagnostic.Line, diagnostic.Field));
        Assert.StartsWith(reason, diagnostic.Reason);
        Assert.Equal("192.168.82.22:3306", outcome.Value.Services.SelectMany(s => s.Destinations).Last().Address);
    }

    [Fact]
    public void Parse_DocumentedLayoutUnknownServiceWord_KeptVerbatimWithWarning()
    {
        var outcome = ProcIpVsParser.Parse(Text("TCP  C0A80016:0CEA wlc synproxy\n"));

        Assert.Equal(["synproxy"], outcome.Value.Services[0].OtherFlags!);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(outcome.Diagnostics).Severity);
    }

    internal static void AssertService(IpvsService service, string protocol, string? @virtual, uint? mark, bool ipv6, string scheduler, params (string Address, string Forward, int Weight, long Active, long Inactive)[] destinations)
    {
        Assert.Equal((protocol, @virtual, mark, ipv6, scheduler), (service.Protocol, service.Virtual, service.FirewallMark, service.Ipv6, service.Scheduler));
        Assert.Equal(destinations, service.Destinations.Select(d => (d.Address, d.Forward!, d.Weight!.Value, d.ActiveConn!.Value, d.InActConn!.Value)));
    }
}
