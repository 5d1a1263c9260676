using Dapper;
using Dashboard.Core.Keepalived;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>keepalived: latest VRRP and real-server states per host, with every VRRP transition kept.</summary>
public static class KeepalivedStateWriter
{
    public static int CountRows(KeepalivedState? state) => state is null ? 0 : state.Instances.Count + state.RealServers.Count;

    public static async Task<int> WriteAsync(NpgsqlConnection conn, string host, DateTimeOffset at, KeepalivedState? state, CancellationToken ct)
    {
        if (state is null)
        {
            return 0;
        }

        // All instances in one statement; the transition reads the state as it was before the upsert (same snapshot).
        var instances = state.Instances.DistinctBy(i => i.Name).ToList();
        if (instances.Count > 0)
        {
            const string upsert = """
                with incoming as (
                    select * from unnest(@names, @states, @priorities, @masters) as i(name, state, priority, master_router)
                ), transitions as (
                    insert into keepalived_transitions (host, name, from_state, to_state, at)
                    select @host, i.name, k.state, i.state, @at
                    from incoming i left join keepalived_instances k on k.host = @host and k.name = i.name
                    where k.state is distinct from i.state
                )
                insert into keepalived_instances (host, name, state, priority, master_router, changed_at, updated_at)
                select @host, i.name, i.state, i.priority, i.master_router, @at, @at from incoming i
                on conflict (host, name) do update set
                    changed_at = case when keepalived_instances.state <> excluded.state then excluded.changed_at else keepalived_instances.changed_at end,
                    state = excluded.state, priority = excluded.priority, master_router = excluded.master_router, updated_at = excluded.updated_at
                """;
            await conn.ExecuteAsync(new CommandDefinition(upsert, new
            {
                host,
                names = instances.Select(i => i.Name).ToArray(),
                states = instances.Select(i => i.State).ToArray(),
                priorities = instances.Select(i => i.Priority).ToArray(),
                masters = instances.Select(i => i.MasterRouter).ToArray(),
                at,
            }, cancellationToken: ct));
        }

        // One statement for all real servers: a director checks a thousand of them.
        var checks = state.RealServers.DistinctBy(r => (r.Virtual, r.Address, r.Protocol)).ToList();
        if (checks.Count > 0)
        {
            const string upsert = """
                insert into keepalived_real_servers (host, virtual, address, protocol, up, changed_at, updated_at)
                select @host, c.virtual, c.address, c.protocol, c.up, @at, @at
                from unnest(@virtuals, @addresses, @protocols, @ups) as c(virtual, address, protocol, up)
                on conflict (host, virtual, address, protocol) do update set
                    changed_at = case when keepalived_real_servers.up <> excluded.up then excluded.changed_at else keepalived_real_servers.changed_at end,
                    up = excluded.up, updated_at = excluded.updated_at
                """;
            await conn.ExecuteAsync(new CommandDefinition(upsert, new
            {
                host,
                virtuals = checks.Select(r => r.Virtual).ToArray(),
                addresses = checks.Select(r => r.Address).ToArray(),
                protocols = checks.Select(r => r.Protocol).ToArray(),
                ups = checks.Select(r => r.Up).ToArray(),
                at,
            }, cancellationToken: ct));
        }

        return CountRows(state);
    }
}
