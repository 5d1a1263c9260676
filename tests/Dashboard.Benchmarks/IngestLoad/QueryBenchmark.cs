using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Dapper;
using Dashboard.Server.Storage;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// 24 hours of one VIP at 5 s resolution, rolled up by the server's own builder, then the series endpoint over HTTP for
/// 24 h (served from one-minute rollups) and 1 h (raw), next to the naive answer: the same 24 h computed from raw rows.
/// </summary>
public static class QueryBenchmark
{
    public const string Vip = "10.1.26.252:10051";
    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(5);

    public static async Task<QueryBenchResult> RunAsync(LoadServer server, string director, int realServers, int runs, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var to = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var from = to.AddHours(-24);

        var watch = Stopwatch.StartNew();
        var rows = await SeriesDataLoader.LoadAsync(server.DataSource, director, Vip, realServers, from, to, s_step, ct);
        var load = watch.Elapsed;

        await using (var conn = await server.DataSource.OpenConnectionAsync(ct))
        {
            // A first pass only backfills six hours; a watermark at the data's start makes this pass cover all 24.
            const string watermark = """
                insert into rollup_watermarks (name, upto) values ('ipvs_rs_rollup_1m', @upto)
                on conflict (name) do update set upto = excluded.upto
                """;
            await conn.ExecuteAsync(new CommandDefinition(watermark, new { upto = from }, cancellationToken: ct));
        }

        watch.Restart();
        var pass = await new RollupBuilder(new FixedClock(to.AddSeconds(30))).RunAsync(server.DataSource, ct);
        var rollup = watch.Elapsed;

        await using (var conn = await server.DataSource.OpenConnectionAsync(ct))
        {
            // Autovacuum would have analyzed tables this size long before anyone looks at a day of history.
            const string analyze = "analyze ipvs_rs_samples, ipvs_rs_rollup_1m";
            await conn.ExecuteAsync(new CommandDefinition(analyze, cancellationToken: ct));
        }

        var token = await server.CreateTokenAsync($"loadgen-reader-{Guid.NewGuid():N}", "reader", ct);
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var timings = new List<QueryTiming>
        {
            await TimeHttpAsync(client, "GET series, 24 h", director, from, to, runs, ct),
            await TimeHttpAsync(client, "GET series, 1 h", director, to.AddHours(-1), to, runs, ct),
            await TimeSqlAsync(server, "raw SQL, 24 h of 5 s points", RawSeries, director, from, to, Math.Min(runs, 20), ct),
            await TimeSqlAsync(server, "raw SQL, 24 h per minute", RawPerMinute, director, from, to, Math.Min(runs, 20), ct),
        };
        return new QueryBenchResult(rows, load, rollup, pass.Rows, timings);
    }

    private static async Task<QueryTiming> TimeHttpAsync(HttpClient client, string name, string director, DateTimeOffset from, DateTimeOffset to,
        int runs, CancellationToken ct)
    {
        var url = $"api/v1/vips/{Uri.EscapeDataString(director)}/series?virtual={Uri.EscapeDataString(Vip)}"
            + $"&from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";
        var times = new List<double>();
        var points = 0;
        var resolution = "";
        for (var i = -3; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(url, ct);
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            if (i < 0)
            {
                // Warm-up: connection, JIT, plan cache.
                using var json = JsonDocument.Parse(body);
                resolution = json.RootElement.GetProperty("resolution").GetString() ?? "";
                points = json.RootElement.GetProperty("points").GetArrayLength();
                continue;
            }

            times.Add(elapsed);
        }

        return new QueryTiming(name, resolution == "1m" ? "HTTP, one-minute rollups" : $"HTTP, {resolution} samples", points, times);
    }

    private const string RawSeries = """
        select collected_at as at, sum(connections)::float8 as connections, sum(syn_recv)::float8 as syn_recv,
               sum(syn_recv)::float8 as syn_recv_max
        from ipvs_rs_samples
        where director = @director and protocol = 'TCP' and virtual = @vip
          and collected_at >= @from and collected_at < @to
        group by collected_at
        order by collected_at
        """;

    private const string RawPerMinute = """
        select bucket as at, sum(c_avg) as connections, sum(s_avg) as syn_recv, sum(s_max)::float8 as syn_recv_max
        from (
            select date_trunc('minute', collected_at) as bucket, destination,
                   avg(connections)::float8 as c_avg, avg(syn_recv)::float8 as s_avg, max(syn_recv) as s_max
            from ipvs_rs_samples
            where director = @director and protocol = 'TCP' and virtual = @vip
              and collected_at >= @from and collected_at < @to
            group by 1, 2
        ) m
        group by bucket
        order by bucket
        """;

    private static async Task<QueryTiming> TimeSqlAsync(LoadServer server, string name, string sql, string director, DateTimeOffset from,
        DateTimeOffset to, int runs, CancellationToken ct)
    {
        var times = new List<double>();
        var points = 0;
        for (var i = -1; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await using var conn = await server.DataSource.OpenConnectionAsync(ct);
            var rows = (await conn.QueryAsync<SeriesRow>(new CommandDefinition(sql, new { director, vip = Vip, from, to }, cancellationToken: ct))).AsList();
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            points = rows.Count;
            if (i >= 0)
            {
                times.Add(elapsed);
            }
        }

        return new QueryTiming(name, "Npgsql + Dapper, raw rows, no HTTP", points, times);
    }
}
