using Dashboard.Agent.Collectors;
using Dashboard.Agent.Commands;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Tests.Shared;
using Dashboard.Core.Batches;

namespace Dashboard.Agent.Tests.Collectors;

public sealed class IptablesCollectorTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    private readonly TestLog _log = new();

    [Fact]
    public async Task CollectAsync_RuleCountingPacketsInANamespace_ReportsExactCounters()
    {
        // Arrange: a namespace with one counting rule and three datagrams sent through it.
        using var space = NetworkNamespace.Create();
        space.Exec("iptables", "-t", "filter", "-A", "OUTPUT", "-o", "lo", "-p", "udp", "--dport", "9",
            "-m", "comment", "--comment", "dashboard agent test", "-j", "ACCEPT");
        space.Exec("bash", "-c", "for i in 1 2 3; do echo x > /dev/udp/127.0.0.1/9; done");
        var options = new IptablesCollectorOptions { Enabled = true, HostNamespace = false, Namespaces = [space.Name], Tables = ["filter"] };
        var collector = new IptablesCollector(options, new ProcessCommandRunner(), _log.Log, s_timeout);

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal(CollectStatus.Data, result.Status);
        Assert.Empty(result.Problems);
        var batch = new AgentBatch();
        result.AddTo(batch);
        var dump = Assert.Single(batch.Iptables!);
        Assert.Equal(space.Name, dump.Namespace);
        var output = Assert.Single(dump.Tables, t => t.Name == "filter").Chains.Single(c => c.Name == "OUTPUT");
        var rule = Assert.Single(output.Rules);
        Assert.Equal("dashboard agent test", rule.Comment);
        Assert.Equal("ACCEPT", rule.Target);
        Assert.Equal(3UL, rule.Packets);
        Assert.Equal(3UL * (20 + 8 + 2), rule.Bytes);
    }

    [Fact]
    public async Task CollectAsync_HostAndNamespacePerTable_OneRunEachWithTableFlag()
    {
        // Arrange
        var runner = new FixtureCommandRunner()
            .Answer("iptables-save -c -t raw", Fixtures.NeutronRawTable)
            .Answer("ip netns exec qrouter-1 iptables-save -c -t raw", Fixtures.NeutronRawTable);
        var options = new IptablesCollectorOptions { Enabled = true, Namespaces = ["qrouter-1"], Tables = ["raw"] };
        var collector = new IptablesCollector(options, runner, _log.Log, s_timeout);

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal(["iptables-save -c -t raw", "ip netns exec qrouter-1 iptables-save -c -t raw"], runner.Calls);
        var batch = new AgentBatch();
        result.AddTo(batch);
        Assert.Equal([null, "qrouter-1"], batch.Iptables!.Select(d => d.Namespace));
        var prerouting = batch.Iptables![0].Tables.Single(t => t.Name == "raw").Chains.Single(c => c.Name == "PREROUTING");
        Assert.Equal((11561UL, 3470468UL), (prerouting.Packets, prerouting.Bytes));
    }

    [Fact]
    public async Task CollectAsync_NamespaceMissing_FailsNamingIt()
    {
        // Arrange
        var absent = "dashagent-absent-" + Guid.NewGuid().ToString("N")[..8];
        var options = new IptablesCollectorOptions { Enabled = true, HostNamespace = false, Namespaces = [absent] };
        var collector = new IptablesCollector(options, new ProcessCommandRunner(), _log.Log, s_timeout);

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal(CollectStatus.Failed, result.Status);
        Assert.Contains(absent, Assert.Single(result.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectAsync_CommandNotInstalled_NoDataLoggedOnce()
    {
        // Arrange
        var options = new IptablesCollectorOptions { Enabled = true, Command = "/nonexistent/iptables-save -c" };
        var collector = new IptablesCollector(options, new ProcessCommandRunner(), _log.Log, s_timeout);

        // Act
        var first = await collector.CollectAsync(CancellationToken.None);
        var second = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal(CollectStatus.NoData, first.Status);
        Assert.Equal(CollectStatus.NoData, second.Status);
        Assert.Single(_log.Lines, l => l.Contains("iptables: not available on this host", StringComparison.Ordinal));
    }
}
