using System.Diagnostics;
using Dashboard.Agent.Hosting;
using Dashboard.Agent.Spool;
using Dashboard.Agent.Tests.Shared;
using Dashboard.Agent.Transport;

namespace Dashboard.Agent.Tests.Transport;

public sealed class BatchSenderTests : IDisposable
{
    private static readonly RetryPolicy s_shortTimeout = new(2, TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(300));

    private readonly TestDirectory _spool = new();
    private readonly TestLog _log = new();

    [Fact]
    public async Task DeliverAsync_ServerUp_StoresGzipBatchesWithConsecutiveSequences()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();
        using var harness = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log);

        // Act
        var reports = new List<DeliveryReport>();
        for (var i = 0; i < 3; i++)
        {
            reports.Add(await harness.DeliverAsync());
        }

        // Assert
        Assert.All(reports, r => Assert.Equal(DeliveryOutcome.Delivered, r.Outcome));
        var sequences = server.StoredSequences;
        Assert.Equal(3, sequences.Count);
        Assert.Equal([sequences[0], sequences[0] + 1, sequences[0] + 2], sequences);
        Assert.Equal("gzip", server.LastContentEncoding);
        Assert.All(server.Stored, b => Assert.False(string.IsNullOrEmpty(b.AgentVersion)));
        Assert.Equal(0, harness.Spool.Count);
    }

    [Fact]
    public async Task DeliverAsync_ServerDownThenUp_EverySequenceReceivedOnceInOrder()
    {
        // Arrange: a port the server will come back on, with nothing listening now.
        var down = await TestIngestServer.StartAsync();
        var port = down.Port;
        var url = down.BaseUrl;
        await down.DisposeAsync();
        using var harness = new SenderHarness(_spool.Path, url, TimeProvider.System, _log);

        // Act
        var whileDown = new List<DeliveryReport>();
        for (var i = 0; i < 4; i++)
        {
            whileDown.Add(await harness.DeliverAsync());
        }

        await using var up = await TestIngestServer.StartAsync(port);
        var afterwards = await harness.DeliverAsync();

        // Assert
        Assert.All(whileDown, r => Assert.Equal(DeliveryOutcome.Spooled, r.Outcome));
        Assert.Equal(DeliveryOutcome.Delivered, afterwards.Outcome);
        Assert.Equal(4, afterwards.Replayed);
        var expected = whileDown.Select(r => r.Sequence).Append(afterwards.Sequence).ToList();
        Assert.Equal(expected, up.StoredSequences);
        Assert.Equal(0, up.Duplicates);
        Assert.Equal(0, harness.Spool.Count);
        Assert.Contains(_log.Lines, l => l.Contains("server not taking batches", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeliverAsync_RestartWhileServerDown_ContinuesSequencesAndReplaysOriginalOnes()
    {
        // Arrange
        var down = await TestIngestServer.StartAsync();
        var (port, url) = (down.Port, down.BaseUrl);
        await down.DisposeAsync();
        var before = new List<long>();
        using (var first = new SenderHarness(_spool.Path, url, TimeProvider.System, _log))
        {
            for (var i = 0; i < 3; i++)
            {
                before.Add((await first.DeliverAsync()).Sequence);
            }
        }

        // Act: a new agent process on the same spool directory.
        await using var up = await TestIngestServer.StartAsync(port);
        using var second = new SenderHarness(_spool.Path, url, TimeProvider.System, _log);
        var after = await second.DeliverAsync();

        // Assert
        Assert.Equal(before.Append(after.Sequence), up.StoredSequences);
        Assert.Equal(before[^1] + 1, after.Sequence);
    }

    [Fact]
    public async Task DeliverAsync_Status500Twice_RetriesAndDelivers()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();
        server.Script(ServerAnswer.Status(500), ServerAnswer.Status(500));
        using var harness = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log);

        // Act
        var report = await harness.DeliverAsync();

        // Assert
        Assert.Equal(DeliveryOutcome.Delivered, report.Outcome);
        Assert.Equal(3, server.Requests);
        Assert.Equal([report.Sequence], server.StoredSequences);
    }

    [Fact]
    public async Task DeliverAsync_Status503OnEveryAttempt_SpoolsThenReplaysFirst()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();
        server.Script(ServerAnswer.Status(503), ServerAnswer.Status(503), ServerAnswer.Status(503));
        using var harness = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log);

        // Act
        var refused = await harness.DeliverAsync();
        var next = await harness.DeliverAsync();

        // Assert
        Assert.Equal(DeliveryOutcome.Spooled, refused.Outcome);
        Assert.Equal(DeliveryOutcome.Delivered, next.Outcome);
        Assert.Equal([refused.Sequence, next.Sequence], server.StoredSequences);
    }

    [Fact]
    public async Task DeliverAsync_Status429WithRetryAfter_WaitsThatLongThenDelivers()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();
        server.Script(ServerAnswer.Status(429, retryAfterSeconds: 1));
        using var harness = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log);
        var clock = Stopwatch.StartNew();

        // Act
        var report = await harness.DeliverAsync();

        // Assert
        Assert.Equal(DeliveryOutcome.Delivered, report.Outcome);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {clock.Elapsed}");
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task DeliverAsync_RetryAfterBeyondMaxDelay_SpoolsAndLeavesServerAloneUntilThen()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();
        server.Script(ServerAnswer.Status(503, retryAfterSeconds: 3600));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var harness = new SenderHarness(_spool.Path, server.BaseUrl, time, _log);

        // Act
        var first = await harness.DeliverAsync();
        var second = await harness.DeliverAsync();
        var requestsWhileWaiting = server.Requests;
        time.Advance(TimeSpan.FromSeconds(3601));
        var third = await harness.DeliverAsync();

        // Assert
        Assert.Equal(DeliveryOutcome.Spooled, first.Outcome);
        Assert.Equal(DeliveryOutcome.Spooled, second.Outcome);
        Assert.Equal(1, requestsWhileWaiting);
        Assert.Equal(DeliveryOutcome.Delivered, third.Outcome);
        Assert.Equal([first.Sequence, second.Sequence, third.Sequence], server.StoredSequences);
    }

    [Fact]
    public async Task DeliverAsync_NoAnswerWithinAttemptTimeout_RetriesAndDelivers()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();
        server.Script(ServerAnswer.Hang);
        using var harness = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log, s_shortTimeout);

        // Act
        var report = await harness.DeliverAsync();

        // Assert
        Assert.Equal(DeliveryOutcome.Delivered, report.Outcome);
        Assert.Equal(2, server.Requests);
        Assert.Equal([report.Sequence], server.StoredSequences);
    }

    [Fact]
    public async Task DeliverAsync_StoredButAnswerLost_DuplicateAnswerCountsAsDelivered()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();
        server.Script(ServerAnswer.StoreThenHang);
        using var harness = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log, s_shortTimeout);

        // Act
        var report = await harness.DeliverAsync();
        var next = await harness.DeliverAsync();

        // Assert
        Assert.Equal(DeliveryOutcome.Delivered, report.Outcome);
        Assert.Equal(1, server.Duplicates);
        Assert.Equal([report.Sequence, next.Sequence], server.StoredSequences);
        Assert.Equal(0, server.Stored[1].DroppedBatches);
        Assert.DoesNotContain(_log.Lines, l => l.StartsWith("warning", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeliverAsync_StateRolledBack_WarnsThatTheServerKeptItsEarlierBatch()
    {
        // Arrange: a spool directory restored from a backup hands out a number the server already stored.
        await using var server = await TestIngestServer.StartAsync();
        using (var first = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log))
        {
            await first.DeliverAsync();
        }

        var state = File.ReadAllText(Path.Combine(_spool.Path, AgentState.FileName));
        using (var second = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log))
        {
            await second.DeliverAsync();
        }

        File.WriteAllText(Path.Combine(_spool.Path, AgentState.FileName), state);
        using var restored = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log);

        // Act
        var report = await restored.DeliverAsync();

        // Assert
        Assert.Equal(DeliveryOutcome.Delivered, report.Outcome);
        Assert.Equal(1, server.Duplicates);
        Assert.Contains(_log.Lines, l => l.Contains($"batch #{report.Sequence}: the server already had this sequence", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeliverAsync_Status400_DroppedWithoutRetryAndCountedInNextBatch()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();
        server.Script(ServerAnswer.Status(400));
        using var harness = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log);

        // Act
        var refused = await harness.DeliverAsync();
        var next = await harness.DeliverAsync();

        // Assert
        Assert.Equal(DeliveryOutcome.Dropped, refused.Outcome);
        Assert.Equal(2, server.Requests);
        Assert.Equal([next.Sequence], server.StoredSequences);
        Assert.Equal(1, server.Stored[0].DroppedBatches);
        Assert.Equal(0, harness.Spool.Count);
        Assert.Contains(_log.Lines, l => l.Contains($"batch #{refused.Sequence} refused", StringComparison.Ordinal)
            && l.Contains("scripted refusal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeliverAsync_WrongToken_KeepsBatchSpooled()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();
        using var harness = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log, token: "revoked");

        // Act
        var report = await harness.DeliverAsync();

        // Assert
        Assert.Equal(DeliveryOutcome.Spooled, report.Outcome);
        Assert.Equal(1, server.Requests);
        Assert.Equal(1, harness.Spool.Count);
        Assert.Contains("401", report.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliverAsync_SpoolOverMaxBytes_OldestDroppedAndEveryLossReported()
    {
        // Arrange: room for about three batches.
        var down = await TestIngestServer.StartAsync();
        var (port, url) = (down.Port, down.BaseUrl);
        await down.DisposeAsync();
        var sample = SenderHarness.NewBatch();
        (sample.Sequence, sample.DroppedBatches, sample.AgentVersion) = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 1, AgentInfo.Version);
        var payloadSize = BatchPayload.Serialize(sample).Length;
        using var harness = new SenderHarness(_spool.Path, url, TimeProvider.System, _log, maxBytes: payloadSize * 3 + payloadSize / 2);

        // Act
        var sequences = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            sequences.Add((await harness.DeliverAsync()).Sequence);
        }

        var keptWhileDown = harness.Spool.Entries.Select(e => e.Sequence).ToList();
        await using var up = await TestIngestServer.StartAsync(port);
        sequences.Add((await harness.DeliverAsync()).Sequence);

        // Assert: the newest stayed, in order, and the batches that arrived say how many never will.
        Assert.Equal(3, keptWhileDown.Count);
        Assert.Equal(sequences.Skip(5).Take(3), keptWhileDown);
        Assert.Equal(keptWhileDown.Append(sequences[^1]), up.StoredSequences);
        Assert.Equal(sequences.Count - up.Stored.Count, up.Stored.Sum(b => b.DroppedBatches));
        Assert.Contains(_log.Lines, l => l.Contains("over SpoolMaxBytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeliverAsync_SpooledPastMaxAge_DroppedAndReportedInTheSameDelivery()
    {
        // Arrange
        var down = await TestIngestServer.StartAsync();
        var (port, url) = (down.Port, down.BaseUrl);
        await down.DisposeAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var harness = new SenderHarness(_spool.Path, url, time, _log, maxAge: TimeSpan.FromHours(24));
        await harness.DeliverAsync();
        await harness.DeliverAsync();

        // Act
        time.Advance(TimeSpan.FromHours(25));
        await using var up = await TestIngestServer.StartAsync(port);
        var report = await harness.DeliverAsync();

        // Assert
        Assert.Equal(DeliveryOutcome.Delivered, report.Outcome);
        Assert.Equal(0, report.Replayed);
        Assert.Equal([report.Sequence], up.StoredSequences);
        Assert.Equal(2, up.Stored[0].DroppedBatches);
    }

    [Fact]
    public async Task DeliverAsync_SpooledFileCutShort_RemovedWithWarningAndCounted()
    {
        // Arrange
        var down = await TestIngestServer.StartAsync();
        var (port, url) = (down.Port, down.BaseUrl);
        await down.DisposeAsync();
        using var harness = new SenderHarness(_spool.Path, url, TimeProvider.System, _log);
        var spooled = await harness.DeliverAsync();
        var entry = Assert.Single(harness.Spool.Entries);
        var bytes = File.ReadAllBytes(entry.Path);
        File.WriteAllBytes(entry.Path, bytes[..(bytes.Length / 2)]);

        // Act
        await using var up = await TestIngestServer.StartAsync(port);
        var report = await harness.DeliverAsync();

        // Assert
        Assert.Equal(DeliveryOutcome.Delivered, report.Outcome);
        Assert.Equal([report.Sequence], up.StoredSequences);
        Assert.Equal(1, up.Stored[0].DroppedBatches);
        Assert.False(File.Exists(entry.Path));
        Assert.Contains(_log.Lines, l => l.Contains(entry.Path, StringComparison.Ordinal) && l.StartsWith("warning", StringComparison.Ordinal));
        Assert.True(spooled.Sequence < report.Sequence);
    }

    [Fact]
    public async Task DeliverAsync_Cancelled_SpoolsWithoutSending()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();
        using var harness = new SenderHarness(_spool.Path, server.BaseUrl, TimeProvider.System, _log);

        // Act
        var report = await harness.Sender.DeliverAsync(SenderHarness.NewBatch(), new CancellationToken(canceled: true));

        // Assert
        Assert.Equal(DeliveryOutcome.Spooled, report.Outcome);
        Assert.Equal(0, server.Requests);
        Assert.Equal(report.Sequence, Assert.Single(harness.Spool.Entries).Sequence);
    }

    public void Dispose() => _spool.Dispose();
}
