using Dapper;
using Dashboard.Core.Nsx;
using Npgsql;

namespace Dashboard.Server.Storage.Frames;

/// <summary>An NSX host's push as two frames: each filter's counters by reason, and the section's rule statistics.</summary>
public sealed class NsxFrames(DimensionIdCache ids)
{
    public async Task<IReadOnlyList<FrameData>> BuildAsync(NpgsqlConnection conn, string host, DateTimeOffset collectedAt, NsxFirewallStats? nsx,
        List<KeyValuePair<DimensionKey, long>> resolvedIds, CancellationToken ct)
    {
        if (nsx is null)
        {
            return [];
        }

        var frames = new List<FrameData>(2);
        var counters = new List<(long FilterId, string Reason, ulong Value)>();
        foreach (var filter in nsx.Filters.DistinctBy(f => f.Name))
        {
            var filterId = await FilterIdAsync(conn, host, collectedAt, filter, resolvedIds, ct);
            counters.AddRange(filter.Counters.Select(c => (filterId, c.Key, c.Value)));
        }

        if (counters.Count > 0)
        {
            var series = await CounterIdsAsync(conn, host, counters, resolvedIds, ct);
            var values = counters.Select(c => (long?)DbValues.Saturate(c.Value)).ToArray();
            frames.Add(new FrameData(FrameKind.NsxCounters, FrameFields.NsxCounters, series, [values]));
        }

        var rules = nsx.Rules.DistinctBy(r => r.RuleId).ToList();
        if (rules.Count > 0)
        {
            var series = await RuleIdsAsync(conn, host, rules, resolvedIds, ct);
            long?[][] values =
            [
                [.. rules.Select(r => (long?)DbValues.Saturate(r.Packets))],
                [.. rules.Select(r => (long?)DbValues.Saturate(r.Bytes))],
                [.. rules.Select(r => (long?)DbValues.Saturate(r.Hits))],
                [.. rules.Select(r => (long?)DbValues.Saturate(r.Sessions))],
            ];
            frames.Add(new FrameData(FrameKind.NsxRules, FrameFields.NsxRules, series, values));
        }

        return frames;
    }

    private async Task<long> FilterIdAsync(NpgsqlConnection conn, string host, DateTimeOffset at, NsxFilter filter, List<KeyValuePair<DimensionKey, long>> resolvedIds,
        CancellationToken ct)
    {
        var key = new DimensionKey("nsx", host, "", filter.Name);
        if (ids.TryGetFresh(key, out var id))
        {
            return id;
        }

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
            host, name = filter.Name, worldId = filter.WorldId, vnic = filter.VnicIndex, vm = filter.VmName, mac = filter.Mac, at,
        }, cancellationToken: ct));
        resolvedIds.Add(new(key, id));
        return id;
    }

    private async Task<long[]> CounterIdsAsync(NpgsqlConnection conn, string host, IReadOnlyList<(long FilterId, string Reason, ulong Value)> counters,
        List<KeyValuePair<DimensionKey, long>> resolvedIds, CancellationToken ct)
    {
        var result = new long[counters.Count];
        var missing = new List<int>();
        for (var i = 0; i < counters.Count; i++)
        {
            if (!ids.TryGetFresh(CounterKey(host, counters[i].FilterId, counters[i].Reason), out result[i]))
            {
                missing.Add(i);
            }
        }

        if (missing.Count > 0)
        {
            const string upsert = """
                insert into nsx_filter_counters (filter_id, reason)
                select * from unnest(@filters, @reasons)
                on conflict (filter_id, reason) do update set reason = excluded.reason
                returning id, filter_id, reason
                """;
            var returned = await conn.QueryAsync<(long Id, long FilterId, string Reason)>(new CommandDefinition(upsert, new
            {
                filters = missing.Select(i => counters[i].FilterId).ToArray(),
                reasons = missing.Select(i => counters[i].Reason).ToArray(),
            }, cancellationToken: ct));
            var byKey = returned.ToDictionary(r => (r.FilterId, r.Reason), r => r.Id);
            foreach (var i in missing)
            {
                result[i] = byKey[(counters[i].FilterId, counters[i].Reason)];
                resolvedIds.Add(new(CounterKey(host, counters[i].FilterId, counters[i].Reason), result[i]));
            }
        }

        return result;
    }

    private async Task<long[]> RuleIdsAsync(NpgsqlConnection conn, string host, IReadOnlyList<NsxRuleStats> rules, List<KeyValuePair<DimensionKey, long>> resolvedIds,
        CancellationToken ct)
    {
        var result = new long[rules.Count];
        var missing = new List<int>();
        for (var i = 0; i < rules.Count; i++)
        {
            if (!ids.TryGetFresh(new DimensionKey("nsxr", host, "", rules[i].RuleId), out result[i]))
            {
                missing.Add(i);
            }
        }

        if (missing.Count > 0)
        {
            const string upsert = """
                insert into nsx_rules (host, rule_id) select @host, unnest(@ruleIds)
                on conflict (host, rule_id) do update set rule_id = excluded.rule_id
                returning id, rule_id
                """;
            var returned = await conn.QueryAsync<(long Id, string RuleId)>(new CommandDefinition(upsert, new
            {
                host, ruleIds = missing.Select(i => rules[i].RuleId).ToArray(),
            }, cancellationToken: ct));
            var byKey = returned.ToDictionary(r => r.RuleId, r => r.Id, StringComparer.Ordinal);
            foreach (var i in missing)
            {
                result[i] = byKey[rules[i].RuleId];
                resolvedIds.Add(new(new DimensionKey("nsxr", host, "", rules[i].RuleId), result[i]));
            }
        }

        return result;
    }

    private static DimensionKey CounterKey(string host, long filterId, string reason) =>
        new("nsxc", host, filterId.ToString(System.Globalization.CultureInfo.InvariantCulture), reason);
}
