using System.Diagnostics;
using Dapper;
using Dashboard.Server.Storage;
using Npgsql;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// Once a second during a phase: this process's GC pause time and collections, whether a background pass (rollups) was
/// running in PostgreSQL, WAL written and checkpoints, so that a window's latency spike can be put next to what happened in it.
/// </summary>
public sealed class PhaseTimeline : IAsyncDisposable
{
    private static readonly TimeSpan s_tick = TimeSpan.FromSeconds(1);

    private readonly List<Tick> _ticks = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly long _started = Stopwatch.GetTimestamp();

    private PhaseTimeline(NpgsqlDataSource dataSource) => _loop = Task.Run(() => RunAsync(dataSource));

    public static PhaseTimeline Start(NpgsqlDataSource dataSource) => new(dataSource);

    private sealed record Tick(TimeSpan At, TimeSpan GcPause, int Gen0, int Gen1, int Gen2, double PromotedMiB, string Background, long Wal, long FullPageImages, long Checkpoints,
        long DatabaseBytes);

    /// <param name="PromotedMiB">The most a young collection seen in the window kept alive (what its pause had to copy).</param>
    /// <param name="FullPageImages">Whole pages written to WAL because it was their first change since a checkpoint.</param>
    public sealed record Window(double GcPauseMs, int Gen0, int Gen1, int Gen2, double PromotedMiB, string Background, double WalMiB, long FullPageImages,
        long Checkpoints);

    private async Task RunAsync(NpgsqlDataSource dataSource)
    {
        const string sql = """
            select coalesce((select substring(query from 'frames_1[mh]') from pg_stat_activity
                             where application_name = @name and state = 'active' limit 1), '')
                   || case when exists (select 1 from pg_stat_activity where backend_type = 'autovacuum worker') then ' vacuum' else '' end,
                   (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint,
                   (select wal_fpi from pg_stat_wal),
                   (select checkpoints_timed + checkpoints_req from pg_stat_bgwriter),
                   pg_database_size(current_database())
            """;
        using var timer = new PeriodicTimer(s_tick);
        do
        {
            (string Background, long Wal, long FullPageImages, long Checkpoints, long DatabaseBytes) db;
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(_stop.Token);
                db = await conn.QuerySingleAsync<(string, long, long, long, long)>(new CommandDefinition(sql, new { name = BackgroundConnection.ApplicationName }, cancellationToken: _stop.Token));
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException)
            {
                db = _ticks.Count > 0 ? ("", _ticks[^1].Wal, _ticks[^1].FullPageImages, _ticks[^1].Checkpoints, _ticks[^1].DatabaseBytes) : ("", 0, 0, 0, 0);
            }

            lock (_ticks)
            {
                _ticks.Add(new Tick(Stopwatch.GetElapsedTime(_started), GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1),
                    GC.CollectionCount(2), GC.GetGCMemoryInfo(GCKind.Ephemeral).PromotedBytes / 1048576.0, db.Background, db.Wal, db.FullPageImages, db.Checkpoints,
                    db.DatabaseBytes));
            }
        }
        while (await WaitAsync(timer));
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Database growth and WAL in bytes per second: least-squares slopes of PostgreSQL's own counters (pg_database_size, the
    /// WAL position) sampled once a second, so a minute's rollup write or a checkpoint weighs what it weighs on average.
    /// </summary>
    public (double DatabaseBytesPerSecond, double WalBytesPerSecond) Growth()
    {
        lock (_ticks)
        {
            var valid = _ticks.Where(t => t.DatabaseBytes > 0).ToList();
            return (Slope(valid, t => t.DatabaseBytes), Slope(valid, t => t.Wal));
        }
    }

    private static double Slope(IReadOnlyList<Tick> ticks, Func<Tick, long> value)
    {
        if (ticks.Count < 2)
        {
            return 0;
        }

        var meanX = ticks.Average(t => t.At.TotalSeconds);
        var meanY = ticks.Average(t => (double)value(t));
        var covariance = ticks.Sum(t => (t.At.TotalSeconds - meanX) * (value(t) - meanY));
        var variance = ticks.Sum(t => Math.Pow(t.At.TotalSeconds - meanX, 2));
        return variance > 0 ? covariance / variance : 0;
    }

    /// <summary>Sums per window (a gen-1 collection also counts as gen-0, a gen-2 as both).</summary>
    public IReadOnlyList<Window> ByWindow(TimeSpan window)
    {
        lock (_ticks)
        {
            var result = new List<Window>();
            for (var i = 1; i < _ticks.Count; i++)
            {
                var slot = (int)(_ticks[i].At / window);
                while (result.Count <= slot)
                {
                    result.Add(new Window(0, 0, 0, 0, 0, "", 0, 0, 0));
                }

                var (now, then, sum) = (_ticks[i], _ticks[i - 1], result[slot]);
                result[slot] = new Window(sum.GcPauseMs + (now.GcPause - then.GcPause).TotalMilliseconds,
                    sum.Gen0 + now.Gen0 - then.Gen0, sum.Gen1 + now.Gen1 - then.Gen1, sum.Gen2 + now.Gen2 - then.Gen2,
                    Math.Max(sum.PromotedMiB, now.PromotedMiB),
                    sum.Background + Initial(now.Background), sum.WalMiB + (now.Wal - then.Wal) / 1048576.0,
                    sum.FullPageImages + now.FullPageImages - then.FullPageImages,
                    sum.Checkpoints + now.Checkpoints - then.Checkpoints);
            }

            return result;
        }
    }

    /// <summary>A letter per second a rollup statement was seen running, M (minutes), H (hours), and V while autovacuum was.</summary>
    private static string Initial(string background) => (background.Split(' ')[0] switch
    {
        "frames_1m" => "M",
        "frames_1h" => "H",
        _ => "",
    }) + (background.EndsWith(" vacuum", StringComparison.Ordinal) ? "V" : "");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
