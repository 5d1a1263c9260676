using System.Globalization;
using Dapper;
using Dashboard.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Storage;

/// <param name="Name">raw, 1m or 1h.</param>
/// <param name="Keeps">How long the tier keeps data by configuration.</param>
/// <param name="BytesPerDay">Growth at the current rate: the newest partition's size over the part of its span that has passed.</param>
/// <param name="DaysHeld">How many days the tier's present size is at that rate.</param>
public sealed record TierStatus(string Name, TimeSpan Keeps, long Bytes, int Partitions, DateTimeOffset? Oldest, double BytesPerDay, double? DaysHeld);

public sealed record StorageStatus(long DatabaseBytes, long? MaxDatabaseBytes, IReadOnlyList<TierStatus> Tiers, long LegacyBytes);

/// <summary>What each tier of stored data takes and holds, for the storage page and <c>GET /api/v1/storage</c>.</summary>
public sealed class StorageStatusReader(DashboardDatabase database, IOptionsMonitor<DashboardOptions> options, TimeProvider clock)
{
    private static readonly string[] s_tierNames = ["raw", "1m", "1h"];

    public async Task<StorageStatus> ReadAsync(CancellationToken ct)
    {
        var retention = options.CurrentValue.Retention;
        var now = clock.GetUtcNow();
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        const string sizes = """
            select c.relname as partition, p.relname as parent, pg_total_relation_size(c.oid) as bytes
            from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
            where p.relname = any(@parents)
            """;
        var parents = PartitionedTables.All.Select(t => t.Name).ToArray();
        var rows = (await conn.QueryAsync<(string Partition, string Parent, long Bytes)>(new CommandDefinition(sizes, new { parents }, cancellationToken: ct))).ToList();
        var tiers = new List<TierStatus>();
        foreach (var tier in PartitionedTables.Current.GroupBy(t => t.Tier).OrderBy(g => g.Key))
        {
            var tables = tier.ToList();
            var partitions = rows.Where(r => tables.Any(t => t.Name == r.Parent) && r.Bytes > 0)
                .Select(r => (r.Bytes, Start: Start(tables.First(t => t.Name == r.Parent), r.Partition)))
                .Where(p => p.Start is not null).ToList();
            var bytes = partitions.Sum(p => p.Bytes);
            var span = tables[0].Span == PartitionSpan.Day ? TimeSpan.FromDays(1) : TimeSpan.FromDays(30);
            // The partitions holding now: their bytes over the part of their span that has passed.
            var current = partitions.Where(p => p.Start <= now && now < p.Start + span).ToList();
            var elapsed = current.Count > 0 ? (now - current.Min(p => p.Start!.Value)).TotalDays : 0;
            var perDay = elapsed > 1.0 / 24 ? current.Sum(p => p.Bytes) / elapsed : 0;
            // Rows go in in time order, so a partition's first row in the heap is about its oldest: no scan of a day's frames.
            DateTimeOffset? oldest = null;
            foreach (var partition in rows.Where(r => tables.Any(t => t.Name == r.Parent)).OrderBy(r => r.Partition.Split("_p")[^1], StringComparer.Ordinal))
            {
                var column = partition.Parent.StartsWith("frames_", StringComparison.Ordinal) ? "at" : "collected_at";
                // Names come from the catalog's list of our own partitions, never from input.
                var first = await conn.ExecuteScalarAsync<DateTime?>(new CommandDefinition($"select {column} from {partition.Partition} limit 1", cancellationToken: ct));
                if (first is { } t)
                {
                    oldest = new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc));
                    break;
                }
            }

            tiers.Add(new TierStatus(s_tierNames[tier.Key], PartitionMaintenance.Keep(retention, tier.Key), bytes, partitions.Count, oldest, perDay,
                perDay > 0 ? bytes / perDay : null));
        }

        var legacy = rows.Where(r => PartitionedTables.Legacy.Any(t => t.Name == r.Parent)).Sum(r => r.Bytes);
        var total = await PartitionMaintenance.DatabaseBytesAsync(conn, ct);
        return new StorageStatus(total, retention.MaxDatabaseGB > 0 ? (long)(retention.MaxDatabaseGB * 1e9) : null, tiers, legacy);
    }

    private static DateTimeOffset? Start(PartitionedTable table, string partition)
    {
        var suffix = partition[(table.Prefix.Length + 2)..];
        var format = table.Span == PartitionSpan.Day ? "yyyyMMdd" : "yyyyMM";
        return DateOnly.TryParseExact(suffix, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc))
            : null;
    }
}
