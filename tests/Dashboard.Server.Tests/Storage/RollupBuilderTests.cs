using Dapper;
using Dashboard.Server.Hosting;
using Dashboard.Server.Storage;
using Dashboard.Server.Storage.Frames;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Server.Tests.Storage;

/// <summary>
/// Rollups of batches committed by the real writer, checked against the raw rows as migration 0012's SQL views decode them
/// (a second decoder, in SQL) or against numbers worked out by hand from the pushes.
/// </summary>
public sealed class RollupBuilderTests(MigratedDatabaseFixture database) : IClassFixture<MigratedDatabaseFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset s_t0 = new(2031, 5, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(s_t0);
    private FrameStorage _storage = null!;

    public async Task InitializeAsync()
    {
        // Each test starts its own rollup history: watermarks of another test's clock would hide these samples.
        await using (var conn = await database.DataSource.OpenConnectionAsync())
        {
            await conn.ExecuteAsync("delete from rollup_watermarks; delete from rollup_pending");
        }

        _storage = new FrameStorage(database.DataSource);
        var options = new DashboardOptions();
        await new PartitionMaintenance(new StaticOptionsMonitor<DashboardOptions>(options), _clock, NullLogger<PartitionMaintenance>.Instance)
            .RunAsync(database.DataSource, TestTimeout.Token());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Run_IpvsPushesOverThreeMinutes_RollupsEqualAggregatesOfTheRawRows()
    {
        // Arrange: 12 pushes a minute, 5 s apart, SYN_RECV climbing.
        for (var i = 0; i < 36; i++)
        {
            await _storage.CommitAsync(TestBatches.Director("rollup-a", 0, s_t0.AddSeconds(5 * i), synRecv: i * 3, established: 100 + i));
        }

        _clock.SetUtcNow(s_t0.AddMinutes(3).AddSeconds(30));

        // Act
        await _storage.Rollups(_clock).RunAsync(database.DataSource, TestTimeout.Token());

        // Assert: every rollup row equals an aggregate of the raw rows it covers, both decoded by SQL.
        await using var conn = await database.DataSource.OpenConnectionAsync();
        Assert.Empty(await MismatchesAsync(conn, "rollup-a"));
        Assert.Equal(6, await conn.ExecuteScalarAsync<long>("select count(*) from ipvs_rs_rollup_1m where director = 'rollup-a'"));
        Assert.Equal(105, await conn.ExecuteScalarAsync<long>(
            "select syn_recv_max from ipvs_rs_rollup_1m where director = 'rollup-a' and bucket = @b and destination = '10.1.26.139:10051'",
            new { b = s_t0.AddMinutes(2) }));
        // connections = SYN_RECV + ESTABLISHED; the last minute's pushes are i = 24..35.
        Assert.Equal(Enumerable.Range(24, 12).Max(i => 3 * i + 100 + i), await conn.ExecuteScalarAsync<long>(
            "select connections_max from ipvs_rs_rollup_1m where director = 'rollup-a' and bucket = @b and destination = '10.1.26.140:10051'",
            new { b = s_t0.AddMinutes(2) }));
    }

    [Fact]
    public async Task Run_CounterResetInsideAMinute_IncreaseCountsTheRestartNotANegative()
    {
        // Arrange: 10, 20, then a reset to 5, then 15 in one minute: increases 10 + 5 + 10.
        var values = new ulong[] { 10, 20, 5, 15 };
        for (var i = 0; i < values.Length; i++)
        {
            await _storage.CommitAsync(TestBatches.Hypervisor("rollup-hv", 0, s_t0.AddMinutes(10).AddSeconds(10 * i), values[i]), "hypervisor");
        }

        _clock.SetUtcNow(s_t0.AddMinutes(12));

        // Act
        await _storage.Rollups(_clock).RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        await using var conn = await database.DataSource.OpenConnectionAsync();
        var row = await conn.QuerySingleAsync<(long Delta, long BytesDelta)>("""
            select o.packets_delta, o.bytes_delta from iptables_rule_rollup_1m o join iptables_rules r on r.id = o.rule_id
            where r.host = 'rollup-hv' and r.identity = 'anti-spoof-38833ad6-c'
            """);
        Assert.Equal(25, row.Delta);
        Assert.Equal(25 * 60, row.BytesDelta);
    }

    [Fact]
    public async Task Run_LateBatchForARolledMinute_FoldedInAndNothingDoubled()
    {
        // Arrange
        await _storage.CommitAsync(TestBatches.Nsx("rollup-esxi-1", s_t0.AddMinutes(20), "nic-77", 100), "nsx");
        await _storage.CommitAsync(TestBatches.Nsx("rollup-esxi-1", s_t0.AddMinutes(20).AddSeconds(20), "nic-77", 160), "nsx");
        _clock.SetUtcNow(s_t0.AddMinutes(21).AddSeconds(30));
        var builder = _storage.Rollups(_clock);
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Act: a batch for that minute is committed late (an agent replaying its spool); the next pass rolls the minute again.
        await _storage.CommitAsync(TestBatches.Nsx("rollup-esxi-1", s_t0.AddMinutes(20).AddSeconds(40), "nic-77", 200), "nsx");
        _clock.SetUtcNow(s_t0.AddMinutes(22));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        Assert.Equal([100L], await NsxDeltasAsync("nic-77"));
    }

    [Fact]
    public async Task Run_NoBatchCommittedSinceLastPass_RolledMinuteNotReadAgain()
    {
        // Arrange: minute 40 rolled once.
        await _storage.CommitAsync(TestBatches.Nsx("rollup-esxi-2", s_t0.AddMinutes(40), "nic-78", 10), "nsx");
        await _storage.CommitAsync(TestBatches.Nsx("rollup-esxi-2", s_t0.AddMinutes(40).AddSeconds(30), "nic-78", 30), "nsx");
        _clock.SetUtcNow(s_t0.AddMinutes(41).AddSeconds(20));
        var builder = _storage.Rollups(_clock);
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Act: a raw frame appears without a committed batch (no writer does this): passes only follow committed batches.
        await using (var conn = await database.DataSource.OpenConnectionAsync())
        {
            var frames = await _storage.Reader.ReadAtAsync(conn, "rollup-esxi-2", s_t0.AddMinutes(40).AddSeconds(30), TestTimeout.Token());
            var later = frames[0].Data with { Values = [[90]] };
            await new FrameWriter(new FrameLayouts(), new FrameChains()).WriteRawAsync(conn, "rollup-esxi-2", s_t0.AddMinutes(40).AddSeconds(50), [later],
                new FrameWriter.Pending(), TestTimeout.Token());
        }

        _clock.SetUtcNow(s_t0.AddMinutes(42));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        Assert.Equal([20L], await NsxDeltasAsync("nic-78"));
    }

    [Fact]
    public async Task Run_MinuteNotSettledYet_RolledByTheFirstPassAfterItSettles()
    {
        // Arrange: a push of minute 50, a pass while that minute is still open, then its last batch.
        await _storage.CommitAsync(TestBatches.Nsx("rollup-esxi-3", s_t0.AddMinutes(50).AddSeconds(5), "nic-79", 1_000), "nsx");
        _clock.SetUtcNow(s_t0.AddMinutes(50).AddSeconds(50));
        var builder = _storage.Rollups(_clock);
        await builder.RunAsync(database.DataSource, TestTimeout.Token());
        var whileOpen = await NsxDeltasAsync("nic-79");
        await _storage.CommitAsync(TestBatches.Nsx("rollup-esxi-3", s_t0.AddMinutes(50).AddSeconds(55), "nic-79", 1_600), "nsx");

        // Act
        _clock.SetUtcNow(s_t0.AddMinutes(51).AddSeconds(20));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        Assert.Empty(whileOpen);
        Assert.Equal([600L], await NsxDeltasAsync("nic-79"));
    }

    [Fact]
    public async Task Run_IpvsMinuteRolledThenAgainAfterALateBatch_EqualsTheRawRowsNotDoubled()
    {
        // Arrange: a pass before the data sets the builder's snapshot, so the next passes follow committed batches.
        var minute = s_t0.AddMinutes(60);
        var builder = _storage.Rollups(_clock);
        _clock.SetUtcNow(minute.AddSeconds(-30));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());
        for (var i = 0; i < 12; i++)
        {
            await _storage.CommitAsync(TestBatches.Director("rollup-slices", 0, minute.AddSeconds(5 * i), synRecv: 7 * i, established: 100 + i));
        }

        _clock.SetUtcNow(minute.AddSeconds(80));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());
        await using var conn = await database.DataSource.OpenConnectionAsync();
        var firstRoll = await conn.ExecuteScalarAsync<long>("select sum(samples) from ipvs_rs_rollup_1m where director = 'rollup-slices'");

        // Act: a late batch for the same minute.
        await _storage.CommitAsync(TestBatches.Director("rollup-slices", 0, minute.AddSeconds(57), synRecv: 400, established: 100));
        _clock.SetUtcNow(minute.AddSeconds(120));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        Assert.Equal(24, firstRoll);
        Assert.Empty(await MismatchesAsync(conn, "rollup-slices"));
        Assert.Equal(26, await conn.ExecuteScalarAsync<long>("select sum(samples) from ipvs_rs_rollup_1m where director = 'rollup-slices'"));
        Assert.Equal(400, await conn.ExecuteScalarAsync<long>("select max(syn_recv_max) from ipvs_rs_rollup_1m where director = 'rollup-slices'"));
    }

    [Fact]
    public async Task Run_CounterMinutesRolledInSeparatePasses_EachIncreaseStartsFromThePreviousMinutesLastValue()
    {
        // Arrange: minute 70 rolled on its own (with a reset), then minutes 71 and 73 (72 empty) in the passes after.
        var builder = _storage.Rollups(_clock);
        _clock.SetUtcNow(s_t0.AddMinutes(69).AddSeconds(30));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());
        foreach (var (second, value) in new[] { (0, 1_000UL), (20, 1_300UL), (40, 200UL) })
        {
            await _storage.CommitAsync(TestBatches.Nsx("rollup-esxi-4", s_t0.AddMinutes(70).AddSeconds(second), "nic-80", value), "nsx");
        }

        _clock.SetUtcNow(s_t0.AddMinutes(71).AddSeconds(20));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Act
        await _storage.CommitAsync(TestBatches.Nsx("rollup-esxi-4", s_t0.AddMinutes(71).AddSeconds(5), "nic-80", 450), "nsx");
        await _storage.CommitAsync(TestBatches.Nsx("rollup-esxi-4", s_t0.AddMinutes(71).AddSeconds(45), "nic-80", 500), "nsx");
        _clock.SetUtcNow(s_t0.AddMinutes(72).AddSeconds(20));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());
        await _storage.CommitAsync(TestBatches.Nsx("rollup-esxi-4", s_t0.AddMinutes(73).AddSeconds(10), "nic-80", 900), "nsx");
        _clock.SetUtcNow(s_t0.AddMinutes(74).AddSeconds(20));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert: 300 + 200 (the reset); 250 + 50 from minute 70's last value; 400 across the empty minute.
        var deltas = await NsxDeltasAsync("nic-80");
        Assert.Equal([500L, 300L, 400L], deltas);
        await using var conn = await database.DataSource.OpenConnectionAsync();
        var fromRaw = await conn.QueryAsync<long>("""
            select sum(case when prev is null then 0 when value >= prev then value - prev else value end)
            from (select s.collected_at, s.value, lag(s.value) over (order by s.collected_at) as prev
                  from nsx_filter_samples s join nsx_filters f on f.id = s.filter_id where f.name = 'nic-80') s
            group by date_trunc('minute', collected_at) order by 1
            """);
        Assert.Equal(deltas.Order(), fromRaw.Order());
    }

    [Fact]
    public async Task Run_HourSettled_HourRollupIsTheSumOfItsMinutesAndTheMaximaOfTheirMaxima()
    {
        // Arrange: two hours of a director pushing once a minute, rolled minute by minute as the hour goes.
        var hour = s_t0.AddHours(5);
        var builder = _storage.Rollups(_clock);
        for (var m = 0; m < 60; m++)
        {
            await _storage.CommitAsync(TestBatches.Director("rollup-hour", 0, hour.AddMinutes(m).AddSeconds(5), synRecv: m % 7, established: 50 + m));
            await _storage.CommitAsync(TestBatches.Nsx("rollup-hour-esxi", hour.AddMinutes(m).AddSeconds(5), "nic-81", (ulong)(1000 + 10 * m)), "nsx");
            if (m % 10 == 9)
            {
                _clock.SetUtcNow(hour.AddMinutes(m + 1).AddSeconds(20));
                await builder.RunAsync(database.DataSource, TestTimeout.Token());
            }
        }

        // Act: past the hour's end and its settling time.
        _clock.SetUtcNow(hour.AddHours(1).AddSeconds(20));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        await using var conn = await database.DataSource.OpenConnectionAsync();
        var minutes = await conn.QuerySingleAsync<(long Samples, long SynMax, long ConnMax)>("""
            select sum(samples), max(syn_recv_max), max(connections_max) from ipvs_rs_rollup_1m
            where director = 'rollup-hour' and destination = '10.1.26.139:10051' and bucket >= @hour and bucket < @hour + interval '1 hour'
            """, new { hour });
        var hours = await conn.QuerySingleAsync<(long Samples, long SynMax, long ConnMax)>("""
            select samples, syn_recv_max, connections_max from ipvs_rs_rollup_1h
            where director = 'rollup-hour' and destination = '10.1.26.139:10051' and bucket = @hour
            """, new { hour });
        Assert.Equal((60L, 6L, 50L + 59 + (59 % 7)), minutes);
        Assert.Equal(minutes, hours);
        // Counter: 59 increases of 10 inside the hour (the first push has nothing before it).
        Assert.Equal(590, await conn.ExecuteScalarAsync<long>("""
            select o.delta from nsx_filter_rollup_1h o join nsx_filters f on f.id = o.filter_id where f.name = 'nic-81' and o.bucket = @hour
            """, new { hour }));
    }

    private async Task<List<long>> NsxDeltasAsync(string filter)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync();
        return (await conn.QueryAsync<long>("""
            select o.delta from nsx_filter_rollup_1m o join nsx_filters f on f.id = o.filter_id where f.name = @filter order by o.bucket
            """, new { filter })).AsList();
    }

    private static async Task<IEnumerable<string>> MismatchesAsync(Npgsql.NpgsqlConnection conn, string director) =>
        await conn.QueryAsync<string>("""
            select r.destination || ' ' || r.bucket
            from ipvs_rs_rollup_1m r
            join (
                select date_trunc('minute', collected_at) as bucket, destination, count(*) as n,
                       avg(connections) as c_avg, max(connections) as c_max, avg(syn_recv) as s_avg, max(syn_recv) as s_max
                from ipvs_rs_samples where director = @director group by 1, 2
            ) raw on raw.bucket = r.bucket and raw.destination = r.destination
            where r.director = @director
              and (r.samples <> raw.n or abs(r.connections_avg - raw.c_avg) > 1e-9 or r.connections_max <> raw.c_max
                   or abs(r.syn_recv_avg - raw.s_avg) > 1e-9 or r.syn_recv_max <> raw.s_max)
            """, new { director });
}
