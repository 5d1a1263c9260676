using Dashboard.Core.Ipvs;
using Dashboard.Core.Parsing;
using static Dashboard.Core.Tests.Ipvs.IpvsadmListText;
using static Dashboard.Core.Tests.Ipvs.TestInput;

namespace Dashboard.Core.Tests.Ipvs;

public sealed class IpvsadmListParserTests
{
    [Fact]
    public void Parse_DiamondStatsExactFixture_GoldenCounters()
    {
        var outcome = IpvsadmListParser.Parse(Fixture("python-diamond-Diamond__ipvsadm-L-n--stats--exact.txt"));
        var table = outcome.Value;

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal(("1.2.1", 4096L), (table.Version, table.ConnectionTableSize));
        Assert.Collection(
            table.Services,
            s =>
            {
                Assert.Equal(("TCP", "172.16.1.56:80", (string?)null), (s.Protocol, s.Virtual, s.Scheduler));
                AssertCounters(s.Stats!, 116, 582893, 578642, 45293116, 826814146, truncated: false);
                var d = Assert.Single(s.Destinations);
                Assert.Equal("10.68.15.66:80", d.Address);
                AssertCounters(d.Stats!, 116, 582893, 578642, 45293116, 826814146, truncated: false);
            },
            s =>
            {
                Assert.Equal(("TCP", "172.16.1.56:443"), (s.Protocol, s.Virtual));
                AssertCounters(s.Stats!, 59, 469, 469, 57558, 216873, truncated: false);
                AssertCounters(Assert.Single(s.Destinations).Stats!, 59, 469, 469, 57558, 216873, truncated: false);
            });
        Assert.Equal((7L, 7L), (outcome.LinesRead, outcome.UsableLines));
    }

    [Fact]
    public void Parse_SeedIpvsadmWithoutNumeric_NamesKeptAndFlagged()
    {
        // Verbatim from seeds/neutron-lvs-dr-forward-drop.zh.txt (prompt left out); the write-up lost the column padding.
        const string seed = """
            IP Virtual Server version 1.2.1 (size=4096)
            Prot LocalAddress:Port Scheduler Flags
            -> RemoteAddress:Port Forward Weight ActiveConn InActConn
            TCP 10.1.26.252:zabbix-trapper sh
            -> 10.1.26.136:zabbix-trapper Route 100 0 0
            -> 10.1.26.137:zabbix-trapper Route 100 0 0
            -> 10.1.26.138:zabbix-trapper Route 100 0 0
            -> 10.1.26.139:zabbix-trapper Route 100 0 0
            -> 10.1.26.140:zabbix-trapper Route 100 0 0
            -> 10.1.26.141:zabbix-trapper Route 100 0 0
            -> 10.1.26.142:zabbix-trapper Route 100 0 0
            -> 10.1.26.143:zabbix-trapper Route 100 0 0
            """;

        var outcome = IpvsadmListParser.Parse(Text(seed));
        var table = outcome.Value;

        Assert.True(table.NamesNotNumeric);
        var service = Assert.Single(table.Services);
        Assert.Equal(("TCP", "10.1.26.252:zabbix-trapper", "sh", (string?)null, (long?)null), (service.Protocol, service.Virtual, service.Scheduler, service.SchedulerFlags, service.PersistentSeconds));
        Assert.Equal(Enumerable.Range(136, 8).Select(i => $"10.1.26.{i}:zabbix-trapper"), service.Destinations.Select(d => d.Address));
        Assert.All(service.Destinations, d => Assert.Equal(("Route", 100, 0L, 0L), (d.Forward!, d.Weight!.Value, d.ActiveConn!.Value, d.InActConn!.Value)));
        var warning = Assert.Single(outcome.Diagnostics);
        Assert.Equal((4L, "LocalAddress:Port", DiagnosticSeverity.Warning), (warning.Line, warning.Field, warning.Severity));
        Assert.Equal(12, outcome.UsableLines);
    }

