using Dapper;
using Dashboard.Server.Storage.Frames;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>
/// One-minute and one-hour rollup frames. Each minute is rolled once it has settled and again only when a batch for it is
/// committed later (an agent replaying its spool): which minutes got data is read from the batches committed since the last
/// pass, so a pass reads each minute's raw frames once. Raw frames are compact, so a minute is read back and folded here
/// (<see cref="FrameRollup"/>, one counter-reset rule) rather than kept in memory at ingest. An hour is rolled from its
/// minutes once they have all settled, and again whenever one of its minutes is rolled again.
/// </summary>
public sealed class RollupBuilder(TimeProvider clock, FrameReader reader, FrameWriter writer)
{
    /// <summary>How long after a minute ends its batches are waited for before it is rolled (agents push every 5 s).</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    /// <summary>The most minutes one read of raw frames covers: a backlog is worked off in steps.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromMinutes(10);

    /// <summary>The most minutes one pass (one transaction) rolls; the rest waits for the next pass.</summary>
    public const int MaxMinutesPerPass = 60;

    /// <summary>Where a rollup without a watermark starts.</summary>
    public static readonly TimeSpan FirstRunBackfill = TimeSpan.FromHours(6);

    public const string MinuteRollup = "frames_1m";
    public const string HourRollup = "frames_1h";

    public async Task<RollupPass> RunAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await BackgroundConnection.OpenAsync(dataSource, ct);
        var rows = 0;
        for (var pass = 0; pass < 50; pass++)
        {
            var (written, more) = await RollMinutesAsync(conn, now, ct);
            rows += written;
            if (!more)
            {
                break;
            }
        }

