using Dashboard.Agent.Collectors;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Tests.Shared;
using Dashboard.Core.Batches;

namespace Dashboard.Agent.Tests.Collectors;

public sealed class KeepalivedCollectorTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly TestLog _log = new();

    [Fact]
    public async Task CollectAsync_NotifyFifoTransitions_LastStatePerInstanceInTheBatch()
    {
        // Arrange
        var path = Fifo.Create(_directory, "notify.fifo");
        using var collector = new KeepalivedCollector(new KeepalivedCollectorOptions { Enabled = true, NotifyFifo = path }, _log.Log);
        var silent = await collector.CollectAsync(CancellationToken.None);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        collector.FifoReader!.LineKept += line =>
        {
            if (line.StartsWith("RS", StringComparison.Ordinal))
            {
                received.TrySetResult();
            }
        };

        // Act
        Fifo.WriteLines(path,
            "INSTANCE \"VI_1\" BACKUP 100",
            "INSTANCE \"VI_1\" MASTER 100",
            "RS [10.1.26.139]:tcp:10051 [10.1.26.252]:tcp:10051 DOWN");
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal(CollectStatus.NoData, silent.Status);
        Assert.Equal(CollectStatus.Data, result.Status);
        var batch = new AgentBatch();
        result.AddTo(batch);
        var instance = Assert.Single(batch.Keepalived!.Instances);
        Assert.Equal(("VI_1", "MASTER"), (instance.Name, instance.State));
        var server = Assert.Single(batch.Keepalived.RealServers);
        Assert.False(server.Up);
    }

    [Fact]
    public async Task CollectAsync_NotifyFifoMissing_NoDataLoggedOnce()
    {
        // Arrange
        var options = new KeepalivedCollectorOptions { Enabled = true, NotifyFifo = _directory.Combine("absent.fifo") };
        using var collector = new KeepalivedCollector(options, _log.Log);

        // Act
        var first = await collector.CollectAsync(CancellationToken.None);
        var second = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal(CollectStatus.NoData, first.Status);
        Assert.Equal(CollectStatus.NoData, second.Status);
        Assert.Single(_log.Lines, l => l.Contains("keepalived: not available on this host", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CollectAsync_DataFileMissing_NoData()
    {
        // Arrange
        var options = new KeepalivedCollectorOptions { Enabled = true, DataFile = _directory.Combine("keepalived.data") };
        using var collector = new KeepalivedCollector(options, _log.Log);

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal(CollectStatus.NoData, result.Status);
    }

    public void Dispose() => _directory.Dispose();
}