    [Fact]
    public void Parse_PublicCaptureLine_PersistentWithMaskAndPortZero()
    {
        // Service line quoted in formats.md §1.2 as seen in public captures.
        var text = Banner + PlainTitle + "TCP  169.55.8.94:0 wlc persistent 360 mask 169.55.8.94\n"
            + Destination("10.1.26.139:0", "Route", 1, 3, 0);

        var outcome = IpvsadmListParser.Parse(Text(text));

        Assert.Empty(outcome.Diagnostics);
        var service = Assert.Single(outcome.Value.Services);
        Assert.Equal(("169.55.8.94:0", "wlc", 360L, "169.55.8.94"), (service.Virtual, service.Scheduler, service.PersistentSeconds, service.Netmask));
        Assert.Equal(3L, service.Destinations[0].ActiveConn);
    }

    [Fact]
    public void Parse_DocumentedLayout_SchedulerFlagsPersistencePeAndOps()
    {
        var text = Banner + PlainTitle
            + Service("UDP", "10.1.26.252:5060", "sh", " (sh-fallback,sh-port) persistent 300 mask 255.255.255.0 pe sip ops")
            + Destination("10.1.26.139:5060", "Masq", 50, 0, 17)
            + Destination("10.1.26.140:5060", "Local", 0, 0, 0)
            + Service("TCP", "[2001:db8::1]:443", "mh", " (mh-fallback) persistent 60 mask 64")
            + Destination("[2001:db8::2]:443", "Tunnel", 1, 2, 3);

        var outcome = IpvsadmListParser.Parse(Text(text));

        Assert.Empty(outcome.Diagnostics);
        var sip = outcome.Value.Services[0];
        Assert.Equal(("UDP", "sh", "sh-fallback,sh-port", 300L, "255.255.255.0", "sip", true), (sip.Protocol, sip.Scheduler, sip.SchedulerFlags, sip.PersistentSeconds, sip.Netmask, sip.PersistenceEngine, sip.OnePacket));
        Assert.Equal([("Masq", 50, 17L), ("Local", 0, 0L)], sip.Destinations.Select(d => (d.Forward!, d.Weight!.Value, d.InActConn!.Value)));
        var v6 = outcome.Value.Services[1];
        Assert.Equal(("[2001:db8::1]:443", true, "mh-fallback", "64", false), (v6.Virtual, v6.Ipv6, v6.SchedulerFlags, v6.Netmask, v6.OnePacket));
        Assert.Equal("[2001:db8::2]:443", v6.Destinations[0].Address);
    }

    [Fact]
    public void Parse_DocumentedLayout_FirewallMarksIncludingIpv6AndOldNegativeMarks()
    {
        var text = Banner + PlainTitle
            + Service("FWM ", "1", "wlc")
            + Destination("10.1.26.139:0", "Route", 1, 0, 0)
            + "FWM  4294967295 IPv6 rr\n"
            + Destination("[2001:db8::2]:0", "Route", 1, 0, 0)
            + "FWM  -2147483648 wlc\n"
            + Destination("10.1.26.140:0", "Route", 1, 0, 0);

        var outcome = IpvsadmListParser.Parse(Text(text));

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal([(1u, false, "wlc"), (uint.MaxValue, true, "rr"), (2147483648u, false, "wlc")], outcome.Value.Services.Select(s => (s.FirewallMark!.Value, s.Ipv6, s.Scheduler!)));
        Assert.All(outcome.Value.Services, s => Assert.Equal(("FWM", (string?)null), (s.Protocol, s.Virtual)));
    }

