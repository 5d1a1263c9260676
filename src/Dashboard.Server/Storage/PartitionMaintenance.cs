using System.Globalization;
using Dapper;
using Dashboard.Server.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>
/// Creates daily partitions ahead of time and drops whole partitions past retention. Raw partitions are insert-only and
/// dropped whole, so autovacuum is off on them: its insert-triggered passes over the day's growing partition competed
/// with ingest for the cores and the disk. Their planner statistics are kept by <see cref="AnalyzeRawAsync"/> instead,
/// and PostgreSQL still vacuums any table that nears transaction-id wraparound, whatever this setting says.
/// </summary>
public sealed class PartitionMaintenance(IOptionsMonitor<DashboardOptions> options, TimeProvider clock, ILogger<PartitionMaintenance> logger)
{
    public async Task<PartitionChanges> RunAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var retention = options.CurrentValue.Retention;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var created = 0;
        var dropped = 0;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        foreach (var (tables, keepDays, raw) in new[] { (PartitionedTables.Raw, retention.RawDays, true), (PartitionedTables.Rollups, retention.RollupDays, false) })
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
                        await CreatePartitionAsync(conn, table, name, day, raw, ct);
                        created++;
                    }
                }

                if (raw)
                {
                    await TurnOffAutovacuumAsync(conn, table, ct);
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

    /// <summary>
    /// Analyzes the raw partitions that changed by more than autovacuum's own analyze threshold (50 rows plus a tenth of
    /// the table) since their last analyze, on a low-priority connection; returns the partitions analyzed.
    /// </summary>
    public async Task<IReadOnlyList<string>> AnalyzeRawAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        const string due = """
            select c.relname
            from pg_inherits i
            join pg_class c on c.oid = i.inhrelid
            join pg_class p on p.oid = i.inhparent
            join pg_stat_user_tables s on s.relid = c.oid
            where p.relname = any(@tables)
              and s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
            order by c.relname
            """;
        await using var conn = await BackgroundConnection.OpenAsync(dataSource, ct);
        var names = (await conn.QueryAsync<string>(new CommandDefinition(due, new { tables = PartitionedTables.Raw }, cancellationToken: ct))).AsList();
        if (names.Count > 0)
        {
            // Autovacuum's pacing: the sample is most pages' first read since COPY, so it dirties them again (hint bits) all at once.
            const string pace = "set vacuum_cost_delay = '2ms'; set vacuum_cost_limit = 200";
            await conn.ExecuteAsync(new CommandDefinition(pace, cancellationToken: ct));
        }

        foreach (var name in names)
        {
            // The name comes from the catalog's list of our own partitions, never from input.
            await conn.ExecuteAsync(new CommandDefinition($"analyze {name}", commandTimeout: 600, cancellationToken: ct));
        }

        if (names.Count > 0)
        {
            logger.LogDebug("Analyzed {Count} raw partitions: {Names}", names.Count, string.Join(", ", names));
        }

        return names;
    }

    private static async Task CreatePartitionAsync(NpgsqlConnection conn, string table, string name, DateOnly day, bool raw, CancellationToken ct)
    {
        var from = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // Identifiers come from code-owned table names and a formatted date, never from input.
        var sql = $"create table if not exists {name} partition of {table} for values from ('{from} 00:00:00+00') to ('{to} 00:00:00+00')"
            + (raw ? $" with ({NoAutovacuum})" : "");
        await conn.ExecuteAsync(new CommandDefinition(sql, cancellationToken: ct));
    }

    private const string NoAutovacuum = "autovacuum_enabled = false";

    /// <summary>Raw partitions made before autovacuum was turned off on them (by an earlier version) get the setting too.</summary>
    private static async Task TurnOffAutovacuumAsync(NpgsqlConnection conn, string table, CancellationToken ct)
    {
        const string sql = """
            select c.relname
            from pg_inherits i
            join pg_class c on c.oid = i.inhrelid
            join pg_class p on p.oid = i.inhparent
            where p.relname = @table and not (coalesce(c.reloptions, '{}') @> array['autovacuum_enabled=false'])
            """;
        foreach (var name in await conn.QueryAsync<string>(new CommandDefinition(sql, new { table }, cancellationToken: ct)))
        {
            await conn.ExecuteAsync(new CommandDefinition($"alter table {name} set ({NoAutovacuum})", cancellationToken: ct));
        }
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
