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
            await conn.ExecuteAsync("delete from rollup_watermarks");
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

        _clock.Set(s_t0.AddMinutes(3).AddSeconds(10));

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
    public async Task Run_Twice_LateSampleFoldedInAndNothingDoubled()
    {
        // Arrange
        await using var conn = await database.DataSource.OpenConnectionAsync();
        const string insert = """
            insert into nsx_filter_samples (collected_at, filter_id, reason, value) values (@at, 77, 'state-mismatch', @v)
            """;
        await conn.ExecuteAsync(insert, new { at = s_t0.AddMinutes(20), v = 100 });
        await conn.ExecuteAsync(insert, new { at = s_t0.AddMinutes(20).AddSeconds(20), v = 160 });
        _clock.Set(s_t0.AddMinutes(21));
        var builder = new RollupBuilder(_clock);
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Act: a sample of that minute arrives late; the next pass recomputes the trailing window.
        await conn.ExecuteAsync(insert, new { at = s_t0.AddMinutes(20).AddSeconds(40), v = 200 });
        _clock.Set(s_t0.AddMinutes(21).AddSeconds(30));
        await builder.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        var row = await conn.QuerySingleAsync<(long Last, long Delta)>(
            "select value_last, delta from nsx_filter_rollup_1m where filter_id = 77 and reason = 'state-mismatch'");
        Assert.Equal(200, row.Last);
        Assert.Equal(100, row.Delta);
    }
}
