using Dashboard.Agent.Collectors;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Hosting;
using Dashboard.Agent.Tests.Shared;
using Dashboard.Agent.Transport;

namespace Dashboard.Agent.Tests.Hosting;

public sealed class AgentRunnerTests : IDisposable
{
    private readonly TestDirectory _spool = new();
    private readonly TestLog _log = new();

    [Fact]
    public async Task RunAsync_ServerUp_PushesABatchEveryInterval()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();
        using var harness = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log);
        var collectors = new ICollector[]
        {
            new KeepalivedCollector(new KeepalivedCollectorOptions { Enabled = true, DataFile = _spool.Combine("absent.data") }, _log.Log),
        };
        var cycle = new CollectionCycle(collectors, "lvs-director-1", TimeSpan.FromSeconds(5), TimeProvider.System, _log.Log);
        var runner = new AgentRunner(cycle, harness.Sender, TimeSpan.FromMilliseconds(100), TimeProvider.System, _log.Log);
        using var stop = new CancellationTokenSource();

        // Act
        var running = runner.RunAsync(stop.Token);
        await server.WaitForStoredAsync(3, TimeSpan.FromSeconds(20));
        stop.Cancel();
        await running.WaitAsync(TimeSpan.FromSeconds(20));

        // Assert
        var sequences = server.StoredSequences;
        Assert.True(sequences.Count >= 3);
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.All(server.Stored, b => Assert.Equal("lvs-director-1", b.Host));
        Assert.Contains("info: stopped", _log.Lines);
    }

    [Fact]
    public async Task RunAsync_StopDuringCollection_FinishesTheBatchAndSpoolsIt()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();
        using var harness = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log);
        var gate = new GateCollector();
        var cycle = new CollectionCycle([gate], "lvs-director-1", TimeSpan.FromSeconds(30), TimeProvider.System, _log.Log);
        var runner = new AgentRunner(cycle, harness.Sender, TimeSpan.FromSeconds(5), TimeProvider.System, _log.Log);
        DeliveryReport? last = null;
        runner.Delivered += report => last = report;
        using var stop = new CancellationTokenSource();

        // Act: SIGTERM arrives while the collectors are still at work.
        var running = runner.RunAsync(stop.Token);
        await gate.Started.WaitAsync(TimeSpan.FromSeconds(20));
        stop.Cancel();
        gate.Release();
        await running.WaitAsync(TimeSpan.FromSeconds(20));

        // Assert
        Assert.Equal(DeliveryOutcome.Spooled, last!.Outcome);
        Assert.Equal(0, server.Requests);
        var entry = Assert.Single(harness.Spool.Entries);
        Assert.Equal(last.Sequence, entry.Sequence);
        var spooled = BatchPayload.TryDeserialize(harness.Spool.Read(entry))!;
        Assert.Equal("MASTER", spooled.Keepalived!.Instances.Single().State);

        // And the next start sends it first, under its original number.
        using var restarted = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log);
        var next = await restarted.DeliverAsync();
        Assert.Equal([entry.Sequence, next.Sequence], server.StoredSequences);
    }

    public void Dispose() => _spool.Dispose();
}
