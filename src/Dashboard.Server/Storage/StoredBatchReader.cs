using System.Text.Json;
using Dapper;
using Dashboard.Core.Batches;
using Dashboard.Core.Iptables;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Keepalived;
using Dashboard.Core.Nsx;
using Dashboard.Server.Storage.Frames;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>
/// Rebuilds what a host reported at one moment from the stored samples: another server instance catches up from it, and
/// a restarted server shows the last known state at once instead of an empty page.
/// </summary>
public sealed class StoredBatchReader(DashboardDatabase database, FrameReader reader)
{
    public async Task<AgentBatch> ReadAsync(string host, DateTimeOffset collectedAt, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var batch = new AgentBatch { Host = host, CollectedAt = collectedAt };
        var frames = await reader.ReadAtAsync(conn, host, collectedAt, ct);
        FrameData? Frame(FrameKind kind) => frames.FirstOrDefault(f => f.Data.Kind == kind)?.Data;
        batch.Ipvs = await ReadIpvsAsync(conn, host, collectedAt, Frame(FrameKind.IpvsRealServers), Frame(FrameKind.IpvsServices), ct);
        var dump = await ReadIptablesAsync(conn, host, Frame(FrameKind.IptablesRules), ct);
        batch.Iptables = dump is null ? null : [dump];
        batch.Nsx = await ReadNsxAsync(conn, Frame(FrameKind.NsxCounters), Frame(FrameKind.NsxRules), ct);
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

    private static async Task<IpvsSnapshot?> ReadIpvsAsync(NpgsqlConnection conn, string host, DateTimeOffset at, FrameData? realServers, FrameData? services,
        CancellationToken ct)
    {
        if (realServers is null && services is null)
        {
            return null;
        }

        const string rsSql = "select id, protocol, virtual, destination, forward from ipvs_real_servers where id = any(@ids)";
        var rsRows = (await conn.QueryAsync<(long Id, string Protocol, string Virtual, string Destination, string? Forward)>(
            new CommandDefinition(rsSql, new { ids = realServers?.Series.ToArray() ?? [] }, cancellationToken: ct))).ToDictionary(r => r.Id);
        const string serviceSql = "select id, protocol, virtual, scheduler from ipvs_services where id = any(@ids)";
        var serviceRows = (await conn.QueryAsync<(long Id, string Protocol, string Virtual, string? Scheduler)>(
            new CommandDefinition(serviceSql, new { ids = services?.Series.ToArray() ?? [] }, cancellationToken: ct))).ToDictionary(r => r.Id);
        const string sources = "select protocol, virtual, client, connections from ipvs_synrecv_sources where director = @host and collected_at = @at";
        var sourceRows = await conn.QueryAsync<(string Protocol, string Virtual, string Client, long Connections)>(new CommandDefinition(sources, new { host, at }, cancellationToken: ct));

        var table = new IpvsServiceTable();
        var byKey = new Dictionary<(string Protocol, string Virtual), IpvsService>();
        IpvsService Service(string protocol, string virtualText)
        {
            if (!byKey.TryGetValue((protocol, virtualText), out var service))
            {
                byKey[(protocol, virtualText)] = service = new IpvsService { Protocol = protocol, Virtual = virtualText };
                table.Services.Add(service);
            }

            return service;
        }

        for (var i = 0; i < (services?.Series.Count ?? 0); i++)
        {
            var dim = serviceRows[services!.Series[i]];
            var service = Service(dim.Protocol, dim.Virtual);
            service.Scheduler = dim.Scheduler;
            service.PersistentSeconds = services.Values[0][i];
            if (services.Values[1][i] is { } conns)
            {
                service.Stats = new IpvsTrafficCounters
                {
                    Connections = (ulong)conns, InPackets = (ulong)(services.Values[2][i] ?? 0), OutPackets = (ulong)(services.Values[3][i] ?? 0),
                    InBytes = (ulong)(services.Values[4][i] ?? 0), OutBytes = (ulong)(services.Values[5][i] ?? 0),
                };
            }
        }

        var summary = new IpvsConnectionSummary();
        for (var i = 0; i < (realServers?.Series.Count ?? 0); i++)
        {
            var dim = rsRows[realServers!.Series[i]];
            var values = realServers.Values;
            Service(dim.Protocol, dim.Virtual).Destinations.Add(new IpvsDestination
            {
                Address = dim.Destination, Forward = dim.Forward, Weight = values[0][i] is { } w ? (int)w : null, ActiveConn = values[1][i], InActConn = values[2][i],
            });
            var states = new IpvsDestinationStates { Protocol = dim.Protocol, Virtual = dim.Virtual, Destination = dim.Destination, Templates = values[3][i] ?? 0 };
            for (var f = FrameFields.IpvsRealServerFixed.Length; f < realServers.Fields.Count; f++)
            {
                if (values[f][i] is { } count)
                {
                    states.ByState[realServers.Fields[f]] = count;
                    summary.ByState.Increase(realServers.Fields[f], count);
                    summary.Connections += count;
                }
            }

            summary.Templates += states.Templates;
            summary.Destinations.Add(states);
        }

        summary.TopSynRecvSources.AddRange(sourceRows.Select(r => new IpvsSynRecvSource { Protocol = r.Protocol, Virtual = r.Virtual, Client = r.Client, Connections = r.Connections }));
        return new IpvsSnapshot { Services = table, Connections = realServers is null ? null : summary };
    }

    private static async Task<IptablesDump?> ReadIptablesAsync(NpgsqlConnection conn, string host, FrameData? rules, CancellationToken ct)
    {
        if (rules is null)
        {
            return null;
        }

        const string sql = """
            select id, namespace, table_name, chain, identity, position, target, comment, spec, drop_kind, neutron_port, neutron_direction
            from iptables_rules where id = any(@ids)
            """;
        var dims = (await conn.QueryAsync<(long Id, string Namespace, string Table, string Chain, string Identity, int Position, string? Target, string? Comment,
            string Spec, string? DropKind, string? Port, string? Direction)>(new CommandDefinition(sql, new { ids = rules.Series.ToArray() }, cancellationToken: ct)))
            .ToDictionary(r => r.Id);
        var rows = rules.Series.Select((id, i) => (Dim: dims[id], Packets: rules.Values[0][i], Bytes: rules.Values[1][i]))
            .OrderBy(r => r.Dim.Namespace, StringComparer.Ordinal).ThenBy(r => r.Dim.Table, StringComparer.Ordinal)
            .ThenBy(r => r.Dim.Chain, StringComparer.Ordinal).ThenBy(r => r.Dim.Position).ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        var dump = new IptablesDump { Namespace = rows[0].Dim.Namespace.Length == 0 ? null : rows[0].Dim.Namespace };
        foreach (var table in rows.GroupBy(r => r.Dim.Table))
        {
            var t = new IptablesTable { Name = table.Key };
            foreach (var chain in table.GroupBy(r => r.Dim.Chain))
            {
                var c = new IptablesChain { Name = chain.Key };
                foreach (var (r, packets, bytes) in chain)
                {
                    var neutron = r.Port is null ? null : new NeutronChainRef { Port = r.Port, Direction = r.Direction ?? "" };
                    if (r.Identity.StartsWith("policy:", StringComparison.Ordinal))
                    {
                        (c.Policy, c.Packets, c.Bytes, c.Neutron) = (r.Target, (ulong)(packets ?? 0), (ulong)(bytes ?? 0), neutron);
                        continue;
                    }

                    c.Rules.Add(new IptablesRule
                    {
                        Index = r.Position, Target = r.Target, Comment = r.Comment, Spec = r.Spec, DropKind = r.DropKind, Neutron = neutron,
                        Identity = r.Identity, Packets = (ulong)(packets ?? 0), Bytes = (ulong)(bytes ?? 0),
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

    private static async Task<NsxFirewallStats?> ReadNsxAsync(NpgsqlConnection conn, FrameData? counters, FrameData? rules, CancellationToken ct)
    {
        if (counters is null && rules is null)
        {
            return null;
        }

        var stats = new NsxFirewallStats();
        if (counters is not null)
        {
            const string sql = """
                select c.id, f.name, f.world_id, f.vnic_index, f.vm_name, f.mac, c.reason
                from nsx_filter_counters c join nsx_filters f on f.id = c.filter_id
                where c.id = any(@ids)
                """;
            var dims = (await conn.QueryAsync<(long Id, string Name, long? WorldId, int? Vnic, string? VmName, string? Mac, string Reason)>(
                new CommandDefinition(sql, new { ids = counters.Series.ToArray() }, cancellationToken: ct))).ToDictionary(r => r.Id);
            var filters = new Dictionary<string, NsxFilter>(StringComparer.Ordinal);
            for (var i = 0; i < counters.Series.Count; i++)
            {
                var d = dims[counters.Series[i]];
                if (!filters.TryGetValue(d.Name, out var f))
                {
                    filters[d.Name] = f = new NsxFilter { Name = d.Name, WorldId = d.WorldId, VnicIndex = d.Vnic, VmName = d.VmName, Mac = d.Mac };
                    stats.Filters.Add(f);
                }

                if (counters.Values[0][i] is { } value)
                {
                    f.Counters[d.Reason] = (ulong)value;
                }
            }
        }

        if (rules is not null)
        {
            const string sql = "select id, rule_id from nsx_rules where id = any(@ids)";
            var dims = (await conn.QueryAsync<(long Id, string RuleId)>(new CommandDefinition(sql, new { ids = rules.Series.ToArray() }, cancellationToken: ct)))
                .ToDictionary(r => r.Id, r => r.RuleId);
            for (var i = 0; i < rules.Series.Count; i++)
            {
                stats.Rules.Add(new NsxRuleStats
                {
                    RuleId = dims[rules.Series[i]], Packets = (ulong)(rules.Values[0][i] ?? 0), Bytes = (ulong)(rules.Values[1][i] ?? 0),
                    Hits = (ulong)(rules.Values[2][i] ?? 0), Sessions = (ulong)(rules.Values[3][i] ?? 0),
                });
            }
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
