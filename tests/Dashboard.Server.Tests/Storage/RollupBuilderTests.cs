using Dapper;
using Dashboard.Server.Hosting;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Server.Tests.Storage;

public sealed class RollupBuilderTests(MigratedDatabaseFixture database) : IClassFixture<MigratedDatabaseFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset s_t0 = new(2031, 5, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly ManualClock _clock = new(s_t0);

    public async Task InitializeAsync()
    {
        // Each test starts its own rollup history: watermarks of another test's clock would hide these samples.
        await using (var conn = await database.DataSource.OpenConnectionAsync())
        {
            await conn.ExecuteAsync("delete from rollup_watermarks; delete from rollup_pending");
        }

        var options = new DashboardOptions();
        await new PartitionMaintenance(new StaticOptionsMonitor<DashboardOptions>(options), _clock, NullLogger<PartitionMaintenance>.Instance)
            .RunAsync(database.DataSource, TestTimeout.Token());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Run_IpvsSamplesOverThreeMinutes_RollupsEqualAggregatesOfTheRawRows()
    {
        // Arrange: 12 samples per real server, 5 s apart, SYN_RECV climbing.
        await using var conn = await database.DataSource.OpenConnectionAsync();
        for (var i = 0; i < 36; i++)
        {
            foreach (var rs in new[] { "10.1.26.139:10051", "10.1.26.140:10051" })
            {
                await conn.ExecuteAsync("""
                    insert into ipvs_rs_samples (collected_at, director, protocol, virtual, destination, connections, syn_recv, templates, by_state)
                    values (@at, 'rollup-a', 'TCP', '10.1.26.252:10051', @rs, @conns, @syn, 0, '{}')
                    """, new { at = s_t0.AddSeconds(5 * i), rs, conns = 100 + i, syn = i * 3 });
            }
        }

        _clock.Set(s_t0.AddMinutes(3).AddSeconds(30));

        // Act
        await new RollupBuilder(_clock).RunAsync(database.DataSource, TestTimeout.Token());

        // Assert: every rollup row equals an independent aggregate of the raw rows it covers.
        var mismatches = await conn.QueryAsync<string>("""
            select r.destination || ' ' || r.bucket
            from ipvs_rs_rollup_1m r
            join (
                select date_trunc('minute', collected_at) as bucket, destination, count(*) as n,
                       avg(connections) as c_avg, max(connections) as c_max, avg(syn_recv) as s_avg, max(syn_recv) as s_max
                from ipvs_rs_samples where director = 'rollup-a' group by 1, 2
            ) raw on raw.bucket = r.bucket and raw.destination = r.destination
            where r.director = 'rollup-a'
              and (r.samples <> raw.n or abs(r.connections_avg - raw.c_avg) > 1e-9 or r.connections_max <> raw.c_max
                   or abs(r.syn_recv_avg - raw.s_avg) > 1e-9 or r.syn_recv_max <> raw.s_max)
            """);
        Assert.Empty(mismatches);
        Assert.Equal(6, await conn.ExecuteScalarAsync<long>("select count(*) from ipvs_rs_rollup_1m where director = 'rollup-a'"));
        Assert.Equal(105, await conn.ExecuteScalarAsync<long>(
            "select syn_recv_max from ipvs_rs_rollup_1m where director = 'rollup-a' and bucket = @b and destination = '10.1.26.139:10051'",
            new { b = s_t0.AddMinutes(2) }));
    }

    [Fact]
    public async Task Run_CounterResetInsideAMinute_DeltaCountsTheRestartNotANegative()
    {
        // Arrange: 10, 20, then a reset to 5, then 15 in one minute: increases 10 + 5 + 10.
        await using var conn = await database.DataSource.OpenConnectionAsync();
        var values = new long[] { 10, 20, 5, 15 };
        for (var i = 0; i < values.Length; i++)
        {
            await conn.ExecuteAsync(
                "insert into iptables_rule_samples (collected_at, rule_id, packets, bytes) values (@at, 4242, @v, @b)",
                new { at = s_t0.AddMinutes(10).AddSeconds(10 * i), v = values[i], b = values[i] * 100 });
        }

        _clock.Set(s_t0.AddMinutes(12));

        // Act
        await new RollupBuilder(_clock).RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        var row = await conn.QuerySingleAsync<(long Last, long Delta, long BytesDelta)>(
            "select packets_last, packets_delta, bytes_delta from iptables_rule_rollup_1m where rule_id = 4242");
        Assert.Equal(15, row.Last);
        Assert.Equal(25, row.Delta);
        Assert.Equal(2500, row.BytesDelta);
    }

    [Fact]
    public async Task Run_LateBatchForARolledMinute_FoldedInAndNothingDoubled()
    {
        // Arrange
        await using var conn = await database.DataSource.OpenConnectionAsync();
        await conn.ExecuteAsync(InsertNsx, new { at = s_t0.AddMinutes(20), filter = 77, v = 100 });
        await conn.ExecuteAsync(InsertNsx, new { at = s_t0.AddMinutes(20).AddSeconds(20), filter = 77, v = 160 });
        _clock.Set(s_t0.AddMinutes(21).AddSeconds(30));
        var builder = new RollupBuilder(_clock);
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Act: a batch for that minute is committed late (an agent replaying its spool); the next pass rolls the minute again.
        await CommitBatchAsync(conn, s_t0.AddMinutes(20).AddSeconds(40), filter: 77, value: 200);
        _clock.Set(s_t0.AddMinutes(22));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        var row = await conn.QuerySingleAsync<(long Last, long Delta)>(
            "select value_last, delta from nsx_filter_rollup_1m where filter_id = 77 and reason = 'state-mismatch'");
        Assert.Equal(200, row.Last);
        Assert.Equal(100, row.Delta);
    }

    [Fact]
    public async Task Run_NoBatchCommittedSinceLastPass_RolledMinuteNotReadAgain()
    {
        // Arrange: minute 40 rolled once.
        await using var conn = await database.DataSource.OpenConnectionAsync();
        await conn.ExecuteAsync(InsertNsx, new { at = s_t0.AddMinutes(40), filter = 78, v = 10 });
        await conn.ExecuteAsync(InsertNsx, new { at = s_t0.AddMinutes(40).AddSeconds(30), filter = 78, v = 30 });
        _clock.Set(s_t0.AddMinutes(41).AddSeconds(20));
        var builder = new RollupBuilder(_clock);
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Act: a raw row appears without a committed batch (no writer does this): passes only follow committed batches.
        await conn.ExecuteAsync(InsertNsx, new { at = s_t0.AddMinutes(40).AddSeconds(50), filter = 78, v = 90 });
        _clock.Set(s_t0.AddMinutes(42));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());
        var untouched = await conn.QuerySingleAsync<(long Last, long Delta)>(
            "select value_last, delta from nsx_filter_rollup_1m where filter_id = 78 and reason = 'state-mismatch'");

        // Assert
        Assert.Equal((30L, 20L), untouched);
    }

    [Fact]
    public async Task Run_MinuteNotSettledYet_RolledByTheFirstPassAfterItSettles()
    {
        // Arrange: samples of minute 50, a pass while that minute is still open, then its last batch.
        await using var conn = await database.DataSource.OpenConnectionAsync();
        await CommitBatchAsync(conn, s_t0.AddMinutes(50).AddSeconds(5), filter: 79, value: 1_000);
        _clock.Set(s_t0.AddMinutes(50).AddSeconds(50));
        var builder = new RollupBuilder(_clock);
        await builder.RunAsync(database.DataSource, TestTimeout.Token());
        var whileOpen = await conn.ExecuteScalarAsync<long>("select count(*) from nsx_filter_rollup_1m where filter_id = 79");
        await CommitBatchAsync(conn, s_t0.AddMinutes(50).AddSeconds(55), filter: 79, value: 1_600);

        // Act
        _clock.Set(s_t0.AddMinutes(51).AddSeconds(20));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        Assert.Equal(0, whileOpen);
        var row = await conn.QuerySingleAsync<(long Last, long Delta)>(
            "select value_last, delta from nsx_filter_rollup_1m where filter_id = 79 and reason = 'state-mismatch'");
        Assert.Equal((1_600L, 600L), row);
    }

    [Fact]
    public async Task Run_IpvsMinuteRolledThenAgainAfterALateBatch_EqualsTheRawRowsNotDoubled()
    {
        // Arrange: a pass before the data sets the builder's snapshot, so the next passes follow committed batches.
        await using var conn = await database.DataSource.OpenConnectionAsync();
        var minute = s_t0.AddMinutes(60);
        var builder = new RollupBuilder(_clock);
        _clock.Set(minute.AddSeconds(-30));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());
        for (var i = 0; i < 12; i++)
        {
            await CommitIpvsBatchAsync(conn, minute.AddSeconds(5 * i), connections: 100 + i, synRecv: 7 * i);
        }

        _clock.Set(minute.AddSeconds(80));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());
        var firstRoll = await conn.ExecuteScalarAsync<long>("select sum(samples) from ipvs_rs_rollup_1m where director = 'rollup-slices'");

        // Act: a late batch for the same minute.
        await CommitIpvsBatchAsync(conn, minute.AddSeconds(57), connections: 500, synRecv: 400);
        _clock.Set(minute.AddSeconds(120));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        Assert.Equal(24, firstRoll);
        var mismatches = await conn.QueryAsync<string>("""
            select r.destination
            from ipvs_rs_rollup_1m r
            join (
                select date_trunc('minute', collected_at) as bucket, destination, count(*) as n,
                       avg(connections) as c_avg, max(connections) as c_max, avg(syn_recv) as s_avg, max(syn_recv) as s_max
                from ipvs_rs_samples where director = 'rollup-slices' group by 1, 2
            ) raw on raw.bucket = r.bucket and raw.destination = r.destination
            where r.director = 'rollup-slices'
              and (r.samples <> raw.n or abs(r.connections_avg - raw.c_avg) > 1e-9 or r.connections_max <> raw.c_max
                   or abs(r.syn_recv_avg - raw.s_avg) > 1e-9 or r.syn_recv_max <> raw.s_max)
            """);
        Assert.Empty(mismatches);
        Assert.Equal(26, await conn.ExecuteScalarAsync<long>("select sum(samples) from ipvs_rs_rollup_1m where director = 'rollup-slices'"));
        Assert.Equal(400, await conn.ExecuteScalarAsync<long>("select max(syn_recv_max) from ipvs_rs_rollup_1m where director = 'rollup-slices'"));
    }

    [Fact]
    public async Task Run_CounterMinutesRolledInSeparatePasses_EachDeltaStartsFromThePreviousMinutesLastValue()
    {
        // Arrange: minute 70 rolled on its own (with a reset), then minutes 71 and 73 (72 empty) in the passes after.
        await using var conn = await database.DataSource.OpenConnectionAsync();
        var builder = new RollupBuilder(_clock);
        _clock.Set(s_t0.AddMinutes(69).AddSeconds(30));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());
        foreach (var (second, value) in new[] { (0, 1_000L), (20, 1_300L), (40, 200L) })
        {
            await CommitBatchAsync(conn, s_t0.AddMinutes(70).AddSeconds(second), filter: 80, value);
        }

        _clock.Set(s_t0.AddMinutes(71).AddSeconds(20));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Act
        await CommitBatchAsync(conn, s_t0.AddMinutes(71).AddSeconds(5), filter: 80, value: 450);
        await CommitBatchAsync(conn, s_t0.AddMinutes(71).AddSeconds(45), filter: 80, value: 500);
        _clock.Set(s_t0.AddMinutes(72).AddSeconds(20));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());
        await CommitBatchAsync(conn, s_t0.AddMinutes(73).AddSeconds(10), filter: 80, value: 900);
        _clock.Set(s_t0.AddMinutes(74).AddSeconds(20));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert: 300 + 200 (the reset); 250 + 50 from minute 70's last value; 400 across the empty minute.
        var rows = (await conn.QueryAsync<(long Last, long Delta)>(
            "select value_last, delta from nsx_filter_rollup_1m where filter_id = 80 order by bucket")).ToList();
        Assert.Equal([(200L, 500L), (500L, 300L), (900L, 400L)], rows);
        var fromRaw = await conn.QueryAsync<long>("""
            select sum(case when prev is null then 0 when value >= prev then value - prev else value end)
            from (select collected_at, value, lag(value) over (order by collected_at) as prev from nsx_filter_samples where filter_id = 80) s
            group by date_trunc('minute', collected_at) order by 1
            """);
        Assert.Equal(rows.Select(r => r.Delta).Order(), fromRaw.Order());
    }

    /// <summary>What BatchWriter does for a director: journal and one row per real server in one transaction.</summary>
    private static async Task CommitIpvsBatchAsync(Npgsql.NpgsqlConnection conn, DateTimeOffset at, long connections, long synRecv)
    {
        await using var tx = await conn.BeginTransactionAsync();
        const string journal = """
            insert into ingest_batches (host, source, sequence, collected_at, token_name, row_count)
            values ('rollup-slices', 'agent', nextval('raw_upload_sequence'), @at, 'test', 2)
            """;
        await conn.ExecuteAsync(journal, new { at }, tx);
        foreach (var rs in new[] { "10.1.26.139:10051", "10.1.26.140:10051" })
        {
            await conn.ExecuteAsync("""
                insert into ipvs_rs_samples (collected_at, director, protocol, virtual, destination, connections, syn_recv, templates, by_state)
                values (@at, 'rollup-slices', 'TCP', '10.1.26.252:10051', @rs, @connections, @synRecv, 0, '{}')
                """, new { at, rs, connections, synRecv }, tx);
        }

        await tx.CommitAsync();
    }

    private const string InsertNsx = """
        insert into nsx_filter_samples (collected_at, filter_id, reason, value) values (@at, @filter, 'state-mismatch', @v)
        """;

    /// <summary>What BatchWriter does for an NSX sample: journal and rows in one transaction.</summary>
    private static async Task CommitBatchAsync(Npgsql.NpgsqlConnection conn, DateTimeOffset at, int filter, long value)
    {
        await using var tx = await conn.BeginTransactionAsync();
        const string journal = """
            insert into ingest_batches (host, source, sequence, collected_at, token_name, row_count)
            values ('rollup-esxi', 'agent', nextval('raw_upload_sequence'), @at, 'test', 1)
            """;
        await conn.ExecuteAsync(journal, new { at }, tx);
        await conn.ExecuteAsync(InsertNsx, new { at, filter, v = value }, tx);
        await tx.CommitAsync();
    }
}
