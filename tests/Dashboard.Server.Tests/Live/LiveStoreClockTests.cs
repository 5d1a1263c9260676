using Dashboard.Server.Hosting;
using Dashboard.Server.Live;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Live;

/// <summary>Issue #23 row 2: a batch from the future never freezes a host's live view, wherever it came from.</summary>
public sealed class LiveStoreClockTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Apply_ShownBatchNineMinutesAheadThenAnHonestOne_ShowsTheHonestOne()
    {
        // Arrange: what a restart loads when a skewed batch was stored before clocks were checked.
        var live = new LiveStore(new StaticOptionsMonitor<DashboardOptions>(new DashboardOptions()), new FakeTimeProvider(s_now));
        live.Apply(TestBatches.Director("lvs-b", 1, s_now.AddMinutes(9), synRecv: 0, established: 40), "director", s_now);

        // Act
        live.Apply(TestBatches.Director("lvs-b", 2, s_now.AddSeconds(1), synRecv: 60, established: 2), "director", s_now.AddSeconds(1));

        // Assert
        Assert.Equal(2, live.Host("lvs-b")!.Sequence);
        Assert.Equal(120L, live.Host("lvs-b")!.Virtuals[0].SynRecv); // 60 on each of the two real servers
    }

    [Fact]
    public void Apply_ReplayOlderThanTheShownPresentBatch_IgnoredSoTheViewNeverMovesBack()
    {
        // Arrange
        var live = new LiveStore(new StaticOptionsMonitor<DashboardOptions>(new DashboardOptions()), new FakeTimeProvider(s_now));
        live.Apply(TestBatches.Director("lvs-b", 5, s_now, synRecv: 60, established: 2), "director", s_now);

        // Act: a spooled batch of a minute ago arrives late.
        live.Apply(TestBatches.Director("lvs-b", 4, s_now.AddMinutes(-1), synRecv: 0, established: 40), "director", s_now);

        // Assert
        Assert.Equal(5, live.Host("lvs-b")!.Sequence);
    }
}
