using Dashboard.Agent.Collectors;
using Dashboard.Agent.Commands;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Tests.Shared;

namespace Dashboard.Agent.Tests.Collectors;

public sealed class CollectionCycleTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly TestLog _log = new();

    [Fact]
    public async Task CollectAsync_FailingAndAbsentSources_BatchStillMadeAndLastingProblemLoggedOnce()
    {
        // Arrange
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        ICollector[] collectors =
        [
            new KeepalivedCollector(new KeepalivedCollectorOptions { Enabled = true, DataFile = _directory.Combine("keepalived.data") }, _log.Log),
            new IptablesCollector(new IptablesCollectorOptions { Enabled = true, Command = "sh -c 'echo iptables: broken >&2; exit 4'" },
                new ProcessCommandRunner(), _log.Log, TimeSpan.FromSeconds(10)),
        ];
        var cycle = new CollectionCycle(collectors, "compute-07", TimeSpan.FromSeconds(10), time, _log.Log);

        // Act
        var first = await cycle.CollectAsync(CancellationToken.None);
        var second = await cycle.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal("compute-07", first.Host);
        Assert.Equal(time.GetUtcNow(), first.CollectedAt);
        Assert.Null(first.Iptables);
        Assert.Null(second.Keepalived);
        Assert.Single(_log.Lines, l => l.StartsWith("error: iptables:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CollectAsync_CollectorPastTimeout_ReportedAndCycleGoesOn()
    {
        // Arrange
        ICollector[] collectors =
        [
            new NsxCollector(new NsxCollectorOptions { Enabled = true, Command = "sleep 30" }, new ProcessCommandRunner(), new HttpClient(), _log.Log,
                TimeSpan.FromSeconds(30)),
        ];
        var cycle = new CollectionCycle(collectors, "esxi-01", TimeSpan.FromMilliseconds(300), TimeProvider.System, _log.Log);

        // Act
        var batch = await cycle.CollectAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        // Assert
        Assert.Null(batch.Nsx);
        Assert.Contains(_log.Lines, l => l.Contains("nsx:", StringComparison.Ordinal) && l.Contains("0.3 s", StringComparison.Ordinal));
    }

    public void Dispose() => _directory.Dispose();
}
