using Dapper;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>
/// One-minute rollups, each minute rolled once it has settled and again only when a batch for it is committed later
/// (an agent replaying its spool): which minutes got data is read from the batches committed since the last pass, so a
/// pass reads each minute's raw rows once instead of re-reading a trailing window. Counter deltas use the same reset rule
/// as live rates (a decrease means the counter restarted at zero); a counter's value before a range is the last value of
/// the rollup of its last minute (up to two minutes back), so the raw rows before the range are not read again.
/// Minutes that <see cref="StreamingRollups"/> folds at ingest are left to it, and not read again once it wrote them.
/// </summary>
public sealed class RollupBuilder(TimeProvider clock, StreamingRollups? streaming = null)
{
    /// <summary>How long after a minute ends its batches are waited for before it is rolled (agents push every 5 s).</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    /// <summary>The most raw time one statement reads: a backlog is worked off in steps that each finish well within a timeout.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromMinutes(10);

    /// <summary>The most minutes one pass (one transaction) rolls; the rest waits for the next pass.</summary>
    public const int MaxMinutesPerPass = 60;

    /// <summary>Where a rollup without a watermark starts.</summary>
    public static readonly TimeSpan FirstRunBackfill = TimeSpan.FromHours(6);

    /// <summary>Each rollup's statement over a [from, to) range; rolling a minute again replaces its rows.</summary>
    private static readonly (string Name, string Sql)[] s_rollups =
    [
        ("ipvs_rs_rollup_1m", IpvsSql),
        ("iptables_rule_rollup_1m", IptablesSql),
        ("nsx_filter_rollup_1m", NsxSql),
    ];

    public async Task<RollupPass> RunAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await BackgroundConnection.OpenAsync(dataSource, ct);
        var rows = 0;
        foreach (var (name, sql) in s_rollups)
        {
            for (var pass = 0; pass < 50; pass++)
            {
                var (written, more) = await RollOnceAsync(conn, name, sql, now, ct);
                rows += written;
                if (!more)
                {
                    break;
                }
            }
        }

