using Dashboard.Server.Hosting;
using Dashboard.Server.Live;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Live;

public sealed class LiveStoreHistoryTests
{
    private const string Vip = "10.1.26.252:10051";
    private static readonly DateTimeOffset Start = new(2026, 11, 11, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void History_SameServicesPushedThreeTimes_KeepsEveryPointOfEverySeriesInOrder()
    {
        var live = NewStore();
        live.Apply(TestBatches.Director("lvs-01", 1, Start, synRecv: 5, established: 100), "director", Start);
        live.Apply(TestBatches.Director("lvs-01", 2, Start.AddSeconds(5), synRecv: 7, established: 100), "director", Start);
        live.Apply(TestBatches.Director("lvs-01", 3, Start.AddSeconds(10), synRecv: 9, established: 120), "director", Start);

        var rs = live.History("lvs-01", "TCP", Vip, "10.1.26.140:10051");
        Assert.Equal([(Start, 105L, 5L), (Start.AddSeconds(5), 107L, 7L), (Start.AddSeconds(10), 129L, 9L)],
            rs.Select(p => (p.At, p.Connections, p.SynRecv)));
        Assert.Equal([10L, 14L, 18L], live.History("lvs-01", "TCP", Vip).Select(p => p.SynRecv));
    }

    [Fact]
    public void History_RealServerReplacedByAnotherAtTheSamePosition_GoesToTheNewServersOwnSeries()
    {
        var live = NewStore();
        live.Apply(TestBatches.Director("lvs-01", 1, Start, 5, 100, Vip, "10.1.26.139:10051", "10.1.26.140:10051"), "director", Start);
        live.Apply(TestBatches.Director("lvs-01", 2, Start.AddSeconds(5), 6, 100, Vip, "10.1.26.139:10051", "10.1.26.141:10051"), "director", Start);
        live.Apply(TestBatches.Director("lvs-01", 3, Start.AddSeconds(10), 7, 100, Vip, "10.1.26.139:10051", "10.1.26.140:10051"), "director", Start);

        Assert.Equal([5L, 6L, 7L], live.History("lvs-01", "TCP", Vip, "10.1.26.139:10051").Select(p => p.SynRecv));
        Assert.Equal([5L, 7L], live.History("lvs-01", "TCP", Vip, "10.1.26.140:10051").Select(p => p.SynRecv));
        Assert.Equal([6L], live.History("lvs-01", "TCP", Vip, "10.1.26.141:10051").Select(p => p.SynRecv));
    }

    [Fact]
    public void History_RealServerAdded_KeepsTheOldSeriesAndStartsTheNewOne()
    {
        var live = NewStore();
        live.Apply(TestBatches.Director("lvs-01", 1, Start, 5, 100, Vip, "10.1.26.139:10051"), "director", Start);
        live.Apply(TestBatches.Director("lvs-01", 2, Start.AddSeconds(5), 6, 100, Vip, "10.1.26.139:10051", "10.1.26.140:10051"), "director", Start);

        Assert.Equal([5L, 6L], live.History("lvs-01", "TCP", Vip, "10.1.26.139:10051").Select(p => p.SynRecv));
        Assert.Equal([6L], live.History("lvs-01", "TCP", Vip, "10.1.26.140:10051").Select(p => p.SynRecv));
        Assert.Equal([5L, 12L], live.History("lvs-01", "TCP", Vip).Select(p => p.SynRecv));
    }

    [Fact]
    public void History_CountBeyondIntRange_IsKeptAtTheLargestValueAChartPointHolds()
    {
        var live = NewStore();
        live.Apply(TestBatches.Director("lvs-01", 1, Start, synRecv: 3_000_000_000, established: 0), "director", Start);

        var point = Assert.Single(live.History("lvs-01", "TCP", Vip, "10.1.26.139:10051"));
        Assert.Equal((int.MaxValue, (long)int.MaxValue), (point.SynRecv, point.Connections));
    }

    [Fact]
    public void History_MoreThanTheRingHolds_KeepsTheLatestPoints()
    {
        var live = NewStore();
        for (var i = 0; i < LiveStore.HistoryPoints + 10; i++)
        {
            live.Apply(TestBatches.Director("lvs-01", i + 1, Start.AddSeconds(5 * i), synRecv: i, established: 0), "director", Start);
        }

        var points = live.History("lvs-01", "TCP", Vip, "10.1.26.139:10051");
        Assert.Equal(LiveStore.HistoryPoints, points.Length);
        Assert.Equal((10L, LiveStore.HistoryPoints + 9L), (points[0].SynRecv, points[^1].SynRecv));
    }

    private static LiveStore NewStore() =>
        new(new StaticOptionsMonitor<DashboardOptions>(new DashboardOptions()), new FakeTimeProvider(Start));
}