        rows += await RollHoursAsync(conn, now, ct);
        return new RollupPass(SettledBefore(now), rows);
    }

    /// <summary>Minutes that started before this instant have settled.</summary>
    public static DateTimeOffset SettledBefore(DateTimeOffset now) => Minute(now - Settle);

    /// <summary>The one-minute bucket (UTC) holding <paramref name="t"/>.</summary>
    internal static DateTimeOffset Minute(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    /// <summary>The one-hour bucket (UTC) holding <paramref name="t"/>.</summary>
    internal static DateTimeOffset Hour(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);

    /// <summary>Takes the pass locks of these rollup tables for the transaction; false when a pass elsewhere holds any of them.</summary>
    internal static Task<bool> TryLockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<string> tables, CancellationToken ct) =>
        conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select bool_and(pg_try_advisory_xact_lock(hashtext(t))) from unnest(@tables) t", new { tables }, tx, cancellationToken: ct));

    private async Task<(int Rows, bool More)> RollMinutesAsync(NpgsqlConnection conn, DateTimeOffset now, CancellationToken ct)
    {
        const string name = MinuteRollup;
        await using var tx = await conn.BeginTransactionAsync(ct);
        // One pass at a time, across server instances: two would deadlock on the same rows.
        if (!await TryLockAsync(conn, tx, [name], ct))
        {
            return (0, false);
        }

        const string state = "select upto, seen::text as seen from rollup_watermarks where name = @name";
        var watermark = await conn.QuerySingleOrDefaultAsync<(DateTime? Upto, string? Seen)>(new CommandDefinition(state, new { name }, tx, cancellationToken: ct));
        var (snapshot, fresh) = watermark.Seen is { } seen
            ? await CommittedSinceAsync(conn, tx, seen, ct)
            : await EveryMinuteSinceAsync(conn, tx, watermark.Upto is { } u ? new DateTimeOffset(DateTime.SpecifyKind(u, DateTimeKind.Utc)) : now - FirstRunBackfill, now, ct);

        const string pending = "delete from rollup_pending where name = @name returning bucket";
        var carried = await conn.QueryAsync<DateTime>(new CommandDefinition(pending, new { name }, tx, cancellationToken: ct));
        // A batch late for a minute already rolled also changes the counters' increases of the minutes after it that start
        // from its values (at most FrameRollup.Carry later): those are rolled again with it.
        DateTimeOffset? rolledUpTo = watermark.Upto is { } w ? new DateTimeOffset(DateTime.SpecifyKind(w, DateTimeKind.Utc)) : null;
        var minutes = fresh.Select(Minute)
            .SelectMany(m => m <= rolledUpTo ? Enumerable.Range(0, (int)FrameRollup.Carry.TotalMinutes + 1).Select(i => m.AddMinutes(i)).Where(a => a <= rolledUpTo) : [m])
            .Concat(carried.Select(b => new DateTimeOffset(DateTime.SpecifyKind(b, DateTimeKind.Utc))))
            .Select(Minute).Distinct().Order().ToList();
        var settledBefore = SettledBefore(now);
        var settled = minutes.Where(m => m < settledBefore).ToList();
        var roll = settled.Take(MaxMinutesPerPass).ToList();

        var rows = 0;
        var learned = new FrameWriter.Pending();
        foreach (var (from, to) in Ranges(roll))
        {
            rows += await RollRangeAsync(conn, tx, from, to, learned, ct);
        }

        var later = minutes.Except(roll).Select(m => m.UtcDateTime).ToArray();
        var hours = roll.Select(Hour).Distinct().Select(h => h.UtcDateTime).ToArray();
        const string keep = """
            insert into rollup_pending (name, bucket) select @name, unnest(@later) on conflict do nothing;
            insert into rollup_pending (name, bucket) select @hourName, unnest(@hours) on conflict do nothing
            """;
        await conn.ExecuteAsync(new CommandDefinition(keep, new { name, later, hourName = HourRollup, hours }, tx, cancellationToken: ct));

        const string advance = """
            insert into rollup_watermarks (name, upto, seen) values (@name, coalesce(@upto, @nothingBefore), @snapshot::pg_snapshot)
            on conflict (name) do update set upto = greatest(rollup_watermarks.upto, @upto), seen = excluded.seen
            """;
        DateTime? upto = roll.Count > 0 ? roll[^1].UtcDateTime : null;
        var nothingBefore = settledBefore.AddMinutes(-1).UtcDateTime;
        await conn.ExecuteAsync(new CommandDefinition(advance, new { name, upto, nothingBefore, snapshot }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        writer.Committed(learned);
        return (rows, settled.Count > roll.Count);
    }

    /// <summary>Rolls the minutes of [from, to) of every host that has raw frames in it; returns the frames written.</summary>
    private async Task<int> RollRangeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset from, DateTimeOffset to, FrameWriter.Pending learned,
        CancellationToken ct)
    {
        const string hostsSql = "select distinct host, kind from frames_raw where at >= @from and at < @to";
        var sources = await conn.QueryAsync<(string Host, short Kind)>(new CommandDefinition(hostsSql, new { from, to }, tx, cancellationToken: ct));
        var written = 0;
        foreach (var (host, kindNumber) in sources)
        {
            var kind = (FrameKind)kindNumber;
            var frames = await reader.ReadRangeAsync(conn, FrameTier.Raw, host, kind, from, to, ct);
            // Counters carry from the last frame before the range; gauges (real servers' counts) need nothing before it.
            var before = kind == FrameKind.IpvsRealServers ? null : await reader.ReadLastBeforeAsync(conn, host, kind, from - FrameRollup.Carry, from, ct);
            foreach (var minute in frames.GroupBy(f => Minute(f.At)))
            {
                var inMinute = minute.ToList();
                if (FrameRollup.FoldRaw(kind, minute.Key, before, inMinute) is { } rolled)
                {
                    await writer.WriteRollupAsync(conn, tx, FrameTier.Minute, host, minute.Key, rolled, learned, ct);
                    written++;
                }

                before = inMinute[^1];
            }
        }

        return written;
    }

    /// <summary>Rolls the hours whose minutes have all settled and were rolled (again) since the hour was last rolled.</summary>
    private async Task<int> RollHoursAsync(NpgsqlConnection conn, DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await TryLockAsync(conn, tx, [HourRollup], ct))
        {
            return 0;
        }

        const string due = "delete from rollup_pending where name = @name and bucket + interval '1 hour' <= @settledBefore returning bucket";
        var hours = await conn.QueryAsync<DateTime>(new CommandDefinition(due, new { name = HourRollup, settledBefore = SettledBefore(now) }, tx, cancellationToken: ct));
        var written = 0;
        var learned = new FrameWriter.Pending();
        foreach (var hour in hours.Select(h => new DateTimeOffset(DateTime.SpecifyKind(h, DateTimeKind.Utc))))
        {
            const string hostsSql = "select distinct host, kind from frames_1m where at >= @from and at < @to";
            var sources = await conn.QueryAsync<(string Host, short Kind)>(new CommandDefinition(hostsSql, new { from = hour, to = hour.AddHours(1) }, tx, cancellationToken: ct));
            foreach (var (host, kind) in sources)
            {
                var minutes = await reader.ReadRangeAsync(conn, FrameTier.Minute, host, (FrameKind)kind, hour, hour.AddHours(1), ct);
                if (FrameRollup.FoldRollups((FrameKind)kind, minutes.Select(m => m.Data).ToList()) is { } rolled)
                {
                    await writer.WriteRollupAsync(conn, tx, FrameTier.Hour, host, hour, rolled, learned, ct);
                    written++;
                }
            }
        }

        await tx.CommitAsync(ct);
        writer.Committed(learned);
        return written;
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
}

public sealed record RollupPass(DateTimeOffset Upto, int Rows);
