using System.Diagnostics;
using Dapper;
using Dashboard.Server.Storage;
using Dashboard.Server.Storage.Frames;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// What one rollup pass costs once the fleet's data is in: the minute that has just settled rolled again from its raw
/// frames by a builder of its own (the server's service rolled it already; rolling again replaces the same frames).
/// </summary>
public static class RollupProbe
{
    public static async Task<(int Frames, long RawFrames, long RawBytes, TimeSpan Elapsed)> RunAsync(LoadServer server, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var minute = RollupBuilder.SettledBefore(now).AddMinutes(-1);
        await using (var conn = await server.DataSource.OpenConnectionAsync(ct))
        {
            const string pending = "insert into rollup_pending (name, bucket) values (@name, @minute) on conflict do nothing";
            await conn.ExecuteAsync(new CommandDefinition(pending, new { name = RollupBuilder.MinuteRollup, minute }, cancellationToken: ct));
        }

        await using var read = await server.DataSource.OpenConnectionAsync(ct);
        const string size = "select count(*), coalesce(sum(pg_column_size(payload)), 0) from frames_raw where at >= @minute and at < @minute + interval '1 minute'";
        var (rawFrames, rawBytes) = await read.QuerySingleAsync<(long, long)>(new CommandDefinition(size, new { minute }, cancellationToken: ct));
        var builder = new RollupBuilder(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now), new FrameReader(), new FrameWriter(new FrameLayouts(), new FrameChains()));
        var watch = Stopwatch.StartNew();
        var pass = await builder.RunAsync(server.DataSource, ct);
        return (pass.Rows, rawFrames, rawBytes, watch.Elapsed);
    }

    /// <summary>How far behind each rollup's watermark is: the server's own passes are not keeping up when this grows.</summary>
    public static async Task<string> WatermarkLagAsync(LoadServer server, CancellationToken ct)
    {
        await using var conn = await server.DataSource.OpenConnectionAsync(ct);
        const string sql = "select name, extract(epoch from now() - upto)::float8 as behind from rollup_watermarks order by name";
        var rows = await conn.QueryAsync<(string Name, double Behind)>(new CommandDefinition(sql, cancellationToken: ct));
        var text = string.Join(", ", rows.Select(r => $"{r.Name} {r.Behind:F0} s behind"));
        return text.Length > 0 ? text : "no watermark yet (no pass has completed)";
    }
}
