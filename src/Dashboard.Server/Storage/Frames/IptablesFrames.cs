using Dapper;
using Dashboard.Core.Iptables;
using Npgsql;
using Dashboard.Server.Ingest;

namespace Dashboard.Server.Storage.Frames;

/// <summary>A hypervisor's push as one frame of rule and chain-policy counters; rules resolved to stable ids by identity (re-rendered text keeps its id).</summary>
public sealed class IptablesFrames(DimensionIdCache ids)
{
    /// <param name="rules">The dumps' rules as <see cref="FlatRule.Flatten"/> gives them.</param>
    public async Task<IReadOnlyList<FrameData>> BuildAsync(NpgsqlConnection conn, string host, DateTimeOffset collectedAt, IReadOnlyList<IptablesDump>? dumps,
        IReadOnlyList<FlatRule> rules, List<KeyValuePair<DimensionKey, long>> resolvedIds, CancellationToken ct)
    {
        if (dumps is not { Count: > 0 })
        {
            return [];
        }

        var ruleIds = new long[rules.Count];
        var missing = new List<int>();
        for (var i = 0; i < rules.Count; i++)
        {
            if (!ids.TryGetFresh(Key(host, rules[i]), out ruleIds[i]))
            {
                missing.Add(i);
            }
        }

        if (missing.Count > 0)
        {
            const string upsert = """
                insert into iptables_rules (host, namespace, table_name, chain, identity, position, target, comment, spec,
                    drop_kind, neutron_port, neutron_direction, first_seen, last_seen)
                select @host, r.ns, r.tbl, r.chain, r.identity, r.position, r.target, r.comment, r.spec, r.kind, r.port, r.dir, @at, @at
                from unnest(@namespaces, @tables, @chains, @identities, @positions, @targets, @comments, @specs, @kinds, @ports, @dirs)
                    as r(ns, tbl, chain, identity, position, target, comment, spec, kind, port, dir)
                on conflict (host, namespace, identity) do update set
                    position = excluded.position, target = excluded.target, comment = excluded.comment, spec = excluded.spec,
                    drop_kind = excluded.drop_kind, last_seen = excluded.last_seen
                returning id, namespace, identity
                """;
            var rows = missing.Select(i => rules[i].Text).ToList();
            var returned = await conn.QueryAsync<(long Id, string Namespace, string Identity)>(new CommandDefinition(upsert, new
            {
                host,
                at = collectedAt,
                namespaces = rows.Select(r => r.Namespace).ToArray(),
                tables = rows.Select(r => r.Table).ToArray(),
                chains = rows.Select(r => r.Chain).ToArray(),
                identities = rows.Select(r => r.Identity).ToArray(),
                positions = rows.Select(r => r.Position).ToArray(),
                targets = rows.Select(r => r.Target).ToArray(),
                comments = rows.Select(r => r.Comment).ToArray(),
                specs = rows.Select(r => r.Spec).ToArray(),
                kinds = rows.Select(r => r.DropKind).ToArray(),
                ports = rows.Select(r => r.NeutronPort).ToArray(),
                dirs = rows.Select(r => r.NeutronDirection).ToArray(),
            }, cancellationToken: ct));
            var byKey = returned.ToDictionary(r => (r.Namespace, r.Identity), r => r.Id);
            foreach (var i in missing)
            {
                var key = Key(host, rules[i]);
                ruleIds[i] = byKey[(key.Namespace, key.Name)];
                resolvedIds.Add(new(key, ruleIds[i]));
            }
        }

        await WritePortsAsync(conn, host, collectedAt, dumps, resolvedIds, ct);
        if (rules.Count == 0)
        {
            return [];
        }

        var packets = new long?[rules.Count];
        var bytes = new long?[rules.Count];
        for (var i = 0; i < rules.Count; i++)
        {
            packets[i] = DbValues.Saturate(rules[i].Packets);
            bytes[i] = DbValues.Saturate(rules[i].Bytes);
        }

        return [new FrameData(FrameKind.IptablesRules, FrameFields.IptablesRules, ruleIds, [packets, bytes])];
    }

    /// <summary>Ports change rarely: an unchanged set (same text as last committed) is not written again, a changed one in one statement.</summary>
    private async Task WritePortsAsync(NpgsqlConnection conn, string host, DateTimeOffset at, IReadOnlyList<IptablesDump> dumps,
        List<KeyValuePair<DimensionKey, long>> resolvedIds, CancellationToken ct)
    {
        foreach (var dump in dumps.Where(d => d.NeutronPorts.Count > 0))
        {
            var ns = dump.Namespace ?? "";
            var pairs = dump.NeutronPorts.Select(p => System.Text.Json.JsonSerializer.Serialize(p.AllowedPairs, Dashboard.Core.Batches.DashboardJsonContext.Default.ListNeutronAllowedPair)).ToArray();
            var fingerprint = StringComparer.Ordinal.GetHashCode(string.Join('\n', dump.NeutronPorts.Select((p, i) => $"{p.Port} {p.Device} {pairs[i]}")));
            var key = new DimensionKey("ports", host, ns, "");
            if (ids.TryGetFresh(key, out var known) && known == fingerprint)
            {
                continue;
            }

            const string upsert = """
                insert into neutron_ports (host, namespace, port, device, allowed_pairs, last_seen)
                select @host, @ns, p.port, p.device, p.pairs::jsonb, @at
                from unnest(@ports, @devices, @pairs) as p(port, device, pairs)
                on conflict (host, namespace, port) do update set
                    device = excluded.device, allowed_pairs = excluded.allowed_pairs, last_seen = excluded.last_seen
                """;
            await conn.ExecuteAsync(new CommandDefinition(upsert, new
            {
                host,
                ns,
                at,
                ports = dump.NeutronPorts.Select(p => p.Port).ToArray(),
                devices = dump.NeutronPorts.Select(p => p.Device).ToArray(),
                pairs,
            }, cancellationToken: ct));
            resolvedIds.Add(new(key, fingerprint));
        }
    }

    private static DimensionKey Key(string host, FlatRule rule) => new("ipt", host, rule.Text.Namespace, rule.Text.Identity);
}
