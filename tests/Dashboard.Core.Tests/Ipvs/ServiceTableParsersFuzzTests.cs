using System.Text;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Parsing;
using Dashboard.Core.Tests.Fuzzing;
using static Dashboard.Core.Tests.Ipvs.IpvsadmListText;
using static Dashboard.Core.Tests.Ipvs.TestInput;

namespace Dashboard.Core.Tests.Ipvs;

public sealed class IpvsadmListParserFuzzTests
{
    private static readonly string s_documented = Banner + PlainTitle
        + Service("UDP", "10.1.26.252:5060", "sh", " (sh-fallback,sh-port) persistent 300 mask 255.255.255.0 pe sip ops")
        + Destination("10.1.26.139:5060", "Masq", 50, 0, 17)
        + Service("TCP", "[2001:db8::1]:443", "mh", " persistent 60 mask 64")
        + Destination("[2001:db8::2]:443", "Tunnel", 1, 2, 3)
        + "FWM  4294967295 IPv6 rr\n"
        + Destination("[2001:db8::2]:0", "Route", 1, 0, 0);

    private static IReadOnlyList<byte[]> Samples() =>
    [
        FixtureBytes("python-diamond-Diamond__ipvsadm-L-n--stats--exact.txt"),
        Encoding.UTF8.GetBytes(s_documented),
        Encoding.UTF8.GetBytes(Banner + RateTitle + StatsService("TCP", "10.1.26.252:80", false, 12, 3400, 0, 2_500_000_000, 0) + RateDestination("10.1.27.1:80", false, 12, 3400, 0, 2_500_000_000, 0)),
    ];

    [Fact]
    public void Parse_MutatedFixtureAndDocumentedLayoutSamples_NeverThrowAndDiagnosticsCarryLines()
    {
        ParserContract.HoldsOnMutatedSamples(IpvsadmListParser.Parse, Samples(), seed: 21, v => v.Warnings);
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrow()
    {
        ParserContract.HoldsOnRandomBytes(IpvsadmListParser.Parse, seed: 22, v => v.Warnings);
    }

    [Fact]
    public void Parse_GarbageBetweenDocumentedLayoutLines_EveryServiceAndDestinationRead()
    {
        var mixed = new InputMutator(23).Interleave(s_documented, 150);

        var outcome = ParserContract.Holds(IpvsadmListParser.Parse, Encoding.UTF8.GetBytes(mixed), "mixed", v => v.Warnings);

        Assert.Equal(3, outcome.Value.Services.Count);
        Assert.Equal([1, 1, 1], outcome.Value.Services.Select(s => s.Destinations.Count));
        Assert.Equal(9, outcome.UsableLines);
        Assert.Equal(150, ParserContract.RejectedLines(outcome));
    }

    [Fact]
    public void Parse_TenMegabyteLine_SkippedAndRestRead()
    {
        var outcome = ParserContract.HoldsWithTenMegabyteLine(IpvsadmListParser.Parse, Encoding.UTF8.GetString(Samples()[0]), v => v.Warnings);

        Assert.Equal(2, outcome.Value.Services.Count);
        Assert.Equal(2, outcome.Value.Services.Sum(s => s.Destinations.Count));
    }
}

public sealed class ProcIpVsParserFuzzTests
{
    private static IReadOnlyList<byte[]> Samples() =>
        [FixtureBytes("prometheus-procfs__proc_net_ip_vs.txt"), FixtureBytes("prometheus-node_exporter__proc_net_ip_vs.txt")];

    [Fact]
    public void Parse_MutatedFixtures_NeverThrowAndDiagnosticsCarryLines()
    {
        ParserContract.HoldsOnMutatedSamples(ProcIpVsParser.Parse, Samples(), seed: 31, v => v.Warnings);
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrow()
    {
        ParserContract.HoldsOnRandomBytes(ProcIpVsParser.Parse, seed: 32, v => v.Warnings);
    }

    [Fact]
    public void Parse_GarbageBetweenFixtureLines_EveryServiceAndDestinationRead()
    {
        var mixed = new InputMutator(33).Interleave(Encoding.UTF8.GetString(Samples()[0]), 150);

        var outcome = ParserContract.Holds(ProcIpVsParser.Parse, Encoding.UTF8.GetBytes(mixed), "mixed", v => v.Warnings);

        Assert.Equal([3, 3, 2, 3, 2], outcome.Value.Services.Select(s => s.Destinations.Count));
        Assert.Equal(150, ParserContract.RejectedLines(outcome));
    }

    [Fact]
    public void Parse_TenMegabyteLine_SkippedAndRestRead()
    {
        var outcome = ParserContract.HoldsWithTenMegabyteLine(ProcIpVsParser.Parse, Encoding.UTF8.GetString(Samples()[1]), v => v.Warnings);

        Assert.Equal([3, 3, 2, 2], outcome.Value.Services.Select(s => s.Destinations.Count));
    }
}

public sealed class ProcIpVsStatsParserFuzzTests
{
    private static IReadOnlyList<byte[]> Samples() =>
    [
        FixtureBytes("prometheus-procfs__proc_net_ip_vs_stats.txt"),
        FixtureBytes("prometheus-node_exporter__proc_net_ip_vs_stats.txt"),
        // ip_vs_stats_percpu from its printf formats: no public capture exists.
        Encoding.UTF8.GetBytes("       Total Incoming Outgoing         Incoming         Outgoing\nCPU    Conns  Packets  Packets            Bytes            Bytes\n"
            + $"{0,3:X} {0x10,8:X} {0x200,8:X} {0,8:X} {0xABCDEF,16:X} {0,16:X}\n  ~ {0x10,8:X} {0x200,8:X} {0,8:X} {0xABCDEF,16:X} {0,16:X}\n\n"
            + "     Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n" + $"    {3,8:X} {0x40,8:X} {0,8:X} {0x1000,16:X} {0,16:X}\n"),
    ];

    [Fact]
    public void Parse_MutatedFixtureAndDocumentedLayoutSamples_NeverThrowAndDiagnosticsCarryLines()
    {
        ParserContract.HoldsOnMutatedSamples(ProcIpVsStatsParser.Parse, Samples(), seed: 41);
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrow()
    {
        ParserContract.HoldsOnRandomBytes(ProcIpVsStatsParser.Parse, seed: 42);
    }

    [Fact]
    public void Parse_GarbageBetweenFixtureLines_TotalsAndRatesRead()
    {
        var mixed = new InputMutator(43).Interleave(Encoding.UTF8.GetString(Samples()[0]), 50);

        var outcome = ParserContract.Holds(ProcIpVsStatsParser.Parse, Encoding.UTF8.GetBytes(mixed), "mixed");

        Assert.Equal((23765872UL, 19409551UL), (outcome.Value.Totals.Connections, outcome.Value.Rates!.InBytesPerSecond));
        Assert.Equal(50, ParserContract.RejectedLines(outcome));
    }

    [Fact]
    public void Parse_TenMegabyteLine_SkippedAndRestRead()
    {
        var outcome = ParserContract.HoldsWithTenMegabyteLine(ProcIpVsStatsParser.Parse, Encoding.UTF8.GetString(Samples()[2]));

        Assert.Equal(2, outcome.Value.PerCpu.Count);
        Assert.Equal(3UL, outcome.Value.Rates!.ConnectionsPerSecond);
    }
}
