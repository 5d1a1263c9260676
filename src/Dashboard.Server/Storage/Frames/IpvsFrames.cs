using Dapper;
using Dashboard.Core.Ipvs;
using Dashboard.Server.Ingest;
using Npgsql;

namespace Dashboard.Server.Storage.Frames;

/// <summary>A director's push as two frames: its real servers (weights, active/inactive, templates, counts by state) and its virtual services.</summary>
public sealed class IpvsFrames(DimensionIdCache ids)
{
    public async Task<IReadOnlyList<FrameData>> BuildAsync(NpgsqlConnection conn, string director, DateTimeOffset at, NormalizedBatch batch,
        List<KeyValuePair<DimensionKey, long>> resolved, CancellationToken ct)
    {
        if (batch.Batch.Ipvs is not { } ipvs)
        {
            return [];
        }

        var frames = new List<FrameData>(2);
        var realServers = batch.RealServers.DistinctBy(r => (r.Protocol, r.Virtual, r.Destination)).ToList();
        if (realServers.Count > 0)
        {
            var series = await RealServerIdsAsync(conn, director, at, realServers, resolved, ct);
            frames.Add(RealServerFrame(realServers, series));
        }

        var services = (ipvs.Services?.Services ?? []).DistinctBy(s => (s.Protocol, VirtualText(s))).ToList();
        if (services.Count > 0)
        {
            var series = await ServiceIdsAsync(conn, director, at, services, resolved, ct);
            frames.Add(ServiceFrame(services, series));
        }

        return frames;
    }

    public static string VirtualText(IpvsService service) => service.Virtual ?? $"FWM:{service.FirewallMark}";

    private static FrameData RealServerFrame(IReadOnlyList<RealServerSample> realServers, long[] series)
    {
        var states = realServers.SelectMany(r => r.ByState.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        string[] fields = [.. FrameFields.IpvsRealServerFixed, .. states];
        var values = fields.Select(_ => new long?[realServers.Count]).ToArray();
        for (var i = 0; i < realServers.Count; i++)
        {
            var rs = realServers[i];
            values[0][i] = rs.Weight;
            values[1][i] = rs.ActiveConn;
            values[2][i] = rs.InActConn;
            values[3][i] = rs.Templates;
            for (var s = 0; s < states.Length; s++)
            {
                // A state the director did not list for this real server stays absent, not a count of 0.
                values[4 + s][i] = rs.ByState.TryGetValue(states[s], out var count) ? count : null;
            }
        }

        return new FrameData(FrameKind.IpvsRealServers, fields, series, values);
    }

    private static FrameData ServiceFrame(IReadOnlyList<IpvsService> services, long[] series)
    {
        var values = FrameFields.IpvsServices.Select(_ => new long?[services.Count]).ToArray();
        for (var i = 0; i < services.Count; i++)
        {
            var s = services[i];
            values[0][i] = s.PersistentSeconds;
            if (s.Stats is { } stats)
            {
                values[1][i] = DbValues.Saturate(stats.Connections);
                values[2][i] = DbValues.Saturate(stats.InPackets);
                values[3][i] = DbValues.Saturate(stats.OutPackets);
                values[4][i] = DbValues.Saturate(stats.InBytes);
                values[5][i] = DbValues.Saturate(stats.OutBytes);
            }
        }

        return new FrameData(FrameKind.IpvsServices, FrameFields.IpvsServices, series, values);
    }

    private async Task<long[]> RealServerIdsAsync(NpgsqlConnection conn, string director, DateTimeOffset at, IReadOnlyList<RealServerSample> realServers,
        List<KeyValuePair<DimensionKey, long>> resolved, CancellationToken ct)
    {
        var result = new long[realServers.Count];
        var missing = new List<int>();
        for (var i = 0; i < realServers.Count; i++)
        {
            if (!ids.TryGetFresh(RealServerKey(director, realServers[i]), out result[i]))
            {
                missing.Add(i);
            }
        }

        if (missing.Count == 0)
        {
            return result;
        }

        const string upsert = """
            insert into ipvs_real_servers (director, protocol, virtual, destination, forward, first_seen, last_seen)
            select @director, u.protocol, u.virtual, u.destination, u.forward, @at, @at
            from unnest(@protocols, @virtuals, @destinations, @forwards) as u(protocol, virtual, destination, forward)
            on conflict (director, protocol, virtual, destination) do update set forward = excluded.forward, last_seen = excluded.last_seen
            returning id, protocol, virtual, destination
            """;
        var rows = missing.Select(i => realServers[i]).ToList();
        var returned = await conn.QueryAsync<(long Id, string Protocol, string Virtual, string Destination)>(new CommandDefinition(upsert, new
        {
            director,
            at,
            protocols = rows.Select(r => r.Protocol).ToArray(),
            virtuals = rows.Select(r => r.Virtual).ToArray(),
            destinations = rows.Select(r => r.Destination).ToArray(),
            forwards = rows.Select(r => r.Forward).ToArray(),
        }, cancellationToken: ct));
        var byKey = returned.ToDictionary(r => (r.Protocol, r.Virtual, r.Destination), r => r.Id);
        foreach (var i in missing)
        {
            var rs = realServers[i];
            result[i] = byKey[(rs.Protocol, rs.Virtual, rs.Destination)];
            resolved.Add(new(RealServerKey(director, rs), result[i]));
        }

        return result;
    }

    private async Task<long[]> ServiceIdsAsync(NpgsqlConnection conn, string director, DateTimeOffset at, IReadOnlyList<IpvsService> services,
        List<KeyValuePair<DimensionKey, long>> resolved, CancellationToken ct)
    {
        var result = new long[services.Count];
        var missing = new List<int>();
        for (var i = 0; i < services.Count; i++)
        {
            if (!ids.TryGetFresh(ServiceKey(director, services[i]), out result[i]))
            {
                missing.Add(i);
            }
        }

        if (missing.Count == 0)
        {
            return result;
        }

        const string upsert = """
            insert into ipvs_services (director, protocol, virtual, scheduler, first_seen, last_seen)
            select @director, u.protocol, u.virtual, u.scheduler, @at, @at
            from unnest(@protocols, @virtuals, @schedulers) as u(protocol, virtual, scheduler)
            on conflict (director, protocol, virtual) do update set scheduler = excluded.scheduler, last_seen = excluded.last_seen
            returning id, protocol, virtual
            """;
        var rows = missing.Select(i => services[i]).ToList();
        var returned = await conn.QueryAsync<(long Id, string Protocol, string Virtual)>(new CommandDefinition(upsert, new
        {
            director,
            at,
            protocols = rows.Select(r => r.Protocol).ToArray(),
            virtuals = rows.Select(VirtualText).ToArray(),
            schedulers = rows.Select(r => r.Scheduler).ToArray(),
        }, cancellationToken: ct));
        var byKey = returned.ToDictionary(r => (r.Protocol, r.Virtual), r => r.Id);
        foreach (var i in missing)
        {
            var s = services[i];
            result[i] = byKey[(s.Protocol, VirtualText(s))];
            resolved.Add(new(ServiceKey(director, s), result[i]));
        }

        return result;
    }

    // The forward method and scheduler are part of the keys: a change misses the cache, and the upsert records it.
    private static DimensionKey RealServerKey(string director, RealServerSample rs) =>
        new("rs", director, rs.Protocol, $"{rs.Virtual} {rs.Destination} {rs.Forward}");

    private static DimensionKey ServiceKey(string director, IpvsService s) => new("svc", director, s.Protocol, $"{VirtualText(s)} {s.Scheduler}");
}
