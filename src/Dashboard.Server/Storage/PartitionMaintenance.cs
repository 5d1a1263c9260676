using System.Globalization;
using Dapper;
using Dashboard.Server.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>Creates daily partitions ahead of time and drops whole partitions past retention.</summary>
public sealed class PartitionMaintenance(IOptionsMonitor<DashboardOptions> options, TimeProvider clock, ILogger<PartitionMaintenance> logger)
{
    public async Task<PartitionChanges> RunAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var retention = options.CurrentValue.Retention;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var created = 0;
        var dropped = 0;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        foreach (var (tables, keepDays) in new[] { (PartitionedTables.Raw, retention.RawDays), (PartitionedTables.Rollups, retention.RollupDays) })
        {
            foreach (var table in tables)
            {
                var existing = (await ListPartitionsAsync(conn, table, ct)).ToHashSet(StringComparer.Ordinal);
                var oldestKept = today.AddDays(-keepDays);
                for (var day = oldestKept; day <= today.AddDays(retention.PartitionsAhead); day = day.AddDays(1))
                {
                    var name = PartitionedTables.PartitionName(table, day);
                    if (!existing.Contains(name))
                    {
                        await CreatePartitionAsync(conn, table, name, day, ct);
                        created++;
                    }
                }

                foreach (var name in existing)
                {
                    if (TryParseDay(table, name, out var day) && day < oldestKept)
                    {
                        // Retention drops whole partitions: no row-by-row DELETE, no vacuum debt.
                        await conn.ExecuteAsync(new CommandDefinition($"drop table if exists {name}", cancellationToken: ct));
                        dropped++;
                    }
                }
            }
        }

        // The idempotency journal vouches for raw samples only as long as they are kept; a replay older than that has nothing to double.
        const string journal = "delete from ingest_batches where collected_at < @oldest";
        var forgotten = await conn.ExecuteAsync(new CommandDefinition(
            journal, new { oldest = today.AddDays(-retention.RawDays).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) }, commandTimeout: 600, cancellationToken: ct));

        if (created + dropped + forgotten > 0)
        {
            logger.LogInformation("Partitions: {Created} created, {Dropped} dropped past retention; {Forgotten} journal entries past retention removed", created, dropped, forgotten);
        }

        return new PartitionChanges(created, dropped);
    }

    public static async Task<IReadOnlyList<string>> ListPartitionsAsync(NpgsqlConnection conn, string parent, CancellationToken ct)
    {
        const string sql = """
            select c.relname
            from pg_inherits i
            join pg_class c on c.oid = i.inhrelid
            join pg_class p on p.oid = i.inhparent
            where p.relname = @parent
            order by c.relname
            """;
        return (await conn.QueryAsync<string>(new CommandDefinition(sql, new { parent }, cancellationToken: ct))).AsList();
    }

    private static async Task CreatePartitionAsync(NpgsqlConnection conn, string table, string name, DateOnly day, CancellationToken ct)
    {
        var from = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // Identifiers come from code-owned table names and a formatted date, never from input.
        var sql = $"create table if not exists {name} partition of {table} for values from ('{from} 00:00:00+00') to ('{to} 00:00:00+00')";
        await conn.ExecuteAsync(new CommandDefinition(sql, cancellationToken: ct));
    }

    private static bool TryParseDay(string table, string partition, out DateOnly day)
    {
        day = default;
        var prefix = table + "_p";
        return partition.StartsWith(prefix, StringComparison.Ordinal)
            && DateOnly.TryParseExact(partition[prefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }
}

public sealed record PartitionChanges(int Created, int Dropped);
