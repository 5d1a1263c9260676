using Dapper;
using Dashboard.Server.Hosting;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Server.Tests.Storage;

public sealed class PartitionMaintenanceTests(MigratedDatabaseFixture database) : IClassFixture<MigratedDatabaseFixture>
{
    private static readonly DateTimeOffset s_day0 = new(2030, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Run_FreshDatabase_CreatesDailyPartitionsFromRetentionToAhead()
    {
        // Arrange
        var clock = new ManualClock(s_day0);
        var maintenance = Create(clock, rawDays: 14, rollupDays: 90, ahead: 3);

        // Act
        await maintenance.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        await using var conn = await database.DataSource.OpenConnectionAsync();
        var raw = await PartitionMaintenance.ListPartitionsAsync(conn, "ipvs_rs_samples", TestTimeout.Token());
        Assert.Contains("ipvs_rs_samples_p20300224", raw);
        Assert.Contains("ipvs_rs_samples_p20300313", raw);
        Assert.DoesNotContain("ipvs_rs_samples_p20300314", raw);
        var rollups = await PartitionMaintenance.ListPartitionsAsync(conn, "ipvs_rs_rollup_1m", TestTimeout.Token());
        Assert.Contains("ipvs_rs_rollup_1m_p20291210", rollups);
    }

    [Theory]
    [InlineData("iptables_rule_samples_p20300313", "collected_at, rule_id", 2)]
    [InlineData("nsx_filter_samples_p20300313", "collected_at, filter_id", 2)]
    [InlineData("iptables_rule_rollup_1m_p20300313", "bucket, rule_id", 1)]
    [InlineData("nsx_filter_rollup_1m_p20300313", "bucket, filter_id, reason", 1)]
    public async Task Run_FreshDatabase_RuleAndFilterPartitionsAreIndexedByTimeFirst(string partition, string key, int indexes)
    {
        // Arrange
        var maintenance = Create(new ManualClock(s_day0), rawDays: 14, rollupDays: 90, ahead: 3);

        // Act
        await maintenance.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert: a fleet's 100,000+ rules per push or per minute then go in side by side at the index's end, not one place per rule.
        await using var conn = await database.DataSource.OpenConnectionAsync();
        var definitions = (await conn.QueryAsync<string>("select indexdef from pg_indexes where tablename = @partition", new { partition })).ToList();
        Assert.Equal(indexes, definitions.Count);
        var btree = Assert.Single(definitions, d => d.Contains("USING btree", StringComparison.Ordinal));
        Assert.EndsWith($"USING btree ({key})", btree);
    }

    [Fact]
    public async Task Run_DaysLater_DropsWholePartitionsPastRetentionWithTheirRows()
    {
        // Arrange
        var clock = new ManualClock(s_day0);
        var maintenance = Create(clock, rawDays: 14, rollupDays: 90, ahead: 3);
        await maintenance.RunAsync(database.DataSource, TestTimeout.Token());
        await using var conn = await database.DataSource.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            insert into iptables_rule_samples (collected_at, rule_id, packets, bytes)
            values ('2030-02-25T10:00:00Z', 1, 1, 1), ('2030-03-10T10:00:00Z', 1, 2, 2)
            """);
        await conn.ExecuteAsync("""
            insert into ingest_batches (host, source, sequence, collected_at, token_name, row_count)
            values ('retention-host', 'agent', 1, '2030-02-25T10:00:00Z', 't', 1), ('retention-host', 'agent', 2, '2030-03-10T10:00:00Z', 't', 1)
            """);

        // Act: ten days on, samples of 2030-02-25 are past the 14-day raw retention.
        clock.Advance(TimeSpan.FromDays(10));
        var changes = await maintenance.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        var partitions = await PartitionMaintenance.ListPartitionsAsync(conn, "iptables_rule_samples", TestTimeout.Token());
        Assert.DoesNotContain("iptables_rule_samples_p20300225", partitions);
        Assert.Contains("iptables_rule_samples_p20300306", partitions);
        Assert.Contains("iptables_rule_samples_p20300323", partitions);
        Assert.True(changes.Dropped >= 10 * PartitionedTables.Raw.Length, $"dropped {changes.Dropped}");
        Assert.Equal(1, await conn.ExecuteScalarAsync<long>("select count(*) from iptables_rule_samples where rule_id = 1"));
        Assert.Equal([2L], await conn.QueryAsync<long>("select sequence from ingest_batches where host = 'retention-host'"));
    }

    [Fact]
    public async Task Run_RawPartitionsIncludingOlderOnes_HaveAutovacuumOffWhileRollupPartitionsKeepIt()
    {
        // Arrange: today's raw partition exists already, made the way earlier versions made it.
        var clock = new ManualClock(s_day0.AddDays(40));
        await using var conn = await database.DataSource.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            create table if not exists iptables_rule_samples_p20300419 partition of iptables_rule_samples
            for values from ('2030-04-19 00:00:00+00') to ('2030-04-20 00:00:00+00')
            """);
        var maintenance = Create(clock, rawDays: 14, rollupDays: 90, ahead: 3);

        // Act
        await maintenance.RunAsync(database.DataSource, TestTimeout.Token());

        // Assert
        const string options = "select coalesce(array_to_string(reloptions, ','), '') from pg_class where relname = @name";
        Assert.Equal("autovacuum_enabled=false", await conn.ExecuteScalarAsync<string>(options, new { name = "iptables_rule_samples_p20300419" }));
        Assert.Equal("autovacuum_enabled=false", await conn.ExecuteScalarAsync<string>(options, new { name = "ipvs_rs_samples_p20300422" }));
        Assert.Equal("", await conn.ExecuteScalarAsync<string>(options, new { name = "ipvs_rs_rollup_1m_p20300419" }));
    }

