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

    private static PartitionMaintenance Create(TimeProvider clock, int rawDays, int rollupDays, int ahead)
    {
        var options = new DashboardOptions { Retention = new RetentionOptions { RawDays = rawDays, RollupDays = rollupDays, PartitionsAhead = ahead } };
        return new PartitionMaintenance(new StaticOptionsMonitor<DashboardOptions>(options), clock, NullLogger<PartitionMaintenance>.Instance);
    }
}
