using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// Every chart range a page offers, over HTTP with a reader token, served from the finest tier that covers it: a VIP's
/// connections and SYN_RECV (one VIP of a director of the reference shape) and a compute node's drops per rule, for 1 h,
/// 24 h, 7 d and 30 d.
/// </summary>
public static class QueryBenchmark
{
    private static readonly (string Name, TimeSpan Range)[] s_ranges =
        [("1 h", TimeSpan.FromHours(1)), ("24 h", TimeSpan.FromDays(1)), ("7 d", TimeSpan.FromDays(7)), ("30 d", TimeSpan.FromDays(30))];

    public static async Task<QueryBenchResult> RunAsync(LoadServer server, string director, LoadgenOptions options, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var to = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var hypervisor = director + "-hv";
        var watch = Stopwatch.StartNew();
        var loaded = await SeriesDataLoader.LoadAsync(server, director, hypervisor, options, to, TimeSpan.FromHours(2), TimeSpan.FromDays(2),
            TimeSpan.FromDays(31), ct);
        var load = watch.Elapsed;

        var token = await server.CreateTokenAsync($"loadgen-reader-{Guid.NewGuid():N}", "reader", ct);
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var timings = new List<QueryTiming>();
        foreach (var (name, range) in s_ranges)
        {
            var query = $"from={Uri.EscapeDataString((to - range).ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";
            timings.Add(await TimeHttpAsync(client, $"VIP × {options.RealServers} real servers, {name}",
                $"api/v1/vips/{Uri.EscapeDataString(director)}/series?virtual={Uri.EscapeDataString(loaded.Vip)}&{query}", "points", options.QueryRuns, ct));
            timings.Add(await TimeHttpAsync(client, $"drop rules of a {options.Rules:N0}-rule node, {name}",
                $"api/v1/hypervisors/{Uri.EscapeDataString(hypervisor)}/drops/series?{query}", "series", options.QueryRuns, ct));
        }

        return new QueryBenchResult(loaded.RawPushes, load, loaded.MinuteFrames, loaded.HourFrames, timings);
    }

    private static async Task<QueryTiming> TimeHttpAsync(HttpClient client, string name, string url, string listProperty, int runs, CancellationToken ct)
    {
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
                var list = json.RootElement.GetProperty(listProperty);
                points = listProperty == "points" ? list.GetArrayLength() : list.EnumerateArray().Sum(s => s.GetProperty("points").GetArrayLength());
                continue;
            }

            times.Add(elapsed);
        }

        return new QueryTiming(name, resolution switch { "1m" => "one-minute frames", "1h" => "one-hour frames", _ => "every push" }, points, times);
    }
}
