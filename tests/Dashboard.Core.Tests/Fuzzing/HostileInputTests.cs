using System.Diagnostics;
using System.Text;
using Dashboard.Core.Iptables;
using Dashboard.Core.Keepalived;
using Dashboard.Core.Nsx;

namespace Dashboard.Core.Tests.Fuzzing;

/// <summary>Inputs shaped to make a careless parser quadratic or hungry: each must finish in bounded time.</summary>
public sealed class HostileInputTests
{
    // CPU time of the parsing thread, not wall time: a shared, loaded machine must not fail a linear parser, a quadratic one still does.
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(20);

    private static byte[] Lines(int count, Func<int, string> line)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Append(line(i)).Append('\n');
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static T Timed<T>(Func<T> run)
    {
        var cpuBefore = ThreadCpuTime();
        var clock = Stopwatch.StartNew();
        var result = run();
        var cpu = ThreadCpuTime() - cpuBefore;
        Assert.True(cpu < s_budget, $"took {cpu} of CPU ({clock.Elapsed} of wall time)");
        return result;
    }

    /// <summary>utime + stime of the calling thread from /proc/thread-self/stat (clock ticks of 10 ms).</summary>
    private static TimeSpan ThreadCpuTime()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    [Fact]
    public void IptablesSave_HundredThousandTablesAndChains_FinishesInBoundedTime()
    {
        var input = Lines(200_000, i => i % 2 == 0 ? $"*t{i}" : $":c{i} - [0:0]");

        var outcome = Timed(() => IptablesSaveParser.Parse(TestText.Stream(input)));

        Assert.Equal(100_000, outcome.Value.Tables.Count);
        Assert.Equal(101, outcome.Diagnostics.Count);
    }

    [Fact]
    public void IptablesSave_HundredThousandRulesInUndeclaredChains_FinishesInBoundedTime()
    {
        var input = Lines(100_000, i => $"[{i}:{i}] -A c{i} -m comment --comment \"x{i % 7}\" -j DROP");

        var outcome = Timed(() => IptablesSaveParser.Parse(TestText.Stream(input)));

        Assert.Equal(100_000, outcome.Value.Tables.Single().Chains.Count);
    }

    [Fact]
    public void IptablesList_HundredThousandChains_FinishesInBoundedTime()
    {
        var input = Lines(100_000, i => $"Chain c{i} (0 references)");

        var outcome = Timed(() => IptablesListParser.Parse(TestText.Stream(input)));

        Assert.Equal(100_000, outcome.Value.Tables.Single().Chains.Count);
    }

    [Fact]
    public void NsxFilterStat_TwoHundredThousandFilters_FinishesInBoundedTime()
    {
        var input = Lines(200_000, i => $"nic-{i}-eth0-vmware-sfw.2");

        var outcome = Timed(() => NsxFilterStatParser.Parse(TestText.Stream(input)));

        Assert.Equal(200_000, outcome.Value.Filters.Count);
    }

    [Fact]
    public void NsxApi_TenMegabytesOfEmptyObjectsAndDropObjects_FinishesInBoundedTime()
    {
        var builder = new StringBuilder("[");
        for (var i = 0; builder.Length < 10_000_000; i++)
        {
            builder.Append(i % 100 == 0 ? $"{{\"id\":\"v{i}\",\"x_drops\":{i}}}," : "{},");
        }

        builder.Append("{}]");

        var outcome = Timed(() => NsxApiStatsParser.Parse(TestText.Stream(builder.ToString())));

        Assert.Empty(outcome.Diagnostics);
        Assert.True(outcome.Value.Filters.Count > 10_000);
    }

    [Fact]
    public void KeepalivedNotify_HundredThousandDistinctServers_FinishesInBoundedTime()
    {
        var input = Lines(100_000, i => $"RS [10.{i / 65536}.{i / 256 % 256}.{i % 256}]:tcp:80 [192.168.0.1]:tcp:80 UP");

        var outcome = Timed(() => KeepalivedNotifyParser.Parse(TestText.Stream(input)));

        Assert.Equal(100_000, outcome.Value.RealServers.Count);
    }
}
