using System.Text.Json;
using Dapper;
using Dashboard.Core.Batches;
using Dashboard.Core.Iptables;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Keepalived;
using Dashboard.Core.Nsx;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>
/// Rebuilds what a host reported at one moment from the stored samples: another server instance catches up from it, and
/// a restarted server shows the last known state at once instead of an empty page.
/// </summary>
public sealed class StoredBatchReader(DashboardDatabase database)
{
    public async Task<AgentBatch> ReadAsync(string host, DateTimeOffset collectedAt, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var batch = new AgentBatch { Host = host, CollectedAt = collectedAt };
        batch.Ipvs = await ReadIpvsAsync(conn, host, collectedAt, ct);
        var dump = await ReadIptablesAsync(conn, host, collectedAt, ct);
        batch.Iptables = dump is null ? null : [dump];
        batch.Nsx = await ReadNsxAsync(conn, host, collectedAt, ct);
        batch.Keepalived = await ReadKeepalivedAsync(conn, host, ct);
        return batch;
    }

    /// <summary>The last two collection times of a host within the window (two, so that rates can be shown at once).</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> LatestTimesAsync(string host, TimeSpan window, CancellationToken ct)
    {
        const string sql = """
            select distinct collected_at from ingest_batches
            where host = @host and collected_at > now() - @window
            order by collected_at desc
            limit 2
            """;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var times = await conn.QueryAsync<DateTime>(new CommandDefinition(sql, new { host, window }, cancellationToken: ct));
        return times.Select(t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc))).Reverse().ToList();
    }

    private static async Task<IpvsSnapshot?> ReadIpvsAsync(NpgsqlConnection conn, string host, DateTimeOffset at, CancellationToken ct)
    {
        const string sql = """
            select protocol, virtual, destination, forward, weight, active_conn, inact_conn, templates, by_state::text as by_state
            from ipvs_rs_samples where director = @host and collected_at = @at
            """;
        var rows = (await conn.QueryAsync<(string Protocol, string Virtual, string Destination, string? Forward, int? Weight, long? Active, long? Inactive, long Templates, string ByState)>(
            new CommandDefinition(sql, new { host, at }, cancellationToken: ct))).ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        const string services = """
            select protocol, virtual, scheduler, persistent, conns from ipvs_service_samples where director = @host and collected_at = @at
            """;
        var serviceRows = (await conn.QueryAsync<(string Protocol, string Virtual, string? Scheduler, long? Persistent, long? Conns)>(
            new CommandDefinition(services, new { host, at }, cancellationToken: ct))).ToDictionary(s => (s.Protocol, s.Virtual));
        const string sources = "select protocol, virtual, client, connections from ipvs_synrecv_sources where director = @host and collected_at = @at";
        var sourceRows = await conn.QueryAsync<(string Protocol, string Virtual, string Client, long Connections)>(new CommandDefinition(sources, new { host, at }, cancellationToken: ct));

        var table = new IpvsServiceTable();
        var summary = new IpvsConnectionSummary();
        foreach (var group in rows.GroupBy(r => (r.Protocol, r.Virtual)))
        {
            serviceRows.TryGetValue(group.Key, out var s);
            var service = new IpvsService
            {
                Protocol = group.Key.Protocol,
                Virtual = group.Key.Virtual,
                Scheduler = s.Scheduler,
                PersistentSeconds = s.Persistent,
                Stats = s.Conns is { } conns ? new IpvsTrafficCounters { Connections = (ulong)conns } : null,
            };
            foreach (var r in group)
            {
                service.Destinations.Add(new IpvsDestination { Address = r.Destination, Forward = r.Forward, Weight = r.Weight, ActiveConn = r.Active, InActConn = r.Inactive });
                var states = new IpvsDestinationStates { Protocol = r.Protocol, Virtual = r.Virtual, Destination = r.Destination, Templates = r.Templates };
                foreach (var (state, count) in JsonSerializer.Deserialize<Dictionary<string, long>>(r.ByState) ?? [])
                {
                    states.ByState[state] = count;
                    summary.ByState.Increase(state, count);
                    summary.Connections += count;
                }

                summary.Templates += r.Templates;
                summary.Destinations.Add(states);
            }

            table.Services.Add(service);
        }

        summary.TopSynRecvSources.AddRange(sourceRows.Select(r => new IpvsSynRecvSource { Protocol = r.Protocol, Virtual = r.Virtual, Client = r.Client, Connections = r.Connections }));
        return new IpvsSnapshot { Services = table, Connections = summary };
    }

    private static async Task<IptablesDump?> ReadIptablesAsync(NpgsqlConnection conn, string host, DateTimeOffset at, CancellationToken ct)
    {
        const string sql = """
            select r.namespace, r.table_name, r.chain, r.identity, r.position, r.target, r.comment, r.spec, r.drop_kind,
                   r.neutron_port, r.neutron_direction, s.packets, s.bytes
            from iptables_rule_samples s join iptables_rules r on r.id = s.rule_id
            where r.host = @host and s.collected_at = @at
            order by r.namespace, r.table_name, r.chain, r.position
            """;
        var rows = (await conn.QueryAsync<(string Namespace, string Table, string Chain, string Identity, int Position, string? Target, string? Comment,
            string Spec, string? DropKind, string? Port, string? Direction, long Packets, long Bytes)>(new CommandDefinition(sql, new { host, at }, cancellationToken: ct))).ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        var dump = new IptablesDump { Namespace = rows[0].Namespace.Length == 0 ? null : rows[0].Namespace };
        foreach (var table in rows.GroupBy(r => r.Table))
        {
            var t = new IptablesTable { Name = table.Key };
            foreach (var chain in table.GroupBy(r => r.Chain))
            {
                var c = new IptablesChain { Name = chain.Key };
                foreach (var r in chain)
                {
                    var neutron = r.Port is null ? null : new NeutronChainRef { Port = r.Port, Direction = r.Direction ?? "" };
                    if (r.Identity.StartsWith("policy:", StringComparison.Ordinal))
                    {
                        (c.Policy, c.Packets, c.Bytes, c.Neutron) = (r.Target, (ulong)r.Packets, (ulong)r.Bytes, neutron);
                        continue;
                    }

                    c.Rules.Add(new IptablesRule
                    {
                        Index = r.Position, Target = r.Target, Comment = r.Comment, Spec = r.Spec, DropKind = r.DropKind, Neutron = neutron,
                        Identity = r.Identity, Packets = (ulong)r.Packets, Bytes = (ulong)r.Bytes,
                    });
                }

                t.Chains.Add(c);
            }

            dump.Tables.Add(t);
        }

        const string ports = "select port, device, allowed_pairs::text as allowed_pairs from neutron_ports where host = @host";
        foreach (var (port, device, pairs) in await conn.QueryAsync<(string, string?, string)>(new CommandDefinition(ports, new { host }, cancellationToken: ct)))
        {
            dump.NeutronPorts.Add(new NeutronPort
            {
                Port = port,
                Device = device,
                AllowedPairs = JsonSerializer.Deserialize(pairs, DashboardJsonContext.Default.ListNeutronAllowedPair) ?? [],
            });
        }

        return dump;
    }

    private static async Task<NsxFirewallStats?> ReadNsxAsync(NpgsqlConnection conn, string host, DateTimeOffset at, CancellationToken ct)
    {
        const string sql = """
            select f.name, f.world_id, f.vnic_index, f.vm_name, f.mac, s.reason, s.value
            from nsx_filter_samples s join nsx_filters f on f.id = s.filter_id
            where f.host = @host and s.collected_at = @at
            """;
        var rows = (await conn.QueryAsync<(string Name, long? WorldId, int? Vnic, string? VmName, string? Mac, string Reason, long Value)>(
            new CommandDefinition(sql, new { host, at }, cancellationToken: ct))).ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        var stats = new NsxFirewallStats();
        foreach (var filter in rows.GroupBy(r => r.Name))
        {
            var first = filter.First();
            var f = new NsxFilter { Name = filter.Key, WorldId = first.WorldId, VnicIndex = first.Vnic, VmName = first.VmName, Mac = first.Mac };
            foreach (var r in filter)
            {
                f.Counters[r.Reason] = (ulong)r.Value;
            }

            stats.Filters.Add(f);
        }

        return stats;
    }

    private static async Task<KeepalivedState?> ReadKeepalivedAsync(NpgsqlConnection conn, string host, CancellationToken ct)
    {
        const string sql = "select name, state, priority, master_router as MasterRouter from keepalived_instances where host = @host";
        var instances = (await conn.QueryAsync<VrrpInstance>(new CommandDefinition(sql, new { host }, cancellationToken: ct))).ToList();
        return instances.Count == 0 ? null : new KeepalivedState { Instances = instances };
    }
}