    [Fact]
    public async Task AnalyzeRaw_PartitionThatGrew_AnalyzedOnceUntilItGrowsAgain()
    {
        // Arrange: rows in one raw partition, their count reported to the statistics before the pass looks.
        var clock = new ManualClock(s_day0.AddDays(80));
        var maintenance = Create(clock, rawDays: 14, rollupDays: 90, ahead: 3);
        await maintenance.RunAsync(database.DataSource, TestTimeout.Token());
        await using var conn = await database.DataSource.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            insert into nsx_filter_samples (collected_at, filter_id, reason, value)
            select '2030-05-29T10:00:00Z'::timestamptz + n * interval '1 second', n % 7, 'drop', n from generate_series(1, 5000) n
            """);
        await conn.ExecuteAsync("select pg_stat_force_next_flush()");
        await conn.ExecuteAsync("select 1");
        await WaitUntilAsync(conn, "select n_mod_since_analyze >= 5000 from pg_stat_user_tables where relname = 'nsx_filter_samples_p20300529'");

        // Act
        var first = await maintenance.AnalyzeRawAsync(database.DataSource, TestTimeout.Token());
        await WaitUntilAsync(conn, "select n_mod_since_analyze = 0 from pg_stat_user_tables where relname = 'nsx_filter_samples_p20300529'");
        var second = await maintenance.AnalyzeRawAsync(database.DataSource, TestTimeout.Token());

        // Assert
        Assert.Contains("nsx_filter_samples_p20300529", first);
        Assert.DoesNotContain("nsx_filter_samples_p20300529", second);
        Assert.Equal(5000, await conn.ExecuteScalarAsync<double>("select reltuples from pg_class where relname = 'nsx_filter_samples_p20300529'"));
    }

    /// <summary>Statistics reach the shared counters a moment after the statement that changed them.</summary>
    private static async Task WaitUntilAsync(Npgsql.NpgsqlConnection conn, string condition)
    {
        var ct = TestTimeout.Token();
        while (await conn.ExecuteScalarAsync<bool?>(condition) != true)
        {
            await Task.Delay(100, ct);
        }
    }

    private static PartitionMaintenance Create(TimeProvider clock, int rawDays, int rollupDays, int ahead)
    {
        var options = new DashboardOptions { Retention = new RetentionOptions { RawDays = rawDays, RollupDays = rollupDays, PartitionsAhead = ahead } };
        return new PartitionMaintenance(new StaticOptionsMonitor<DashboardOptions>(options), clock, NullLogger<PartitionMaintenance>.Instance);
    }
}
