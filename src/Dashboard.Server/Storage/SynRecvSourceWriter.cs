using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Storage;

/// <summary>The clients a director saw most in SYN_RECV, a few rows per push, kept with the push's time.</summary>
public static class SynRecvSourceWriter
{
    public static async Task WriteAsync(NpgsqlConnection conn, string director, DateTimeOffset collectedAt, IpvsSnapshot? ipvs, CancellationToken ct)
    {
        var sources = ipvs?.Connections?.TopSynRecvSources ?? [];
        if (sources.Count == 0)
        {
            return;
        }

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
}
