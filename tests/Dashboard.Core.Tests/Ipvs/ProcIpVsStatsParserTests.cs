using Dashboard.Core.Ipvs;
using static Dashboard.Core.Tests.Ipvs.TestInput;

namespace Dashboard.Core.Tests.Ipvs;

public sealed class ProcIpVsStatsParserTests
{
    [Theory]
    [InlineData("prometheus-procfs__proc_net_ip_vs_stats.txt")]
    [InlineData("prometheus-node_exporter__proc_net_ip_vs_stats.txt")]
    public void Parse_Fixture_GoldenHexTotalsAndRates(string fixture)
    {
        var outcome = ProcIpVsStatsParser.Parse(Fixture(fixture));
        var stats = outcome.Value;

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal((23765872UL, 3811989221UL, 0UL, 89991519156915UL, 0UL), (stats.Totals.Connections, stats.Totals.InPackets, stats.Totals.OutPackets, stats.Totals.InBytes, stats.Totals.OutBytes));
        Assert.NotNull(stats.Rates);
        Assert.Equal((4UL, 129852UL, 0UL, 19409551UL, 0UL), (stats.Rates.ConnectionsPerSecond, stats.Rates.InPacketsPerSecond, stats.Rates.OutPacketsPerSecond, stats.Rates.InBytesPerSecond, stats.Rates.OutBytesPerSecond));
        Assert.Empty(stats.PerCpu);
        Assert.Equal((6L, 5L), (outcome.LinesRead, outcome.UsableLines));
    }

    [Fact]
    public void Parse_DocumentedLayout_PerCpuRowsAndTildeTotal()
    {
        // ip_vs_stats_percpu: "%3X %8LX %8LX %8LX %16LX %16LX" per CPU, "  ~ ..." total, then the rates block.
        var text = "       Total Incoming Outgoing         Incoming         Outgoing\n"
            + "CPU    Conns  Packets  Packets            Bytes            Bytes\n"
            + $"{0,3:X} {0x10,8:X} {0x200,8:X} {0,8:X} {0xABCDEF,16:X} {0,16:X}\n"
            + $"{0xB,3:X} {0x20,8:X} {0x300,8:X} {0,8:X} {0xFFFFFFFFFFFFFFFF,16:X} {0,16:X}\n"
            + $"  ~ {0x30,8:X} {0x500,8:X} {0,8:X} {0xABCDEE,16:X} {0,16:X}\n"
            + "\n"
            + "     Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n"
            + $"    {3,8:X} {0x40,8:X} {0,8:X} {0x1000,16:X} {0,16:X}\n";

        var outcome = ProcIpVsStatsParser.Parse(Text(text));
        var stats = outcome.Value;

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal([0, 11, null], stats.PerCpu.Select(c => c.Cpu));
        Assert.Equal(ulong.MaxValue, stats.PerCpu[1].Counters.InBytes);
        Assert.Equal((0x30UL, 0x500UL, 0xABCDEEUL), (stats.Totals.Connections, stats.Totals.InPackets, stats.Totals.InBytes));
        Assert.Equal((3UL, 0x40UL, 0x1000UL), (stats.Rates!.ConnectionsPerSecond, stats.Rates.InPacketsPerSecond, stats.Rates.InBytesPerSecond));
    }

    [Theory]
    [InlineData(" 16AA370 E33656E5        0     51D8C8883AB3", "OutBytes", "line ends before this field")]
    [InlineData(" 16AA370 E33656E5        0     51D8C8883AB3 -1", "OutBytes", "not a hex counter: -1")]
    [InlineData(" 16AA370 E33656E5        0 10000000000000000 0", "InBytes", "not a hex counter: 10000000000000000")]
    public void Parse_FixtureWithDamagedTotals_PreciseDiagnosticAndRatesStillRead(string damaged, string field, string reason)
    {
        var text = "   Total Incoming Outgoing         Incoming         Outgoing\n   Conns  Packets  Packets            Bytes            Bytes\n"
            + damaged + "\n\n Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n       4    1FB3C        0          1282A8F                0\n";

        var outcome = ProcIpVsStatsParser.Parse(Text(text));

        Assert.Equal((3L, field, reason), (outcome.Diagnostics[0].Line, outcome.Diagnostics[0].Field, outcome.Diagnostics[0].Reason));
        Assert.Equal("no totals row found", outcome.Diagnostics[1].Reason);
        Assert.Equal(0x1FB3CUL, outcome.Value.Rates!.InPacketsPerSecond);
    }
}
