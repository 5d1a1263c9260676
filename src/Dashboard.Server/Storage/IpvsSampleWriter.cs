using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Storage;

/// <summary>IPVS samples through binary COPY: one row per real server, one per virtual service with stats.</summary>
public static class IpvsSampleWriter
{
    public static int CountRows(BatchRows rows) =>
        rows.Batch.Ipvs is { } ipvs ? rows.RealServers.Count + (ipvs.Services?.Services.Count ?? 0) : 0;

    public static async Task<int> WriteAsync(NpgsqlConnection conn, string director, DateTimeOffset collectedAt, IpvsSnapshot? ipvs,
        IReadOnlyList<RealServerSample> realServers, CancellationToken ct)
    {
        if (ipvs is null)
        {
            return 0;
        }

        var rows = 0;
        if (realServers.Count > 0)
        {
            const string copy = """
                copy ipvs_rs_samples (collected_at, director, protocol, virtual, destination, forward, weight,
                    active_conn, inact_conn, connections, syn_recv, templates, by_state) from stdin (format binary)
                """;
            await using var importer = await conn.BeginBinaryImportAsync(copy, ct);
            // UTF-8 straight into the COPY: no string per row to encode again.
            using var byState = new StateCountsJson();
            foreach (var rs in realServers)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(collectedAt, NpgsqlDbType.TimestampTz, ct);
                await importer.WriteAsync(director, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(rs.Protocol, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(rs.Virtual, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(rs.Destination, NpgsqlDbType.Text, ct);
                await WriteTextAsync(importer, rs.Forward, ct);
                await WriteNullableAsync(importer, rs.Weight, NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(importer, rs.ActiveConn, NpgsqlDbType.Bigint, ct);
                await WriteNullableAsync(importer, rs.InActConn, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(rs.Connections, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(rs.SynRecv, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(rs.Templates, NpgsqlDbType.Bigint, ct);
                await importer.WriteAsync(byState.Encode(rs.ByState), NpgsqlDbType.Jsonb, ct);
            }

            await importer.CompleteAsync(ct);
            rows += realServers.Count;
        }

        var services = ipvs.Services?.Services ?? [];
        if (services.Count > 0)
        {
            const string copy = """
                copy ipvs_service_samples (collected_at, director, protocol, virtual, scheduler, persistent,
                    conns, in_packets, out_packets, in_bytes, out_bytes) from stdin (format binary)
                """;
            await using var importer = await conn.BeginBinaryImportAsync(copy, ct);
            foreach (var s in services)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(collectedAt, NpgsqlDbType.TimestampTz, ct);
                await importer.WriteAsync(director, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(s.Protocol, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(s.Virtual ?? $"FWM:{s.FirewallMark}", NpgsqlDbType.Text, ct);
                await WriteTextAsync(importer, s.Scheduler, ct);
                await WriteNullableAsync(importer, s.PersistentSeconds, NpgsqlDbType.Bigint, ct);
                await WriteNullableAsync(importer, Counter(s.Stats, static c => c.Connections), NpgsqlDbType.Bigint, ct);
                await WriteNullableAsync(importer, Counter(s.Stats, static c => c.InPackets), NpgsqlDbType.Bigint, ct);
                await WriteNullableAsync(importer, Counter(s.Stats, static c => c.OutPackets), NpgsqlDbType.Bigint, ct);
                await WriteNullableAsync(importer, Counter(s.Stats, static c => c.InBytes), NpgsqlDbType.Bigint, ct);
                await WriteNullableAsync(importer, Counter(s.Stats, static c => c.OutBytes), NpgsqlDbType.Bigint, ct);
            }

            await importer.CompleteAsync(ct);
            rows += services.Count;
        }

        var sources = ipvs.Connections?.TopSynRecvSources ?? [];
        if (sources.Count > 0)
        {
            const string copy = "copy ipvs_synrecv_sources (collected_at, director, protocol, virtual, client, connections) from stdin (format binary)";
            await using var importer = await conn.BeginBinaryImportAsync(copy, ct);
            foreach (var source in sources)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(collectedAt, NpgsqlDbType.TimestampTz, ct);
                await importer.WriteAsync(director, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(source.Protocol, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(source.Virtual, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(source.Client, NpgsqlDbType.Text, ct);
                await importer.WriteAsync(source.Connections, NpgsqlDbType.Bigint, ct);
            }

            await importer.CompleteAsync(ct);
        }

        return rows;
    }

    private static long? Counter(IpvsTrafficCounters? stats, Func<IpvsTrafficCounters, ulong> pick) =>
        stats is null ? null : DbValues.Saturate(pick(stats));

    internal static async Task WriteTextAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken ct)
    {
        if (value is null)
        {
            await importer.WriteNullAsync(ct);
        }
        else
        {
            await importer.WriteAsync(value, NpgsqlDbType.Text, ct);
        }
    }

    internal static async Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : struct
    {
        if (value is { } v)
        {
            await importer.WriteAsync(v, type, ct);
        }
        else
        {
            await importer.WriteNullAsync(ct);
        }
    }
}