        return new RollupPass(SettledBefore(now), rows);
    }

    /// <summary>Minutes that started before this instant have settled.</summary>
    public static DateTimeOffset SettledBefore(DateTimeOffset now) => Minute(now - Settle);

    /// <summary>The one-minute bucket (UTC) holding <paramref name="t"/>.</summary>
    internal static DateTimeOffset Minute(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    /// <summary>Takes the pass locks of these rollup tables for the transaction; false when a pass elsewhere holds any of them.</summary>
    internal static Task<bool> TryLockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<string> tables, CancellationToken ct) =>
        conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select bool_and(pg_try_advisory_xact_lock(hashtext(t))) from unnest(@tables) t", new { tables }, tx, cancellationToken: ct));

    private async Task<(int Rows, bool More)> RollOnceAsync(
        NpgsqlConnection conn, string name, string sql, DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        // One pass per rollup at a time, across server instances: two would deadlock on the same rows.
        if (!await TryLockAsync(conn, tx, [name], ct))
        {
            return (0, false);
        }

        await conn.ExecuteAsync(new CommandDefinition(PassSettingsSql, transaction: tx, cancellationToken: ct));

        const string state = "select upto, seen::text as seen from rollup_watermarks where name = @name";
        var watermark = await conn.QuerySingleOrDefaultAsync<(DateTime? Upto, string? Seen)>(new CommandDefinition(state, new { name }, tx, cancellationToken: ct));
        var (snapshot, fresh) = watermark.Seen is { } seen
            ? await CommittedSinceAsync(conn, tx, seen, ct)
            : await EveryMinuteSinceAsync(conn, tx, watermark.Upto is { } u ? new DateTimeOffset(DateTime.SpecifyKind(u, DateTimeKind.Utc)) : now - FirstRunBackfill, now, ct);

        const string pending = "delete from rollup_pending where name = @name returning bucket";
        var carried = await conn.QueryAsync<DateTime>(new CommandDefinition(pending, new { name }, tx, cancellationToken: ct));
        var minutes = fresh.Concat(carried.Select(b => new DateTimeOffset(DateTime.SpecifyKind(b, DateTimeKind.Utc))))
            .Select(Minute).Distinct().Order().ToList();
        var settledBefore = SettledBefore(now);
        var settled = minutes.Where(m => m < settledBefore && streaming?.Owns(m) != true).ToList();
        var written = await WrittenFromMemoryAsync(conn, tx, settled, ct);
        settled.RemoveAll(written.Contains);
        var roll = settled.Take(MaxMinutesPerPass).ToList();

        var rows = 0;
        foreach (var (from, to) in Ranges(roll))
        {
            rows += await conn.ExecuteAsync(new CommandDefinition(sql, new { from, to }, tx, commandTimeout: 600, cancellationToken: ct));
        }

        var later = minutes.Except(roll).Except(written).Select(m => m.UtcDateTime).ToArray();
        if (later.Length > 0)
        {
            const string keep = "insert into rollup_pending (name, bucket) select @name, unnest(@later) on conflict do nothing";
            await conn.ExecuteAsync(new CommandDefinition(keep, new { name, later }, tx, cancellationToken: ct));
        }

        const string advance = """
            insert into rollup_watermarks (name, upto, seen) values (@name, coalesce(@upto, @nothingBefore), @snapshot::pg_snapshot)
            on conflict (name) do update set upto = greatest(rollup_watermarks.upto, @upto), seen = excluded.seen
            """;
        DateTime? upto = roll.Count > 0 ? roll[^1].UtcDateTime : null;
        var nothingBefore = settledBefore.AddMinutes(-1).UtcDateTime;
        await conn.ExecuteAsync(new CommandDefinition(advance, new { name, upto, nothingBefore, snapshot }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (rows, settled.Count > roll.Count);
    }

    /// <summary>Minutes written from memory whose journal still holds exactly the batches that went into them.</summary>
    private async Task<HashSet<DateTimeOffset>> WrittenFromMemoryAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<DateTimeOffset> minutes, CancellationToken ct)
    {
        var written = streaming?.Written(minutes) ?? new Dictionary<DateTimeOffset, int>();
        if (written.Count == 0)
        {
            return [];
        }

        var counts = await BatchJournal.BatchesPerMinuteAsync(conn, tx, written.Keys.Min(), written.Keys.Max().AddMinutes(1), ct);
        return written.Where(w => counts.GetValueOrDefault(w.Key) == w.Value).Select(w => w.Key).ToHashSet();
    }

    /// <summary>The minutes of batches committed since the last pass's snapshot, read in the same statement as the new snapshot.</summary>
    private static async Task<(string Snapshot, IEnumerable<DateTimeOffset> Minutes)> CommittedSinceAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, string seen, CancellationToken ct)
    {
        const string sql = """
            select pg_current_snapshot()::text as snapshot,
                   array(select distinct date_trunc('minute', collected_at) from ingest_batches
                         where committed_by >= pg_snapshot_xmin(@seen::pg_snapshot)
                           and not pg_visible_in_snapshot(committed_by, @seen::pg_snapshot)) as minutes
            """;
        var row = await conn.QuerySingleAsync<(string Snapshot, DateTime[] Minutes)>(new CommandDefinition(sql, new { seen }, tx, cancellationToken: ct));
        return (row.Snapshot, row.Minutes.Select(m => new DateTimeOffset(DateTime.SpecifyKind(m, DateTimeKind.Utc))));
    }

    /// <summary>No snapshot yet (first run, or data from before batches were tracked): every minute from the start to now.</summary>
    private static async Task<(string Snapshot, IEnumerable<DateTimeOffset> Minutes)> EveryMinuteSinceAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset from, DateTimeOffset now, CancellationToken ct)
    {
        var snapshot = await conn.ExecuteScalarAsync<string>(new CommandDefinition("select pg_current_snapshot()::text", transaction: tx, cancellationToken: ct));
        var minutes = new List<DateTimeOffset>();
        for (var m = Minute(from); m <= Minute(now); m = m.AddMinutes(1))
        {
            minutes.Add(m);
        }

        return (snapshot!, minutes);
    }

    /// <summary>Consecutive minutes joined into [from, to) ranges of at most MaxWindow.</summary>
    private static IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Ranges(IReadOnlyList<DateTimeOffset> minutes)
    {
        for (var i = 0; i < minutes.Count;)
        {
            var from = minutes[i];
            var to = from.AddMinutes(1);
            i++;
            while (i < minutes.Count && minutes[i] == to && to - from < MaxWindow)
            {
                to = to.AddMinutes(1);
                i++;
            }

            yield return (from, to);
        }
    }

    /// <summary>
    /// One process with its groups in memory: parallel workers would not inherit the pass's low priority and would take
    /// the cores ingest needs, and the default work_mem sends a minute's groups through an on-disk sort.
    /// </summary>
    public const string PassSettingsSql = "set local max_parallel_workers_per_gather = 0; set local work_mem = '32MB'";

    public const string IpvsSql = """
        insert into ipvs_rs_rollup_1m (bucket, director, protocol, virtual, destination, samples,
            connections_avg, connections_max, syn_recv_avg, syn_recv_max)
        select date_trunc('minute', collected_at), director, protocol, virtual, destination, count(*),
               avg(connections), max(connections), avg(syn_recv), max(syn_recv)
        from ipvs_rs_samples
        where collected_at >= @from and collected_at < @to
        group by 1, 2, 3, 4, 5
        on conflict (director, virtual, destination, protocol, bucket) do update set
            samples = excluded.samples, connections_avg = excluded.connections_avg, connections_max = excluded.connections_max,
            syn_recv_avg = excluded.syn_recv_avg, syn_recv_max = excluded.syn_recv_max
        """;

    public const string IptablesSql = """
        insert into iptables_rule_rollup_1m (bucket, rule_id, packets_last, bytes_last, packets_delta, bytes_delta)
        select date_trunc('minute', collected_at), rule_id,
               (array_agg(packets order by collected_at desc))[1],
               (array_agg(bytes order by collected_at desc))[1],
               sum(case when prev_packets is null then 0 when packets >= prev_packets then packets - prev_packets else packets end),
               sum(case when prev_bytes is null then 0 when bytes >= prev_bytes then bytes - prev_bytes else bytes end)
        from (
            select rule_id, collected_at, packets, bytes,
                   lag(packets) over w as prev_packets, lag(bytes) over w as prev_bytes
            from (
                select rule_id, collected_at, packets, bytes
                from iptables_rule_samples
                where collected_at >= @from and collected_at < @to
                union all
                (select distinct on (rule_id) rule_id, bucket, packets_last, bytes_last
                 from iptables_rule_rollup_1m
                 where bucket >= @from - interval '2 minutes' and bucket < @from
                 order by rule_id, bucket desc)
            ) u
            window w as (partition by rule_id order by collected_at)
        ) s
        where collected_at >= @from
        group by 1, 2
        on conflict (bucket, rule_id) do update set
            packets_last = excluded.packets_last, bytes_last = excluded.bytes_last,
            packets_delta = excluded.packets_delta, bytes_delta = excluded.bytes_delta
        """;

    public const string NsxSql = """
        insert into nsx_filter_rollup_1m (bucket, filter_id, reason, value_last, delta)
        select date_trunc('minute', collected_at), filter_id, reason,
               (array_agg(value order by collected_at desc))[1],
               sum(case when prev_value is null then 0 when value >= prev_value then value - prev_value else value end)
        from (
            select filter_id, reason, collected_at, value,
                   lag(value) over (partition by filter_id, reason order by collected_at) as prev_value
            from (
                select filter_id, reason, collected_at, value
                from nsx_filter_samples
                where collected_at >= @from and collected_at < @to
                union all
                (select distinct on (filter_id, reason) filter_id, reason, bucket, value_last
                 from nsx_filter_rollup_1m
                 where bucket >= @from - interval '2 minutes' and bucket < @from
                 order by filter_id, reason, bucket desc)
            ) u
        ) s
        where collected_at >= @from
        group by 1, 2, 3
        on conflict (bucket, filter_id, reason) do update set value_last = excluded.value_last, delta = excluded.delta
        """;
}

public sealed record RollupPass(DateTimeOffset Upto, int Rows);
