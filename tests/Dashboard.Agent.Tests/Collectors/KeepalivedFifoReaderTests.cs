using System.Text;
using Dashboard.Agent.Collectors;
using Dashboard.Agent.Tests.Shared;

namespace Dashboard.Agent.Tests.Collectors;

public sealed class KeepalivedFifoReaderTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task Snapshot_Transitions_LastLinePerInstanceAndServerInFirstSeenOrder()
    {
        // Arrange
        var path = Fifo.Create(_directory, "notify.fifo");
        using var reader = KeepalivedFifoReader.TryOpen(path, out _)!;
        var kept = 0;
        var allKept = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.LineKept += _ =>
        {
            if (Interlocked.Increment(ref kept) == 6)
            {
                allKept.TrySetResult();
            }
        };

        // Act
        Fifo.WriteLines(path,
            "INSTANCE \"VI_1\" BACKUP 100",
            "RS [10.1.26.139]:tcp:10051 [10.1.26.252]:tcp:10051 UP",
            "GROUP \"VG_1\" BACKUP 0",
            "INSTANCE \"VI_1\" MASTER 100",
            "INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 100",
            "VS [10.1.26.252]:tcp:10051 UP",
            "not a notify line",
            "RS [10.1.26.139]:tcp:10051 [10.1.26.252]:tcp:10051 DOWN");
        await allKept.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        var snapshot = Encoding.UTF8.GetString(reader.Snapshot().ToArray());
        Assert.Equal(
            "INSTANCE \"VI_1\" MASTER 100\n" +
            "RS [10.1.26.139]:tcp:10051 [10.1.26.252]:tcp:10051 DOWN\n" +
            "GROUP \"VG_1\" BACKUP 0\n" +
            "VS [10.1.26.252]:tcp:10051 UP\n",
            snapshot);
        Assert.Equal(6, reader.LinesSeen);
    }

    [Fact]
    public void TryOpen_PathMissing_SaysSo()
    {
        // Act
        var reader = KeepalivedFifoReader.TryOpen(_directory.Combine("absent.fifo"), out var why);

        // Assert
        Assert.Null(reader);
        Assert.Contains("does not exist", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_ReaderBlockedOnSilentFifo_Returns()
    {
        // Arrange
        var reader = KeepalivedFifoReader.TryOpen(Fifo.Create(_directory, "silent.fifo"), out _)!;

        // Act
        var disposing = Task.Run(reader.Dispose);

        // Assert
        await disposing.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, reader.LinesSeen);
    }

    public void Dispose() => _directory.Dispose();
}
