using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// History of one VIP through binary COPY: every real server every 5 s, with a daily curve, noise, and a two-hour
/// window in which forwarded SYNs were dropped (SYN_RECV high), as the seed incident looked.
/// </summary>
public static class SeriesDataLoader
{
    public static async Task<long> LoadAsync(NpgsqlDataSource dataSource, string director, string vip, int realServers, DateTimeOffset from,
        DateTimeOffset to, TimeSpan step, CancellationToken ct)
    {
        var random = new Random(3);
        var servers = Enumerable.Range(0, realServers).Select(r => $"10.1.26.{130 + r}:10051").ToArray();
        var incidentStart = from + (to - from) * 0.6;
        var incidentEnd = incidentStart + TimeSpan.FromHours(2);
        long rows = 0;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        const string copy = """
            copy ipvs_rs_samples (collected_at, director, protocol, virtual, destination, forward, weight,
                active_conn, inact_conn, connections, syn_recv, templates, by_state) from stdin (format binary)
            """;
        await using var importer = await conn.BeginBinaryImportAsync(copy, ct);
        for (var at = from; at < to; at += step)
        {
            var daily = 1 + 0.6 * Math.Sin((at.TimeOfDay.TotalHours - 8) / 24 * 2 * Math.PI);
            var failing = at >= incidentStart && at < incidentEnd;
            foreach (var server in servers)
            {
                var established = (long)(120 * daily * (0.85 + random.NextDouble() * 0.3));
                var finWait = (long)(established * 1.6);
                var synRecv = failing ? (long)(established * 1.5) : random.Next(0, 3);
                var timeWait = random.Next(0, 8);
                var close = random.Next(0, 20);
                var connections = established + finWait + synRecv + timeWait + close;
                importer.StartRow();
                importer.Write(at, NpgsqlDbType.TimestampTz);
                importer.Write(director, NpgsqlDbType.Text);
                importer.Write("TCP", NpgsqlDbType.Text);
                importer.Write(vip, NpgsqlDbType.Text);
                importer.Write(server, NpgsqlDbType.Text);
                importer.Write("Route", NpgsqlDbType.Text);
                importer.Write(100, NpgsqlDbType.Integer);
                importer.Write(established + synRecv, NpgsqlDbType.Bigint);
                importer.Write(connections - established - synRecv, NpgsqlDbType.Bigint);
                importer.Write(connections, NpgsqlDbType.Bigint);
                importer.Write(synRecv, NpgsqlDbType.Bigint);
                importer.Write(0L, NpgsqlDbType.Bigint);
                importer.Write(ByState(established, finWait, synRecv, timeWait, close), NpgsqlDbType.Jsonb);
                rows++;
            }
        }

        await importer.CompleteAsync(ct);
        return rows;
    }

    private static string ByState(long established, long finWait, long synRecv, long timeWait, long close)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("CLOSE", close);
            json.WriteNumber("ESTABLISHED", established);
            json.WriteNumber("FIN_WAIT", finWait);
            json.WriteNumber("SYN_RECV", synRecv);
            json.WriteNumber("TIME_WAIT", timeWait);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
