using System.IO.Compression;
using Dapper;
using Dashboard.Server.Hosting;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dashboard.Server.Tests.Storage;

/// <summary>
/// A database filled by the server and agents of the row-per-number schema (migrations 0001–0010, fixtures/upgrade-from-0010.md)
/// started on by today's server: history is kept, the old rows stay readable, and the server goes on storing frames.
/// </summary>
public sealed class UpgradeTests(PostgresDatabaseFixture server) : IClassFixture<PostgresDatabaseFixture>
{
    /// <summary>A few minutes after the fixture's pushes (2026-12-06 02:02–02:05 UTC), as a server restarted after the upgrade sees it.</summary>
    private static readonly DateTimeOffset s_restartedAt = new(2026, 12, 6, 2, 20, 0, TimeSpan.Zero);

    [Fact]
    public async Task Start_OnADatabaseOfTheRowSchema_KeepsRollupsAndRawRowsAndStoresFramesAfter()
    {
        // Arrange
        var connectionString = await RestoreFixtureAsync();
        await using var legacy = NpgsqlDataSource.Create(connectionString);
        await using var conn = await legacy.OpenConnectionAsync();
        var rollupsBefore = (await conn.QueryAsync<(string Director, string Virtual, string Destination, DateTime Bucket, int Samples, double ConnectionsAvg, long SynRecvMax)>("""
            select director, virtual, destination, bucket, samples, connections_avg, syn_recv_max from ipvs_rs_rollup_1m order by 1, 2, 3, 4
            """)).ToList();
        var ruleDeltasBefore = (await conn.QueryAsync<(long Rule, DateTime Bucket, long Packets, long Bytes)>(
            "select rule_id, bucket, packets_delta, bytes_delta from iptables_rule_rollup_1m order by 1, 2")).ToList();
        var nsxDeltasBefore = (await conn.QueryAsync<(long Filter, string Reason, DateTime Bucket, long Delta)>(
            "select filter_id, reason, bucket, delta from nsx_filter_rollup_1m order by 1, 2, 3")).ToList();

        // Act: the server's own start (migrations 0011 and on, partitions), then a push of the new kind.
        var clock = new FakeTimeProvider(s_restartedAt);
        await using var database = await FrameStorage.StartDatabaseAsync(connectionString, clock);
        var storage = new FrameStorage(database.DataSource);
        await storage.CommitAsync(TestBatches.Director("lvs-director-2", 0, s_restartedAt.AddSeconds(-30), synRecv: 3, established: 70, vip: "10.1.26.252:10051",
            "10.1.26.139:10051", "10.1.26.140:10051"));
        clock.SetUtcNow(s_restartedAt.AddMinutes(1));
        await storage.Rollups(clock).RunAsync(database.DataSource, TestTimeout.Token());

        // Assert: every rollup row of before, carried into frames, as the same views show it.
        Assert.Equal((60, 156, 16), (rollupsBefore.Count, ruleDeltasBefore.Count, nsxDeltasBefore.Count));
        await using var after = await database.DataSource.OpenConnectionAsync();
        var rollupsAfter = (await after.QueryAsync<(string Director, string Virtual, string Destination, DateTime Bucket, int Samples, double ConnectionsAvg, long SynRecvMax)>("""
            select director, virtual, destination, bucket, samples, connections_avg, syn_recv_max from ipvs_rs_rollup_1m where bucket < @restart order by 1, 2, 3, 4
            """, new { restart = s_restartedAt.AddMinutes(-5) })).ToList();
        Assert.Equal(rollupsBefore.Select(r => (r.Director, r.Virtual, r.Destination, r.Bucket, r.Samples, r.SynRecvMax)),
            rollupsAfter.Select(r => (r.Director, r.Virtual, r.Destination, r.Bucket, r.Samples, r.SynRecvMax)));
        // Averages were stored as floats and are carried as sums of whole connections: equal to within half a connection per sample.
        Assert.All(rollupsBefore.Zip(rollupsAfter), p => Assert.InRange(p.Second.ConnectionsAvg, p.First.ConnectionsAvg - 0.5, p.First.ConnectionsAvg + 0.5));
        Assert.Equal(ruleDeltasBefore, await after.QueryAsync<(long, DateTime, long, long)>(
            "select rule_id, bucket, packets_delta, bytes_delta from iptables_rule_rollup_1m where bucket < @restart order by 1, 2", new { restart = s_restartedAt.AddMinutes(-5) }));
        Assert.Equal(nsxDeltasBefore, await after.QueryAsync<(long, string, DateTime, long)>(
            "select filter_id, reason, bucket, delta from nsx_filter_rollup_1m where bucket < @restart order by 1, 2, 3", new { restart = s_restartedAt.AddMinutes(-5) }));

        // The raw rows of before are still read under their old names, beside the new push.
        Assert.Equal(680, await after.ExecuteScalarAsync<long>("select count(*) from ipvs_rs_samples where collected_at < @restart",
            new { restart = s_restartedAt.AddMinutes(-5) }));
        Assert.Equal(51, await after.ExecuteScalarAsync<long>("select max(syn_recv) from ipvs_rs_samples where director = 'lvs-director-1'"));
        Assert.Equal([3L, 3L], await after.QueryAsync<long>(
            "select syn_recv from ipvs_rs_samples where director = 'lvs-director-2' and collected_at = @at order by destination", new { at = s_restartedAt.AddSeconds(-30) }));

        // The chart of a VIP over the last hour reads the carried minutes and the new one from one tier.
        var chart = await new SeriesRepository(database, storage.Reader).VipSeriesAsync("lvs-director-2", "TCP", "10.1.26.252:10051",
            s_restartedAt.AddHours(-3), s_restartedAt.AddMinutes(1), TestTimeout.Token());
        Assert.Equal("1m", chart.Resolution);
        Assert.Equal(rollupsBefore.Where(r => r.Director == "lvs-director-2").Select(r => r.Bucket).Distinct().Order().Append(s_restartedAt.AddMinutes(-1).UtcDateTime),
            chart.Points.Select(p => p.At));
    }

