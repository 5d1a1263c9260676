using Dashboard.Agent.Collectors;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Tests.Shared;
using Dashboard.Core.Batches;

namespace Dashboard.Agent.Tests.Collectors;

public sealed class IpvsCollectorTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private readonly TestDirectory _directory = new();
    private readonly TestLog _log = new();

    [Fact]
    public async Task CollectAsync_ProcFixtures_ReadsServicesAndStatsFromFiles()
    {
        // Arrange: the captured /proc has no ip_vs_conn, so only `ipvsadm -Lnc` may be tried, and it is not installed.
        var runner = new FixtureCommandRunner();
        var collector = new IpvsCollector(new IpvsCollectorOptions { Enabled = true, ProcRoot = Fixtures.ProcRoot }, runner, _log.Log, s_timeout);

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal(CollectStatus.Data, result.Status);
        var batch = new AgentBatch();
        result.AddTo(batch);
        var services = batch.Ipvs!.Services!.Services;
        Assert.Equal(5, services.Count);
        var first = services.Single(s => s.Virtual == "192.168.0.22:3306");
        Assert.Equal(["192.168.82.22:3306", "192.168.83.24:3306", "192.168.83.21:3306"], first.Destinations.Select(d => d.Address));
        Assert.Equal(248, first.Destinations[0].ActiveConn);
        Assert.Contains(services, s => s.Virtual == "[2620::1]:80" && s.Destinations.All(d => d.Forward == "Route"));
        var stats = batch.Ipvs.Stats!;
        Assert.Equal(0x16AA370UL, stats.Totals.Connections);
        Assert.Equal(0xE33656E5UL, stats.Totals.InPackets);
        Assert.Equal(0x51D8C8883AB3UL, stats.Totals.InBytes);
        Assert.Equal(4UL, stats.Rates!.ConnectionsPerSecond);
        Assert.Null(batch.Ipvs.Connections);
        Assert.Equal(["ipvsadm -Lnc"], runner.Calls);
    }

    [Fact]
    public async Task CollectAsync_KernelReleaseReadable_RecordedWithTheSnapshot()
    {
        // Arrange: the captured files plus this machine's own kernel release.
        var procRoot = _directory.Combine("proc");
        Directory.CreateDirectory(Path.Combine(procRoot, "net"));
        Directory.CreateDirectory(Path.Combine(procRoot, "sys", "kernel"));
        File.Copy(Path.Combine(Fixtures.ProcRoot, "net", "ip_vs"), Path.Combine(procRoot, "net", "ip_vs"));
        File.Copy("/proc/sys/kernel/osrelease", Path.Combine(procRoot, "sys", "kernel", "osrelease"));
        var collector = new IpvsCollector(new IpvsCollectorOptions { Enabled = true, ProcRoot = procRoot }, new FixtureCommandRunner(), _log.Log, s_timeout);

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        var batch = new AgentBatch();
        result.AddTo(batch);
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), batch.Ipvs!.Kernel);
        Assert.Null(batch.Ipvs.Stats);
    }

    [Fact]
    public async Task CollectAsync_NoProcFiles_FallsBackToIpvsadm()
    {
        // Arrange
        var runner = new FixtureCommandRunner().Answer("/usr/sbin/ipvsadm -Ln --exact", Fixtures.IpvsadmStatsExact);
        var options = new IpvsCollectorOptions { Enabled = true, ProcRoot = _directory.Path, IpvsadmPath = "/usr/sbin/ipvsadm" };
        var collector = new IpvsCollector(options, runner, _log.Log, s_timeout);

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal(CollectStatus.Data, result.Status);
        var batch = new AgentBatch();
        result.AddTo(batch);
        var services = batch.Ipvs!.Services!.Services;
        Assert.Equal(["172.16.1.56:80", "172.16.1.56:443"], services.Select(s => s.Virtual));
        Assert.Equal(116UL, services[0].Stats!.Connections);
        Assert.Equal(826814146UL, services[0].Destinations.Single().Stats!.OutBytes);
        Assert.Equal(["/usr/sbin/ipvsadm -Ln --exact", "/usr/sbin/ipvsadm -Lnc"], runner.Calls);
    }

    [Fact]
    public async Task CollectAsync_NoIpvsOnThisHost_NoDataLoggedOnce()
    {
        // Arrange: no /proc/net/ip_vs and no ipvsadm.
        var collector = new IpvsCollector(new IpvsCollectorOptions { Enabled = true, ProcRoot = _directory.Path }, new FixtureCommandRunner(), _log.Log, s_timeout);

        // Act
        var first = await collector.CollectAsync(CancellationToken.None);
        var second = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Same(CollectResult.NoData, first);
        Assert.Same(CollectResult.NoData, second);
        Assert.Single(_log.Lines, l => l.Contains("ipvs: not available on this host", StringComparison.Ordinal));
    }

    public void Dispose() => _directory.Dispose();
}
