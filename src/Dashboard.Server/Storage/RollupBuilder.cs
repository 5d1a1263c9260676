using Dapper;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>
/// One-minute rollups rebuilt over a trailing window (late samples are folded in); counter deltas use the same reset
/// rule as live rates: a decrease means the counter restarted at zero.
/// </summary>
public sealed class RollupBuilder(TimeProvider clock)
{
    /// <summary>How far behind the watermark each pass recomputes, so samples that arrive late still count.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromMinutes(2);

    /// <summary>The most raw time one pass reads: a backlog is worked off in steps that each finish well within a timeout.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromMinutes(10);

    /// <summary>Where a rollup without a watermark starts.</summary>
    public static readonly TimeSpan FirstRunBackfill = TimeSpan.FromHours(6);

    public async Task<RollupPass> RunAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var to = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = 0;
        rows += await RollAsync(conn, "ipvs_rs_rollup_1m", IpvsSql, to, now, ct);
        rows += await RollAsync(conn, "iptables_rule_rollup_1m", IptablesSql, to, now, ct);
        rows += await RollAsync(conn, "nsx_filter_rollup_1m", NsxSql, to, now, ct);
        return new RollupPass(to, rows);
    }

    /// <summary>Passes over one rollup until it has caught up with the current minute (a backlog takes several).</summary>
    private static async Task<int> RollAsync(NpgsqlConnection conn, string name, string sql, DateTimeOffset to, DateTimeOffset now, CancellationToken ct)
    {
        var rows = 0;
        for (var pass = 0; pass < 200; pass++)
        {
            var (written, reached) = await RollOnceAsync(conn, name, sql, to, now, ct);
            rows += written;
            if (reached >= to)
            {
                break;
            }
        }

        return rows;
    }

    private static async Task<(int Rows, DateTimeOffset Reached)> RollOnceAsync(NpgsqlConnection conn, string name, string sql, DateTimeOffset to, DateTimeOffset now, CancellationToken ct)
    {
        const string watermark = "select upto from rollup_watermarks where name = @name";
        var upto = await conn.ExecuteScalarAsync<DateTime?>(new CommandDefinition(watermark, new { name }, cancellationToken: ct));
        var from = upto is { } u ? new DateTimeOffset(DateTime.SpecifyKind(u, DateTimeKind.Utc)) - Lookback : now - FirstRunBackfill;
        var from0 = new DateTimeOffset(from.Year, from.Month, from.Day, from.Hour, from.Minute, 0, TimeSpan.Zero);
        var end = to - from0 > MaxWindow ? from0 + MaxWindow : to;

        await using var tx = await conn.BeginTransactionAsync(ct);
        // One pass per rollup at a time, across server instances: two would deadlock on the same rows.
        var locked = await conn.ExecuteScalarAsync<bool>(new CommandDefinition("select pg_try_advisory_xact_lock(hashtext(@name))", new { name }, tx, cancellationToken: ct));
        if (!locked)
        {
            return (0, to);
        }

        var rows = await conn.ExecuteAsync(new CommandDefinition(sql, new { from = from0, to = end }, tx, commandTimeout: 600, cancellationToken: ct));
        const string advance = """
            insert into rollup_watermarks (name, upto) values (@name, @to)
            on conflict (name) do update set upto = greatest(rollup_watermarks.upto, excluded.upto)
            """;
        await conn.ExecuteAsync(new CommandDefinition(advance, new { name, to = end.AddMinutes(-1) }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (rows, end);
    }

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
            from iptables_rule_samples
            where collected_at >= @from - interval '2 minutes' and collected_at < @to
            window w as (partition by rule_id order by collected_at)
        ) s
        where collected_at >= @from
        group by 1, 2
        on conflict (rule_id, bucket) do update set
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
            from nsx_filter_samples
            where collected_at >= @from - interval '2 minutes' and collected_at < @to
        ) s
        where collected_at >= @from
        group by 1, 2, 3
        on conflict (filter_id, reason, bucket) do update set value_last = excluded.value_last, delta = excluded.delta
        """;
}

public sealed record RollupPass(DateTimeOffset Upto, int Rows);
