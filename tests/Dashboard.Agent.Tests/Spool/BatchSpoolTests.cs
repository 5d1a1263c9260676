using Dashboard.Agent.Spool;
using Dashboard.Agent.Tests.Shared;

namespace Dashboard.Agent.Tests.Spool;

public sealed class BatchSpoolTests : IDisposable
{
    private static readonly byte[] s_payload = new byte[100];

    private readonly TestDirectory _directory = new();
    private readonly TestLog _log = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Add_OutOfOrder_OldestSequenceComesFirst()
    {
        // Arrange
        var spool = Open();

        // Act
        spool.Add(12, 0, s_payload);
        spool.Add(10, 0, s_payload);
        spool.Add(11, 0, s_payload);

        // Assert
        Assert.Equal([10L, 11, 12], spool.Entries.Select(e => e.Sequence));
        Assert.True(spool.TryPeekOldest(out var oldest));
        Assert.Equal(10, oldest.Sequence);
    }

    [Fact]
    public void Add_PastMaxBytes_DropsOldestOnlyAndKeepsNewest()
    {
        // Arrange
        var spool = Open(maxBytes: 350);
        spool.Add(1, 0, s_payload);
        spool.Add(2, 4, s_payload);
        spool.Add(3, 0, s_payload);

        // Act
        var dropped = spool.Add(4, 0, s_payload);

        // Assert
        var entry = Assert.Single(dropped);
        Assert.Equal((1L, 0L), (entry.Sequence, entry.CarriedDrops));
        Assert.Equal([2L, 3, 4], spool.Entries.Select(e => e.Sequence));
        Assert.Equal(300, spool.TotalBytes);
        Assert.False(File.Exists(entry.Path));
    }

    [Fact]
    public void Add_SingleBatchLargerThanMaxBytes_IsKept()
    {
        // Arrange
        var spool = Open(maxBytes: 50);
        spool.Add(1, 0, s_payload);

        // Act
        var dropped = spool.Add(2, 0, s_payload);

        // Assert
        Assert.Equal(1, Assert.Single(dropped).Sequence);
        Assert.Equal(2, Assert.Single(spool.Entries).Sequence);
    }

    [Fact]
    public void DropExpired_OlderThanMaxAge_DropsOnlyThose()
    {
        // Arrange
        var spool = Open(maxAge: TimeSpan.FromHours(24));
        spool.Add(1, 0, s_payload);
        _time.Advance(TimeSpan.FromHours(2));
        spool.Add(2, 0, s_payload);

        // Act
        _time.Advance(TimeSpan.FromHours(23));
        var dropped = spool.DropExpired();

        // Assert
        Assert.Equal(1, Assert.Single(dropped).Sequence);
        Assert.Equal(2, Assert.Single(spool.Entries).Sequence);
    }

    [Fact]
    public void Open_AfterRestart_FindsEntriesInSequenceOrderWithTheirDrops()
    {
        // Arrange
        var before = Open();
        before.Add(7, 0, s_payload);
        before.Add(5, 2, s_payload);

        // Act
        var after = Open();

        // Assert
        Assert.Equal([(5L, 2L), (7L, 0L)], after.Entries.Select(e => (e.Sequence, e.CarriedDrops)));
        Assert.Equal(200, after.TotalBytes);
        Assert.Equal(7, after.HighestSequence);
        Assert.Equal(7, BatchSpool.HighestSequenceIn(_directory.Path));
    }

    [Fact]
    public void Open_HalfWrittenFile_IgnoredAndRemovedWithWarning()
    {
        // Arrange: what a crash between create and rename leaves behind.
        var spool = Open();
        spool.Add(1, 0, s_payload);
        var halfWritten = _directory.Combine(SpoolEntry.FileName(2, 0) + DurableFile.TemporarySuffix);
        File.WriteAllBytes(halfWritten, [0x1f, 0x8b, 0x08]);

        // Act
        var reopened = Open();

        // Assert
        Assert.Equal(1, Assert.Single(reopened.Entries).Sequence);
        Assert.False(File.Exists(halfWritten));
        Assert.Contains(_log.Lines, l => l.StartsWith("warning", StringComparison.Ordinal) && l.Contains(halfWritten, StringComparison.Ordinal));
    }

    [Fact]
    public void Open_ForeignFile_IgnoredWithWarningAndLeftAlone()
    {
        // Arrange
        var foreign = _directory.WriteFile("notes.txt", "hello");

        // Act
        var spool = Open();

        // Assert
        Assert.Equal(0, spool.Count);
        Assert.True(File.Exists(foreign));
        Assert.Contains(_log.Lines, l => l.Contains(foreign, StringComparison.Ordinal));
    }

    [Fact]
    public void Add_File_IsPrivateToTheAgentAndLeavesNoTemporary()
    {
        // Arrange
        var spool = Open();

        // Act
        spool.Add(1, 0, s_payload);

        // Assert
        var entry = Assert.Single(spool.Entries);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(entry.Path));
        Assert.Empty(Directory.EnumerateFiles(_directory.Path, "*" + DurableFile.TemporarySuffix));
        Assert.Equal(s_payload, spool.Read(entry));
    }

    [Theory]
    [InlineData("00000000000000000042-3.batch", true, 42, 3)]
    [InlineData("00000000000000000000-0.batch", false, 0, 0)]
    [InlineData("42.batch", false, 0, 0)]
    [InlineData("00000000000000000042-3.batch.tmp", false, 0, 0)]
    public void TryParseName_Names_ReadSequenceAndCarriedDrops(string name, bool valid, long sequence, long carried)
    {
        // Act
        var parsed = SpoolEntry.TryParseName(name, out var readSequence, out var readCarried);

        // Assert
        Assert.Equal(valid, parsed);
        if (valid)
        {
            Assert.Equal((sequence, carried), (readSequence, readCarried));
            Assert.Equal(name, SpoolEntry.FileName(sequence, carried));
        }
    }

    private BatchSpool Open(long maxBytes = 1024 * 1024, TimeSpan? maxAge = null) =>
        BatchSpool.Open(_directory.Path, maxBytes, maxAge ?? TimeSpan.FromHours(24), _time, _log.Log);

    public void Dispose() => _directory.Dispose();
}