    [Fact]
    public async Task Retention_DaysAfterTheUpgrade_DropsTheOldRawRowsAndKeepsTheCarriedMinutes()
    {
        // Arrange
        var connectionString = await RestoreFixtureAsync();
        var clock = new FakeTimeProvider(s_restartedAt);
        await using var database = await FrameStorage.StartDatabaseAsync(connectionString, clock);
        var options = new DashboardOptions();
        var maintenance = new PartitionMaintenance(new StaticOptionsMonitor<DashboardOptions>(options), clock, NullLogger<PartitionMaintenance>.Instance);

        // Act: three days on, the raw rows of the 6th are past the 48 hours raw data is kept.
        clock.Advance(TimeSpan.FromDays(3));
        await maintenance.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        await using var conn = await database.DataSource.OpenConnectionAsync();
        Assert.DoesNotContain("ipvs_rs_samples_p20261206", await PartitionMaintenance.ListPartitionsAsync(conn, "legacy_ipvs_rs_samples", TestTimeout.Token()));
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("select count(*) from ipvs_rs_samples"));
        Assert.Equal(60, await conn.ExecuteScalarAsync<long>("select count(*) from ipvs_rs_rollup_1m"));
    }

    /// <summary>The fixture restored into an empty database the way its .md says: one command on a connection of its own.</summary>
    private async Task<string> RestoreFixtureAsync()
    {
        var connectionString = await server.CreateDatabaseAsync(TestTimeout.Token());
        var path = Path.Combine(AppContext.BaseDirectory, "Storage", "fixtures", "upgrade-from-0010.sql.gz");
        await using var file = File.OpenRead(path);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var sql = await reader.ReadToEndAsync();
        await using (var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString))
        {
            await conn.OpenAsync();
            await using var restore = new NpgsqlCommand(sql, conn) { CommandTimeout = 300 };
            await restore.ExecuteNonQueryAsync();
        }

        return connectionString;
    }
}