    [Fact]
    public void Parse_DocumentedLayout_SingleServiceListingWithoutBanner()
    {
        var text = PlainTitle + Service("TCP", "10.1.26.252:10051", "sh") + Destination("10.1.26.139:10051", "Route", 100, 5, 7);

        var outcome = IpvsadmListParser.Parse(Text(text));

        Assert.Empty(outcome.Diagnostics);
        Assert.Null(outcome.Value.Version);
        Assert.Equal(7L, Assert.Single(Assert.Single(outcome.Value.Services).Destinations).InActConn);
    }

    [Fact]
    public void Parse_DocumentedLayout_TunnelInfoColumn()
    {
        var text = Banner + TunnelTitle + Service("TCP", "10.1.26.252:80", "wlc")
            + TunnelDestination("10.1.27.1:80", "Tunnel", "gue:6080:csum", 10, 1, 2)
            + TunnelDestination("10.1.27.2:80", "Route", "n/a", 10, 3, 4);

        var outcome = IpvsadmListParser.Parse(Text(text));

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal([("Tunnel", "gue:6080:csum", 10, 1L, 2L), ("Route", "n/a", 10, 3L, 4L)],
            outcome.Value.Services[0].Destinations.Select(d => (d.Forward!, d.TunnelInfo!, d.Weight!.Value, d.ActiveConn!.Value, d.InActConn!.Value)));
    }

    [Fact]
    public void Parse_DocumentedLayout_ThresholdsAndPersistentConn()
    {
        var thresholds = Banner + ThresholdsTitle + Service("TCP", "10.1.26.252:80", "wlc")
            + ThresholdsDestination("10.1.27.1:80", 1000, 800, 12, 30);
        var persistent = Banner + PersistentConnTitle + Service("TCP", "10.1.26.252:80", "wlc", " persistent 360")
            + PersistentConnDestination("10.1.27.1:80", 100, 42, 12, 30);

        var t = IpvsadmListParser.Parse(Text(thresholds));
        var p = IpvsadmListParser.Parse(Text(persistent));

        Assert.Empty(t.Diagnostics);
        Assert.Empty(p.Diagnostics);
        var td = t.Value.Services[0].Destinations[0];
        Assert.Equal((1000L, 800L, 12L, 30L, (int?)null, (long?)null), (td.UpperThreshold!.Value, td.LowerThreshold!.Value, td.ActiveConn!.Value, td.InActConn!.Value, td.Weight, td.PersistConn));
        var pd = p.Value.Services[0].Destinations[0];
        Assert.Equal((100, 42L, 12L, 30L, (long?)null), (pd.Weight!.Value, pd.PersistConn!.Value, pd.ActiveConn!.Value, pd.InActConn!.Value, pd.UpperThreshold));
        Assert.Equal(360L, p.Value.Services[0].PersistentSeconds);
    }

