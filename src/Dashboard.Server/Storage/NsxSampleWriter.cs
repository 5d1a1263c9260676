using Dapper;
using Dashboard.Core.Nsx;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Storage;

/// <summary>NSX DFW counters: filters resolved to ids, one sample row per (filter, reason); rule stats as they come.</summary>
public sealed class NsxSampleWriter(DimensionIdCache ids)
{
    public static int CountRows(NsxFirewallStats? nsx) => nsx is null ? 0 : nsx.Filters.Sum(f => f.Counters.Count) + nsx.Rules.Count;

    /// <returns>The stored id of each filter by name.</returns>
    public async Task<Dictionary<string, long>> WriteAsync(NpgsqlConnection conn, string host, DateTimeOffset collectedAt, NsxFirewallStats? nsx,
        List<KeyValuePair<DimensionKey, long>> resolvedIds, CancellationToken ct)
    {
        var filterIds = new Dictionary<string, long>(StringComparer.Ordinal);
        if (nsx is null)
        {
            return filterIds;
        }

        foreach (var filter in nsx.Filters.DistinctBy(f => f.Name))
        {
            var key = new DimensionKey("nsx", host, "", filter.Name);
            if (!ids.TryGetFresh(key, out var id))
            {
                const string upsert = """
                    insert into nsx_filters (host, name, world_id, vnic_index, vm_name, mac, first_seen, last_seen)
                    values (@host, @name, @worldId, @vnic, @vm, @mac, @at, @at)
                    on conflict (host, name) do update set
                        world_id = coalesce(excluded.world_id, nsx_filters.world_id),
                        vnic_index = coalesce(excluded.vnic_index, nsx_filters.vnic_index),
                        vm_name = coalesce(excluded.vm_name, nsx_filters.vm_name),
                        mac = coalesce(excluded.mac, nsx_filters.mac),
                        last_seen = excluded.last_seen
                    returning id
                    """;
                id = await conn.ExecuteScalarAsync<long>(new CommandDefinition(upsert, new
                {
                    host, name = filter.Name, worldId = filter.WorldId, vnic = filter.VnicIndex, vm = filter.VmName, mac = filter.Mac, at = collectedAt,
                }, cancellationToken: ct));
                resolvedIds.Add(new(key, id));
            }

            filterIds[filter.Name] = id;
        }

        if (filterIds.Count > 0)
        {
            const string copy = "copy nsx_filter_samples (collected_at, filter_id, reason, value) from stdin (format binary)";
            await using var importer = await conn.BeginBinaryImportAsync(copy, ct);
            foreach (var filter in nsx.Filters.DistinctBy(f => f.Name))
            {
                foreach (var (reason, value) in filter.Counters)
                {
                    await importer.StartRowAsync(ct);
                    await importer.WriteAsync(collectedAt, NpgsqlDbType.TimestampTz, ct);
                    await importer.WriteAsync(filterIds[filter.Name], NpgsqlDbType.Bigint, ct);
                    await importer.WriteAsync(reason, NpgsqlDbType.Text, ct);
                    await importer.WriteAsync(DbValues.Saturate(value), NpgsqlDbType.Bigint, ct);
                }
            }

            await importer.CompleteAsync(ct);
        }

        if (nsx.Rules.Count > 0)
        {
            const string copy = "copy nsx_rule_samples (collected_at, host, rule_id, packets, bytes, hits, sessions) from stdin (format binary)";
            await using var importer = await conn.BeginBinaryImportAsync(copy, ct);
            foreach (var rule in nsx.Rules)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(collectedAt, NpgsqlDbType.TimestampTz, ct);
                await importer.WriteAsync(host, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(rule.RuleId, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(DbValues.Saturate(rule.Packets), NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(DbValues.Saturate(rule.Bytes), NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(DbValues.Saturate(rule.Hits), NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(DbValues.Saturate(rule.Sessions), NpgsqlDbType.Bigint, ct);
            }

            await importer.CompleteAsync(ct);
        }

        return filterIds;
    }
}
