using System.Diagnostics;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>Closed loop: C pushers, each sending its share of the fleet's agents in turn, the next push as soon as the last is answered.</summary>
public static class SaturationPhase
{
    public static async Task<PhaseStats> RunAsync(Fleet fleet, HttpClient client, int concurrency, TimeSpan duration, bool gzip, string? name,
        CancellationToken ct)
    {
        var stats = new PhaseStats(name ?? $"C = {concurrency}");
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(k => Task.Run(async () =>
        {
            // Each agent belongs to one pusher, so its sequence numbers still arrive in order.
            var share = fleet.Agents.Where((_, i) => i % concurrency == k).ToArray();
            for (var n = 0; Stopwatch.GetElapsedTime(started) < duration; n++)
            {
                stats.Add(await share[n % share.Length].PushAsync(client, gzip, ct));
            }
        }, ct)));
        stats.Wall = Stopwatch.GetElapsedTime(started);
        return stats;
    }
}