    [Fact]
    public void Parse_StatsWithoutExact_PublicCaptureNumbersAreDecimalAndTruncated()
    {
        // "159040K    2447M    2045M     285G     798G" is quoted in formats.md §1.3 as seen in public captures.
        var text = Banner + StatsTitle + $"{"TCP  10.1.26.252:80",-33}  159040K    2447M    2045M     285G     798G\n";

        var outcome = IpvsadmListParser.Parse(Text(text));

        Assert.Empty(outcome.Diagnostics);
        AssertCounters(outcome.Value.Services[0].Stats!, 159_040_000, 2_447_000_000, 2_045_000_000, 285_000_000_000, 798_000_000_000, truncated: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Parse_DocumentedLayout_StatsRoundTripAcrossPrintLargenumRanges(bool exact)
    {
        ulong[] values = [99_999_999, 100_000_000, 999_999_999_999, 99_999_999_999_999, ulong.MaxValue];
        var text = Banner + StatsTitle + StatsService("TCP", "10.1.26.252:80", exact, values) + StatsDestination("10.1.27.1:80", exact, values);

        var outcome = IpvsadmListParser.Parse(Text(text));

        // From 10^19 up "%8lluT" fills its eight places and touches the number before it.
        Assert.Equal(!exact, text.Contains("99999G18446744T"));
        Assert.Empty(outcome.Diagnostics);
        var expected = exact ? values : [99_999_999, 100_000_000, 999_000_000_000, 99_999_000_000_000, 18_446_744_000_000_000_000];
        var stats = outcome.Value.Services[0].Destinations[0].Stats!;
        Assert.Equal(expected, new[] { stats.Connections, stats.InPackets, stats.OutPackets, stats.InBytes, stats.OutBytes });
        Assert.Equal(!exact, stats.Truncated);
    }

    [Fact]
    public void Parse_DocumentedLayout_RateColumns()
    {
        var text = Banner + RateTitle + StatsService("TCP", "10.1.26.252:80", false, 12, 3400, 0, 2_500_000_000, 0)
            + RateDestination("10.1.27.1:80", false, 12, 3400, 0, 2_500_000_000, 0);

        var outcome = IpvsadmListParser.Parse(Text(text));

        Assert.Empty(outcome.Diagnostics);
        var service = outcome.Value.Services[0];
        Assert.Null(service.Stats);
        Assert.Equal((12UL, 3400UL, 2_500_000_000UL, true), (service.Rates!.ConnectionsPerSecond, service.Rates.InPacketsPerSecond, service.Rates.InBytesPerSecond, service.Rates.Truncated));
        Assert.Equal(2_500_000_000UL, service.Destinations[0].Rates!.InBytesPerSecond);
    }

    [Fact]
    public void Parse_DocumentedLayoutLongHostNameCutByIpvsadm_KeptAsPrinted()
    {
        var text = Banner + PlainTitle + Service("TCP", "lvs-vip-zabbix.dc1.example.org:zabbix-trapper", "sh")
            + Destination("proxy-01.zabbix.dc1.example.org:zabbix-trapper"[..28], "Route", 100, 0, 0);

        var outcome = IpvsadmListParser.Parse(Text(text));

        var service = Assert.Single(outcome.Value.Services);
        Assert.Equal("lvs-vip-zabbix.dc1.example.o", service.Virtual);
        Assert.Equal("proxy-01.zabbix.dc1.example.", service.Destinations[0].Address);
        Assert.True(outcome.Value.NamesNotNumeric);
        Assert.All(outcome.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
    }

    [Theory]
    [InlineData("  -> 10.1.27.1:80                 Route   x      0          0", "Weight", "not a 32-bit integer: x")]
    [InlineData("  -> 10.1.27.1:80                 Route   100    0", "InActConn", "line ends before this field")]
    [InlineData("  -> 10.1.27.1                    Route   100    0          0", "RemoteAddress:Port", "no ':port' after the address: 10.1.27.1")]
    [InlineData("TCP  10.1.26.252:80 wlc persistent", "persistent", "timeout is not a number of seconds")]
    [InlineData("TCP  10.1.26.252:80 wlc (flag-1", "Flags", "scheduler flags without a closing ')': (flag-1")]
    [InlineData("HTTP 10.1.26.252:80 wlc", null, "neither a title, a service line nor a '->' destination line")]
    public void Parse_DocumentedLayoutDamagedLine_PreciseDiagnosticAndRestStillRead(string damaged, string? field, string reason)
    {
        var text = Banner + PlainTitle + Service("TCP", "10.1.26.252:80", "wlc") + damaged + "\n" + Destination("10.1.27.2:80", "Route", 1, 2, 3);

        var outcome = IpvsadmListParser.Parse(Text(text));

        var diagnostic = Assert.Single(outcome.Diagnostics);
        Assert.Equal((5L, field), (diagnostic.Line, diagnostic.Field));
        Assert.StartsWith(reason, diagnostic.Reason);
        Assert.Equal("10.1.27.2:80", outcome.Value.Services.SelectMany(s => s.Destinations).Last().Address);
    }

    [Fact]
    public void Parse_DocumentedLayoutUnknownForwardingMethod_KeptVerbatimWithOneWarning()
    {
        var text = Banner + PlainTitle + Service("TCP", "10.1.26.252:80", "wlc")
            + Destination("10.1.27.1:80", "FullNat", 1, 0, 0) + Destination("10.1.27.2:80", "FullNat", 1, 0, 0);

        var outcome = IpvsadmListParser.Parse(Text(text));

        Assert.Equal(["FullNat", "FullNat"], outcome.Value.Services[0].Destinations.Select(d => d.Forward));
        Assert.Equal(new ParseDiagnostic(5, "Forward", "unknown forwarding method, kept verbatim: FullNat", DiagnosticSeverity.Warning), Assert.Single(outcome.Diagnostics));
    }

    private static void AssertCounters(IpvsTrafficCounters counters, ulong conns, ulong inPackets, ulong outPackets, ulong inBytes, ulong outBytes, bool truncated) =>
        Assert.Equal((conns, inPackets, outPackets, inBytes, outBytes, truncated), (counters.Connections, counters.InPackets, counters.OutPackets, counters.InBytes, counters.OutBytes, counters.Truncated));

    [Fact]
    public void Issue24_KubeProxyCapture_PersistentTcpAndUdpServicesWithoutWarnings()
    {
        // Kubernetes' own IPVS proxier README (SOURCES.md). Counted independently:
        //   grep -c '^TCP\|^UDP' → 3 services; grep -c ' -> [0-9]' → 3 destinations; grep -c persistent → 1.
        var outcome = IpvsadmListParser.Parse(Fixture("kubernetes-kubernetes__pkg_proxy_ipvs_README_ipvsadm-ln.txt"));

        Assert.Empty(outcome.Diagnostics);
        var services = outcome.Value.Services;
        Assert.Equal([("TCP", "10.0.0.1:443"), ("TCP", "10.0.0.10:53"), ("UDP", "10.0.0.10:53")], services.Select(s => (s.Protocol, s.Virtual!)));
        Assert.Equal(3, services.Sum(s => s.Destinations.Count));
        Assert.Equal([10800L, null, null], services.Select(s => s.PersistentSeconds));
        var apiServer = services[0].Destinations.Single();
        Assert.Equal(("192.168.0.1:6443", "Masq", (long?)1, (long?)0), (apiServer.Address, apiServer.Forward, apiServer.ActiveConn, apiServer.InActConn));
    }

    [Fact]
    public void Parse_GnlToGoCapture_Ipv6FirewallMarkServiceWithTunnelDestinationsWithoutWarnings()
    {
        // tehnerd/gnl2go README (SOURCES.md). Counted independently: grep -c '^TCP\|^FWM' → 2 services; grep -c ' -> [0-9[]' → 4 destinations.
        var outcome = IpvsadmListParser.Parse(Fixture("tehnerd-gnl2go__README_ipvsadm-ln_fwm-ipv6-tunnel.txt"));

        Assert.Empty(outcome.Diagnostics);
        var services = outcome.Value.Services;
        Assert.Equal([("TCP", "192.168.1.1:80", (uint?)null, false), ("FWM", null, 1u, true)], services.Select(s => (s.Protocol, s.Virtual, s.FirewallMark, s.Ipv6)));
        Assert.Equal(["127.0.0.11:80", "127.0.0.13:80", "[fc00:1::12]:0", "[fc00:2:3::12]:0"], services.SelectMany(s => s.Destinations).Select(d => d.Address));
        Assert.All(services.SelectMany(s => s.Destinations), d => Assert.Equal(("Tunnel", (long?)0, (long?)0), (d.Forward, d.ActiveConn, d.InActConn)));
        Assert.Equal([10, 33], services[1].Destinations.Select(d => d.Weight!.Value));
        Assert.Equal((9L, 9L), (outcome.LinesRead, outcome.UsableLines));
    }
}
