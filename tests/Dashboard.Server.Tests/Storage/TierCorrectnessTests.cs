using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using Dashboard.Server.Storage;
using Dashboard.Server.Storage.Frames;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Storage;

/// <summary>
/// Random push histories (counter resets, agents restarting, batches committed late and out of order) through the real
/// writer, rollup builder and chart queries: what each tier returns equals what the pushes imply, worked out here from the
/// pushes alone with plain arithmetic.
/// </summary>
public sealed class TierCorrectnessTests(MigratedDatabaseFixture database) : IClassFixture<MigratedDatabaseFixture>
{
    private static readonly DateTimeOffset s_t0 = new(2032, 2, 3, 10, 0, 0, TimeSpan.Zero);
    private const string Vip = "10.44.0.1:443";
    private static readonly string[] s_realServers = ["10.44.0.11:443", "10.44.0.12:443", "10.44.0.13:443"];

    private sealed record Push(DateTimeOffset At, long[] Established, long[] SynRecv, ulong Drops);

    public static TheoryData<int> Seeds => new() { 11, 12, 13 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Tiers_RandomHistoryCommittedOutOfOrder_EveryTierEqualsWhatThePushesImply(int seed)
    {
        // Arrange: 2 h 10 min of pushes every 30 s (jittered), a counter that grows, resets now and then, and sometimes stands still.
        var random = new Random(seed);
        var director = $"tiers-dr-{seed}";
        var esxi = $"tiers-esxi-{seed}";
        var pushes = new List<Push>();
        ulong drops = 0;
        for (var at = s_t0.AddSeconds(random.Next(0, 20)); at < s_t0.AddMinutes(130); at = at.AddSeconds(25 + random.Next(0, 11)))
        {
            drops = random.Next(25) == 0 ? (ulong)random.Next(0, 50) : drops + (ulong)(random.Next(3) == 0 ? 0 : random.Next(1, 5000));
            pushes.Add(new Push(at, [.. s_realServers.Select(_ => (long)random.Next(0, 400))], [.. s_realServers.Select(_ => (long)random.Next(0, 30))], drops));
        }

        var clock = new FakeTimeProvider(s_t0);
        await using var db = await FrameStorage.StartDatabaseAsync(database.ConnectionString, clock);
        var storage = new FrameStorage(database.DataSource);
        var rollups = storage.Rollups(clock);
        // About one push in eight is held back and committed a few minutes late, as an agent replaying its spool does.
        var late = new List<Push>();
        foreach (var push in pushes)
        {
            if (random.Next(8) == 0)
            {
                late.Add(push);
            }
            else
            {
                await CommitAsync(storage, director, esxi, push);
            }

            if (clock.GetUtcNow() < push.At.AddMinutes(-5) || push == pushes[^1] || random.Next(12) == 0)
            {
                clock.SetUtcNow(push.At);
                foreach (var held in late.Where(l => l.At < push.At.AddMinutes(-2)).ToList())
                {
                    await CommitAsync(storage, director, esxi, held);
                    late.Remove(held);
                }

                await rollups.RunAsync(database.DataSource, TestTimeout.Token());
            }
        }

        foreach (var held in late)
        {
            await CommitAsync(storage, director, esxi, held);
        }

        clock.SetUtcNow(s_t0.AddHours(4));
        await rollups.RunAsync(database.DataSource, TestTimeout.Token());
        var series = new SeriesRepository(db, storage.Reader);
        var dropSeries = new DropSeriesRepository(db, storage.Reader);
        var ordered = pushes.OrderBy(p => p.At).ToList();

        // Act
        var raw = await series.VipSeriesAsync(director, "TCP", Vip, s_t0, s_t0.AddHours(2), TestTimeout.Token());
        var minutes = await series.VipSeriesAsync(director, "TCP", Vip, s_t0, s_t0.AddHours(3), TestTimeout.Token());
        var hours = await series.VipSeriesAsync(director, "TCP", Vip, s_t0, s_t0.AddDays(3), TestTimeout.Token());
        var rawDrops = await dropSeries.HostDropsAsync(esxi, s_t0, s_t0.AddHours(2), TestTimeout.Token());
        var minuteDrops = await dropSeries.HostDropsAsync(esxi, s_t0, s_t0.AddHours(3), TestTimeout.Token());
        var hourDrops = await dropSeries.HostDropsAsync(esxi, s_t0, s_t0.AddDays(3), TestTimeout.Token());

        // Assert: every push, as pushed.
        Assert.Equal(("raw", "1m", "1h"), (raw.Resolution, minutes.Resolution, hours.Resolution));
        var expectedRaw = ordered.Where(p => p.At < s_t0.AddHours(2))
            .Select(p => new SeriesRow(p.At.UtcDateTime, p.Established.Sum() + p.SynRecv.Sum(), p.SynRecv.Sum(), p.SynRecv.Sum())).ToList();
        Assert.Equal(expectedRaw, raw.Points);

        // Minutes and hours: per real server the mean of its connections and SYN_RECV and the largest SYN_RECV, summed over the VIP.
        AssertClose(Buckets(ordered, TimeSpan.FromMinutes(1)), minutes.Points);
        AssertClose(Buckets(ordered, TimeSpan.FromHours(1)), hours.Points);

        // Drops: between consecutive pushes, a counter that went down restarted at zero.
        var rate = Assert.Single(rawDrops.Series).Points;
        var expectedRates = ordered.Zip(ordered.Skip(1)).Where(p => p.Second.At < s_t0.AddHours(2))
            .Select(p => new DropPoint(p.Second.At.UtcDateTime, Increase(p.First.Drops, p.Second.Drops) / (p.Second.At - p.First.At).TotalSeconds)).ToList();
        Assert.Equal(expectedRates.Select(r => r.At), rate.Select(r => r.At));
        Assert.Equal(expectedRates.Select(r => Math.Round(r.PacketsPerSecond, 6)), rate.Select(r => Math.Round(r.PacketsPerSecond, 6)));
        // Per bucket: the increases of its pushes, the first from the push before it when that is at most two minutes older.
        Assert.Equal(Increases(ordered, TimeSpan.FromMinutes(1)), Assert.Single(minuteDrops.Series).Points.Select(p => (p.At, Math.Round(p.PacketsPerSecond * 60))));
        var hourly = Increases(ordered, TimeSpan.FromMinutes(1)).GroupBy(m => Bucket(new DateTimeOffset(m.At, TimeSpan.Zero), TimeSpan.FromHours(1))).Select(g => (g.Key.UtcDateTime, g.Sum(m => m.Increase)));
        Assert.Equal(hourly, Assert.Single(hourDrops.Series).Points.Select(p => (p.At, Math.Round(p.PacketsPerSecond * 3600))));
    }

    private static async Task CommitAsync(FrameStorage storage, string director, string esxi, Push push)
    {
        var batch = TestBatches.Director(director, 0, push.At, 0, 0, Vip, s_realServers);
        foreach (var (states, i) in batch.Ipvs!.Connections!.Destinations.Select((d, i) => (d.ByState, i)))
        {
            states["ESTABLISHED"] = push.Established[i];
            states["SYN_RECV"] = push.SynRecv[i];
        }

        await storage.CommitAsync(batch);
        await storage.CommitAsync(TestBatches.Nsx(esxi, push.At, "nic-tiers", push.Drops), "nsx");
    }

    private static List<SeriesRow> Buckets(IReadOnlyList<Push> pushes, TimeSpan size) =>
        pushes.GroupBy(p => Bucket(p.At, size)).OrderBy(g => g.Key).Select(g =>
        {
            var list = g.ToList();
            var connections = s_realServers.Select((_, i) => list.Average(p => (double)(p.Established[i] + p.SynRecv[i]))).Sum();
            var syn = s_realServers.Select((_, i) => list.Average(p => (double)p.SynRecv[i])).Sum();
            var synMax = s_realServers.Select((_, i) => list.Max(p => p.SynRecv[i])).Sum();
            return new SeriesRow(g.Key.UtcDateTime, connections, syn, synMax);
        }).ToList();

    private static List<(DateTime At, double Increase)> Increases(IReadOnlyList<Push> pushes, TimeSpan size) =>
        pushes.Select((p, i) => (p, i)).GroupBy(x => Bucket(x.p.At, size)).OrderBy(g => g.Key).Select(g =>
        {
            double sum = 0;
            foreach (var (p, i) in g)
            {
                if (i > 0 && (Bucket(pushes[i - 1].At, size) == g.Key || pushes[i - 1].At >= g.Key - FrameRollup.Carry))
                {
                    sum += Increase(pushes[i - 1].Drops, p.Drops);
                }
            }

            return (g.Key.UtcDateTime, sum);
        }).ToList();

    private static double Increase(ulong previous, ulong current) => current >= previous ? current - previous : current;

    private static DateTimeOffset Bucket(DateTimeOffset at, TimeSpan size) => new(at.UtcTicks - at.UtcTicks % size.Ticks, TimeSpan.Zero);

    private static void AssertClose(IReadOnlyList<SeriesRow> expected, IReadOnlyList<SeriesRow> actual)
    {
        Assert.Equal(expected.Select(e => e.At), actual.Select(a => a.At));
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal(e.Connections, a.Connections, 6);
            Assert.Equal(e.SynRecv, a.SynRecv, 6);
            Assert.Equal(e.SynRecvMax, a.SynRecvMax, 6);
        }
    }
}
