using System.Diagnostics;
using Dapper;
using Dashboard.Server.Ingest;
using Dashboard.Server.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// The hours a running server already holds before a measured run: every agent's pushes at its interval, written through the
/// server's own writer in time order (all agents at one instant, then the next) with the agent's own token and sequence,
/// then rolled into minutes and hours by the server's own rollup pass, so the run starts on tables, indexes and
/// watermarks of the size a server has after that long.
/// </summary>
public static class HistoryFill
{
    public sealed record Filled(long Pushes, long Rows, TimeSpan Wall, TimeSpan Rollup);

    public static async Task<Filled> WriteAsync(LoadServer server, Fleet fleet, LoadgenOptions options, TimeSpan span, CancellationToken ct)
    {
        var writer = server.Services.GetRequiredService<BatchWriter>();
        var started = Stopwatch.GetTimestamp();
        // Ends one interval before now: the fleet's first live push follows its last stored one as on a running server.
        var end = DateTimeOffset.UtcNow - options.Interval;
        long pushes = 0, rows = 0;
        var last = end - span;
        for (var at = end - span; at < end; at += options.Interval)
        {
            var instant = last = at;
            // Two writers at a time, as two cores of a server do; each agent's payload is used by one writer only.
            await Parallel.ForEachAsync(fleet.Agents, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, async (agent, token) =>
            {
                var batch = agent.Payload.Next(agent.Host, agent.NextSequence(), instant);
                var result = await writer.WriteAsync(new NormalizedBatch(batch), new BatchOrigin($"loadgen-{agent.Host}", agent.Payload.Role, BatchOrigin.AgentSource), token);
                if (result.Status != WriteStatus.Stored)
                {
                    throw new InvalidOperationException($"history push of {agent.Host} at {instant:O} was {result.Status}");
                }

                Interlocked.Increment(ref pushes);
                Interlocked.Add(ref rows, result.Rows);
            });
        }

        var wall = Stopwatch.GetElapsedTime(started);
        var rollupStarted = Stopwatch.GetTimestamp();
        var rollups = server.Services.GetRequiredService<RollupBuilder>();
        // The watermark moves only over minutes that hold batches, so the history's last minute is the mark, not the clock's:
        // the server's own maintenance may hold the pass lock meanwhile, so passes run until the mark is reached.
        var lastMinute = RollupBuilder.Minute(last);
        const string caughtUp = """
            select coalesce((select upto >= @last from rollup_watermarks where name = @name), false)
               and not exists (select 1 from rollup_pending where name = @name)
            """;
        await using (var conn = await server.DataSource.OpenConnectionAsync(ct))
        {
            while (!await conn.ExecuteScalarAsync<bool>(new CommandDefinition(caughtUp,
                       new { last = lastMinute.UtcDateTime, name = RollupBuilder.MinuteRollup }, cancellationToken: ct)))
            {
                if ((await rollups.RunAsync(server.DataSource, ct)).Rows == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                }
            }
        }

        return new Filled(pushes, rows, wall, Stopwatch.GetElapsedTime(rollupStarted));
    }
}
