using Dapper;
using Dashboard.Core.Iptables;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Storage;

/// <summary>iptables counters: rules resolved to stable ids by identity (re-rendered text keeps its id), samples through COPY.</summary>
public sealed class IptablesSampleWriter(DimensionIdCache ids)
{
    /// <summary>What identifies and describes a rule, or a built-in chain's policy (identity "policy:TABLE:CHAIN"), without its counters.</summary>
    public sealed record RuleText(string Namespace, string Table, string Chain, string Identity, int Position, string? Target,
        string? Comment, string Spec, string? DropKind, string? NeutronPort, string? NeutronDirection);

    /// <summary>One counter row: a rule or policy and its counters in this dump.</summary>
    public sealed record FlatRule(RuleText Text, ulong Packets, ulong Bytes);

    public static List<FlatRule> Flatten(IEnumerable<IptablesDump> dumps)
    {
        var result = new List<FlatRule>();
        foreach (var dump in dumps)
        {
            var ns = dump.Namespace ?? "";
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var table in dump.Tables)
            {
                foreach (var chain in table.Chains)
                {
                    if (chain.Policy is { Length: > 0 } policy && policy != "-")
                    {
                        result.Add(new FlatRule(new RuleText(ns, table.Name, chain.Name, $"policy:{table.Name}:{chain.Name}", 0, policy, null, "",
                            null, chain.Neutron?.Port, chain.Neutron?.Direction), chain.Packets, chain.Bytes));
                    }

                    foreach (var rule in chain.Rules)
                    {
                        var identity = rule.Identity is { Length: > 0 } id ? id : $"{table.Name}:{chain.Name}:{rule.Index}";
                        // iptables allows identical rules in one chain; the n-th copy gets its own identity.
                        var occurrence = seen[identity] = seen.GetValueOrDefault(identity) + 1;
                        if (occurrence > 1)
                        {
                            identity = $"{identity}#{occurrence}";
                        }

                        result.Add(new FlatRule(new RuleText(ns, table.Name, chain.Name, identity, rule.Index, rule.Target, rule.Comment, rule.Spec,
                            rule.DropKind, rule.Neutron?.Port, rule.Neutron?.Direction), rule.Packets, rule.Bytes));
                    }
                }
            }
        }

        return result;
    }

    /// <param name="rules">The dumps' rules as <see cref="Flatten"/> gives them.</param>
    /// <returns>The stored id of each rule, in the order of <paramref name="rules"/>.</returns>
    public async Task<long[]> WriteAsync(NpgsqlConnection conn, string host, DateTimeOffset collectedAt, IReadOnlyList<IptablesDump>? dumps,
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

        const string copy = "copy iptables_rule_samples (collected_at, rule_id, packets, bytes) from stdin (format binary)";
        await using (var importer = await conn.BeginBinaryImportAsync(copy, ct))
        {
            for (var i = 0; i < rules.Count; i++)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(collectedAt, NpgsqlDbType.TimestampTz, ct);
                await importer.WriteAsync(ruleIds[i], NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(DbValues.Saturate(rules[i].Packets), NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(DbValues.Saturate(rules[i].Bytes), NpgsqlDbType.Bigint, ct);
            }

            await importer.CompleteAsync(ct);
        }

        await WritePortsAsync(conn, host, collectedAt, dumps, resolvedIds, ct);
        return ruleIds;
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

    public static int CountRows(IReadOnlyList<IptablesDump>? dumps) =>
        dumps?.Sum(d => d.Tables.Sum(t => t.Chains.Sum(c => c.Rules.Count + (c.Policy is { Length: > 0 } p && p != "-" ? 1 : 0)))) ?? 0;

    private static DimensionKey Key(string host, FlatRule rule) => new("ipt", host, rule.Text.Namespace, rule.Text.Identity);
}
