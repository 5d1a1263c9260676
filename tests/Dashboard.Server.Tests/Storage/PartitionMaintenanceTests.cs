using Dapper;
using Dashboard.Server.Hosting;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dashboard.Server.Tests.Storage;

/// <summary>Each test on a migrated database of its own: maintenance drops what is past retention for the whole database, whatever another test made.</summary>
public sealed class PartitionMaintenanceTests(PostgresDatabaseFixture server) : IClassFixture<PostgresDatabaseFixture>
{
    private static readonly DateTimeOffset s_day0 = new(2030, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Run_FreshDatabase_CreatesPartitionsOfEachTierFromItsRetentionToAhead()
    {
        // Arrange
        await using var dataSource = await MigratedDatabaseAsync();
        var maintenance = Create(new FakeTimeProvider(s_day0), new RetentionOptions { RawHours = 48, MinuteDays = 30, HourDays = 400, PartitionsAhead = 3 });

        // Act
        await maintenance.RunAsync(dataSource, TestTimeout.Token());

        // Assert
        await using var conn = await dataSource.OpenConnectionAsync();
        var raw = await PartitionMaintenance.ListPartitionsAsync(conn, "frames_raw", TestTimeout.Token());
        Assert.Equal(["frames_raw_p20300308", "frames_raw_p20300309", "frames_raw_p20300310", "frames_raw_p20300311", "frames_raw_p20300312", "frames_raw_p20300313"], raw);
        var minutes = await PartitionMaintenance.ListPartitionsAsync(conn, "frames_1m", TestTimeout.Token());
        Assert.Equal("frames_1m_p20300208", minutes[0]);
        Assert.Equal("frames_1m_p20300313", minutes[^1]);
        var hours = await PartitionMaintenance.ListPartitionsAsync(conn, "frames_1h", TestTimeout.Token());
        Assert.Equal("frames_1h_p202902", hours[0]);
        Assert.Equal("frames_1h_p203003", hours[^1]);
    }

    [Fact]
    public async Task Run_HoursLater_DropsRawPartitionsWhollyPastRawHoursWithTheirFramesAndJournal()
    {
        // Arrange: pushes on the 8th and the 10th.
        await using var dataSource = await MigratedDatabaseAsync();
        var clock = new FakeTimeProvider(s_day0);
        var maintenance = Create(clock, new RetentionOptions { RawHours = 48 });
        await maintenance.RunAsync(dataSource, TestTimeout.Token());
        var storage = new FrameStorage(dataSource);
        await storage.CommitAsync(TestBatches.Director("retention-host", 0, new DateTimeOffset(2030, 3, 8, 13, 0, 0, TimeSpan.Zero), 1, 10));
        await storage.CommitAsync(TestBatches.Director("retention-host", 0, new DateTimeOffset(2030, 3, 10, 10, 0, 0, TimeSpan.Zero), 2, 20));

        // Act: a day on, all of the 8th is more than 48 hours old; the 9th is not yet.
        clock.Advance(TimeSpan.FromDays(1));
        var changes = await maintenance.RunAsync(dataSource, TestTimeout.Token());

        // Assert
        await using var conn = await dataSource.OpenConnectionAsync();
        var partitions = await PartitionMaintenance.ListPartitionsAsync(conn, "frames_raw", TestTimeout.Token());
        Assert.DoesNotContain("frames_raw_p20300308", partitions);
        Assert.Contains("frames_raw_p20300309", partitions);
        Assert.Contains("frames_raw_p20300314", partitions);
        Assert.True(changes.Dropped >= 2, $"dropped {changes.Dropped}");
        Assert.Equal([20L], await conn.QueryAsync<long>("select distinct connections - syn_recv from ipvs_rs_samples where director = 'retention-host'"));
        Assert.Equal(1, await conn.ExecuteScalarAsync<long>("select count(*) from ingest_batches where host = 'retention-host'"));
    }

    [Fact]
    public async Task Run_RawPartitions_HaveAutovacuumOffWhileRollupPartitionsKeepIt()
    {
        // Arrange: today's raw partition exists already, made without the setting.
        await using var dataSource = await MigratedDatabaseAsync();
        await using var conn = await dataSource.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            create table frames_raw_p20300310 partition of frames_raw for values from ('2030-03-10 00:00:00+00') to ('2030-03-11 00:00:00+00')
            """);
        var maintenance = Create(new FakeTimeProvider(s_day0), new RetentionOptions());

        // Act
        await maintenance.RunAsync(dataSource, TestTimeout.Token());

        // Assert
        const string options = "select coalesce(array_to_string(reloptions, ','), '') from pg_class where relname = @name";
        Assert.Equal("autovacuum_enabled=false", await conn.ExecuteScalarAsync<string>(options, new { name = "frames_raw_p20300310" }));
        Assert.Equal("autovacuum_enabled=false", await conn.ExecuteScalarAsync<string>(options, new { name = "frames_raw_p20300313" }));
        Assert.Equal("", await conn.ExecuteScalarAsync<string>(options, new { name = "frames_1m_p20300310" }));
        Assert.Equal("", await conn.ExecuteScalarAsync<string>(options, new { name = "frames_1h_p203003" }));
    }

    [Fact]
    public async Task EnforceSizeBound_PastTheBound_DropsTheOldestRawDayFirstAndKeepsNewerRawAndEveryRollup()
    {
        // Arrange: four days of pushes kept by a long raw retention, rolled up; then a bound just under the database's size.
        await using var dataSource = await MigratedDatabaseAsync();
        var clock = new FakeTimeProvider(s_day0);
        var retention = new RetentionOptions { RawHours = 24 * 10 };
        var maintenance = Create(clock, retention);
        await maintenance.RunAsync(dataSource, TestTimeout.Token());
        var storage = new FrameStorage(dataSource);
        var servers = Enumerable.Range(0, 40).Select(i => $"10.9.8.{i + 10}:80").ToArray();
        var rollups = storage.Rollups(clock);
        for (var day = 4; day >= 1; day--)
        {
            var start = s_day0.AddDays(-day).AddHours(-2);
            for (var push = 0; push < (day == 4 ? 600 : 60); push++)
            {
                await storage.CommitAsync(TestBatches.Director("bound-director", 0, start.AddSeconds(5 * push), push % 5, 100 + push % 17, "10.9.8.1:80", servers));
            }

            clock.AdjustTime(start.AddHours(1)); // days before the clock's start: AdjustTime may go back, SetUtcNow may not
            await rollups.RunAsync(dataSource, TestTimeout.Token());
        }

        clock.SetUtcNow(s_day0);
        await using var conn = await dataSource.OpenConnectionAsync();
        var oldest = await conn.ExecuteScalarAsync<long>("select pg_total_relation_size('frames_raw_p20300306')");
        var size = await PartitionMaintenance.DatabaseBytesAsync(conn, TestTimeout.Token());
        var minutesBefore = await conn.ExecuteScalarAsync<long>("select count(*) from frames_1m");
        retention.MaxDatabaseGB = (size - oldest / 2) / 1e9;

        // Act
        var dropped = await maintenance.EnforceSizeBoundAsync(dataSource, TestTimeout.Token());

        // Assert
        var raw = await PartitionMaintenance.ListPartitionsAsync(conn, "frames_raw", TestTimeout.Token());
        Assert.Equal(1, dropped);
        Assert.DoesNotContain("frames_raw_p20300306", raw);
        Assert.Contains("frames_raw_p20300307", raw);
        Assert.Equal(60, await conn.ExecuteScalarAsync<long>("select count(*) from frames_raw where at >= '2030-03-07' and at < '2030-03-08' and kind = 1"));
        Assert.True(minutesBefore > 0, "no minute was rolled");
        Assert.Equal(minutesBefore, await conn.ExecuteScalarAsync<long>("select count(*) from frames_1m"));
        Assert.True(await PartitionMaintenance.DatabaseBytesAsync(conn, TestTimeout.Token()) <= retention.MaxDatabaseGB * 1e9);
    }

    [Fact]
    public async Task AnalyzeRaw_PartitionThatGrew_AnalyzedOnceUntilItGrowsAgain()
    {
        // Arrange: pushes in one raw partition, their count reported to the statistics before the pass looks.
        await using var dataSource = await MigratedDatabaseAsync();
        var maintenance = Create(new FakeTimeProvider(s_day0), new RetentionOptions());
        await maintenance.RunAsync(dataSource, TestTimeout.Token());
        var storage = new FrameStorage(dataSource);
        for (var push = 0; push < 200; push++)
        {
            await storage.CommitAsync(TestBatches.Nsx("analyze-esxi", s_day0.AddSeconds(-5 * push), "nic-1", (ulong)push), "nsx");
        }

        await using var conn = await dataSource.OpenConnectionAsync();
        await conn.ExecuteAsync("select pg_stat_force_next_flush()");
        await conn.ExecuteAsync("select 1");
        await WaitUntilAsync(conn, "select n_mod_since_analyze >= 200 from pg_stat_user_tables where relname = 'frames_raw_p20300310'");

        // Act
        var first = await maintenance.AnalyzeRawAsync(dataSource, TestTimeout.Token());
        await WaitUntilAsync(conn, "select n_mod_since_analyze = 0 from pg_stat_user_tables where relname = 'frames_raw_p20300310'");
        var second = await maintenance.AnalyzeRawAsync(dataSource, TestTimeout.Token());

        // Assert
        Assert.Contains("frames_raw_p20300310", first);
        Assert.DoesNotContain("frames_raw_p20300310", second);
        Assert.Equal(200, await conn.ExecuteScalarAsync<double>("select reltuples from pg_class where relname = 'frames_raw_p20300310'"));
    }

    private async Task<NpgsqlDataSource> MigratedDatabaseAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync(TestTimeout.Token()));
        await MigrationRunner.FromEmbeddedResources(dataSource, NullLogger.Instance).ApplyAsync(TestTimeout.Token());
        return dataSource;
    }

    /// <summary>Statistics reach the shared counters a moment after the statement that changed them.</summary>
    private static Task WaitUntilAsync(NpgsqlConnection conn, string condition) =>
        Poll.UntilAsync(condition, async () => await conn.ExecuteScalarAsync<bool?>(condition) == true);

    private static PartitionMaintenance Create(TimeProvider clock, RetentionOptions retention) =>
        new(new StaticOptionsMonitor<DashboardOptions>(new DashboardOptions { Retention = retention }), clock, NullLogger<PartitionMaintenance>.Instance);
}
