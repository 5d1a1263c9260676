using System.Globalization;
using Dapper;
using Dashboard.Server.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>
/// Creates partitions ahead of time and drops whole partitions past each tier's retention (raw frames by the hour, rollups by
/// the day), then, past <see cref="RetentionOptions.MaxDatabaseGB"/>, the oldest partition of the finest tier that still
/// has one older than the current one, until the database fits. Raw partitions are insert-only and dropped whole, so
/// autovacuum is off on them: its insert-triggered passes over the day's growing partition competed with ingest for the
/// cores and the disk. Their planner statistics are kept by <see cref="AnalyzeRawAsync"/> instead, and PostgreSQL still
/// vacuums any table that nears transaction-id wraparound, whatever this setting says.
/// </summary>
public sealed class PartitionMaintenance(IOptionsMonitor<DashboardOptions> options, TimeProvider clock, ILogger<PartitionMaintenance> logger)
{
    /// <summary>How long each tier keeps data.</summary>
    public static TimeSpan Keep(RetentionOptions retention, int tier) => tier switch
    {
        0 => TimeSpan.FromHours(retention.RawHours),
        1 => TimeSpan.FromDays(retention.MinuteDays),
        _ => TimeSpan.FromDays(retention.HourDays),
    };

    public async Task<PartitionChanges> RunAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var retention = options.CurrentValue.Retention;
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var created = 0;
        var dropped = 0;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        foreach (var table in PartitionedTables.All)
        {
            var existing = (await ListPartitionsAsync(conn, table.Name, ct)).ToHashSet(StringComparer.Ordinal);
            var keepFrom = now - Keep(retention, table.Tier);
            if (!PartitionedTables.Legacy.Contains(table))
            {
                var first = table.Start(DateOnly.FromDateTime(keepFrom.UtcDateTime));
                for (var start = first; start <= today.AddDays(retention.PartitionsAhead); start = table.Next(start))
                {
                    var name = table.PartitionName(start);
                    if (!existing.Contains(name))
                    {
                        await CreatePartitionAsync(conn, table, name, start, ct);
                        created++;
                    }
                }

                if (table.InsertOnly)
                {
                    await TurnOffAutovacuumAsync(conn, table.Name, ct);
                }
            }

            foreach (var name in existing)
            {
                // A partition goes once all of it is older than the tier keeps: no row-by-row DELETE, no vacuum debt.
                if (TryParseStart(table, name, out var start) && End(table, start) <= keepFrom)
                {
                    await DropAsync(conn, name, ct);
                    dropped++;
                }
            }
        }

        dropped += await EnforceSizeBoundAsync(conn, retention, today, ct);

        // The idempotency journal vouches for raw samples only as long as they are kept; a replay older than that has nothing to double.
        const string journal = "delete from ingest_batches where collected_at < @oldest";
        var forgotten = await conn.ExecuteAsync(new CommandDefinition(
            journal, new { oldest = (now - Keep(retention, 0)).UtcDateTime }, commandTimeout: 600, cancellationToken: ct));

        if (created + dropped + forgotten > 0)
        {
            logger.LogInformation("Partitions: {Created} created, {Dropped} dropped past retention; {Forgotten} journal entries past retention removed", created, dropped, forgotten);
        }

        return new PartitionChanges(created, dropped);
    }

    /// <summary>
    /// Past the size bound, drops the oldest partition of the finest tier that has one older than its current partition, and
    /// again until the database fits or only current partitions are left (then it says so: the bound is too small for a day).
    /// </summary>
    public async Task<int> EnforceSizeBoundAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await EnforceSizeBoundAsync(conn, options.CurrentValue.Retention, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ct);
    }

    private async Task<int> EnforceSizeBoundAsync(NpgsqlConnection conn, RetentionOptions retention, DateOnly today, CancellationToken ct)
    {
        if (retention.MaxDatabaseGB <= 0)
        {
            return 0;
        }

        var bound = (long)(retention.MaxDatabaseGB * 1e9);
        var dropped = 0;
        while (await DatabaseBytesAsync(conn, ct) is var size && size > bound)
        {
            var victim = await OldestDroppableAsync(conn, today, ct);
            if (victim is null)
            {
                logger.LogWarning("Database is {Size:N0} bytes, above Dashboard:Retention:MaxDatabaseGB ({Bound:N0}), and only current partitions are left",
                    size, bound);
                break;
            }

            logger.LogWarning("Database is {Size:N0} bytes, above Dashboard:Retention:MaxDatabaseGB ({Bound:N0}): dropping {Partition}, the oldest of its tier",
                size, bound, victim);
            await DropAsync(conn, victim, ct);
            dropped++;
        }

        return dropped;
    }

    private static async Task<string?> OldestDroppableAsync(NpgsqlConnection conn, DateOnly today, CancellationToken ct)
    {
        foreach (var tier in PartitionedTables.All.GroupBy(t => t.Tier).OrderBy(g => g.Key))
        {
            var candidates = new List<(DateOnly Start, string Name)>();
            foreach (var table in tier)
            {
                foreach (var name in await ListPartitionsAsync(conn, table.Name, ct))
                {
                    if (TryParseStart(table, name, out var start) && End(table, start) <= today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)
                        && await HasRowsAsync(conn, name, ct))
                    {
                        candidates.Add((start, name));
                    }
                }
            }

            if (candidates.Count > 0)
            {
                return candidates.MinBy(c => c.Start).Name;
            }
        }

        return null;
    }

    public static async Task<long> DatabaseBytesAsync(NpgsqlConnection conn, CancellationToken ct) =>
        await conn.ExecuteScalarAsync<long>(new CommandDefinition("select pg_database_size(current_database())", cancellationToken: ct));

    // Names come from the catalog's list of our own partitions, never from input.
    private static async Task<bool> HasRowsAsync(NpgsqlConnection conn, string partition, CancellationToken ct) =>
        await conn.ExecuteScalarAsync<bool>(new CommandDefinition($"select exists (select 1 from {partition})", cancellationToken: ct));

    private static Task DropAsync(NpgsqlConnection conn, string partition, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition($"drop table if exists {partition}", cancellationToken: ct));

    private static DateTimeOffset End(PartitionedTable table, DateOnly start) =>
        new(table.Next(start).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));

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
        var names = (await conn.QueryAsync<string>(new CommandDefinition(due, new { tables = PartitionedTables.Current.Where(t => t.InsertOnly).Select(t => t.Name).ToArray() }, cancellationToken: ct))).AsList();
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

    private static async Task CreatePartitionAsync(NpgsqlConnection conn, PartitionedTable table, string name, DateOnly start, CancellationToken ct)
    {
        var from = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = table.Next(start).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // Identifiers come from code-owned table names and a formatted date, never from input.
        var sql = $"create table if not exists {name} partition of {table.Name} for values from ('{from} 00:00:00+00') to ('{to} 00:00:00+00')"
            + (table.InsertOnly ? $" with ({NoAutovacuum})" : "");
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

    private static bool TryParseStart(PartitionedTable table, string partition, out DateOnly start)
    {
        start = default;
        var prefix = table.Prefix + "_p";
        var format = table.Span == PartitionSpan.Day ? "yyyyMMdd" : "yyyyMM";
        return partition.StartsWith(prefix, StringComparison.Ordinal)
            && DateOnly.TryParseExact(partition[prefix.Length..], format, CultureInfo.InvariantCulture, DateTimeStyles.None, out start);
    }
}

public sealed record PartitionChanges(int Created, int Dropped);
