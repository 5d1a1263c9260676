using Dashboard.Agent.Spool;
using Dashboard.Agent.Tests.Shared;

namespace Dashboard.Agent.Tests.Spool;

public sealed class AgentStateTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly TestLog _log = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    [Fact]
    public void Load_NoStateFile_StartsAtTheClockInMilliseconds()
    {
        // Act
        var state = AgentState.Load(_directory.Path, 0, _time, _log.Log);

        // Assert
        Assert.Equal(1_700_000_000_000, state.Take().Sequence);
    }

    [Fact]
    public void Take_AfterRestart_ContinuesAboveTheLastSequence()
    {
        // Arrange
        var first = AgentState.Load(_directory.Path, 0, _time, _log.Log);
        first.Take();
        var last = first.Take().Sequence;

        // Act: a restart, the clock set back by an hour.
        _time.AdjustTime(_time.GetUtcNow().AddHours(-1)); // Advance only goes forward
        var second = AgentState.Load(_directory.Path, 0, _time, _log.Log);

        // Assert
        Assert.Equal(last + 1, second.Take().Sequence);
    }

    [Fact]
    public void Load_SpoolAheadOfState_StartsAboveTheSpool()
    {
        // Arrange
        AgentState.Load(_directory.Path, 0, _time, _log.Log).Take();

        // Act
        var state = AgentState.Load(_directory.Path, 1_800_000_000_000, _time, _log.Log);

        // Assert
        Assert.Equal(1_800_000_000_001, state.Peek().Sequence);
    }

    [Fact]
    public void Load_UnreadableStateFile_WarnsAndStartsAtTheClock()
    {
        // Arrange
        _directory.WriteFile(AgentState.FileName, "sequence twelve\n");

        // Act
        var state = AgentState.Load(_directory.Path, 0, _time, _log.Log);

        // Assert
        Assert.Equal(1_700_000_000_000, state.Peek().Sequence);
        Assert.Contains(_log.Lines, l => l.StartsWith("warning", StringComparison.Ordinal) && l.Contains(AgentState.FileName, StringComparison.Ordinal));
    }

    [Fact]
    public void Take_AfterDrops_ReportsThemOnceAcrossRestarts()
    {
        // Arrange
        var state = AgentState.Load(_directory.Path, 0, _time, _log.Log);
        state.AddDrops(3);
        var reloaded = AgentState.Load(_directory.Path, 0, _time, _log.Log);

        // Act
        var first = reloaded.Take();
        var second = AgentState.Load(_directory.Path, 0, _time, _log.Log).Take();

        // Assert
        Assert.Equal(3, first.Drops);
        Assert.Equal(0, second.Drops);
        Assert.Equal(first.Sequence + 1, second.Sequence);
    }

    [Fact]
    public void Peek_DryRun_ChangesNothingOnDisk()
    {
        // Arrange
        var state = AgentState.Load(_directory.Path, 0, _time, _log.Log);

        // Act
        var peeked = state.Peek();

        // Assert
        Assert.Equal(peeked, state.Peek());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory.Path));
    }

    public void Dispose() => _directory.Dispose();
}
