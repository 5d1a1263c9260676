using System.Diagnostics;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>Every agent pushes once per interval from its own random offset, as a fleet of timers does; nothing waits for anyone else.</summary>
public static class SteadyPhase
{
    public static async Task<PhaseStats> RunAsync(Fleet fleet, HttpClient client, TimeSpan interval, TimeSpan duration, bool gzip, CancellationToken ct,
        string? name = null)
    {
        var stats = new PhaseStats(name ?? $"steady, {fleet.Agents.Count} agents");
        var random = new Random(17);
        var offsets = fleet.Agents.Select(_ => interval * random.NextDouble()).ToArray();
        var late = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(fleet.Agents.Select((agent, i) => Task.Run(async () =>
        {
            for (var due = offsets[i]; due < duration; due += interval)
            {
                var wait = due - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct);
                }
                else if (wait < TimeSpan.FromSeconds(-1))
                {
                    Interlocked.Increment(ref late);
                }

                var sentAt = Stopwatch.GetElapsedTime(started);
                stats.Add(await agent.PushAsync(client, gzip, ct) with { SentAt = sentAt });
            }
        }, ct)));
        stats.Wall = Stopwatch.GetElapsedTime(started);
        stats.Late = late;
        return stats;
    }

    /// <summary>The first push of every agent, a few at a time: rule and filter ids are resolved here, not in the measured phase.</summary>
    public static async Task<PhaseStats> WarmUpAsync(Fleet fleet, HttpClient client, bool gzip, int parallel, CancellationToken ct)
    {
        var stats = new PhaseStats("first push of each agent");
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(fleet.Agents, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct },
            async (agent, token) => stats.Add(await agent.PushAsync(client, gzip, token)));
        stats.Wall = Stopwatch.GetElapsedTime(started);
        return stats;
    }
}
