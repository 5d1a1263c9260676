using System.Collections.Concurrent;
using Dapper;
using Npgsql;

namespace Dashboard.Server.Storage.Frames;

/// <summary>A stored frame, its values whole (counters of linked frames added up), with its layout.</summary>
public sealed record StoredFrame(DateTimeOffset At, string Host, FrameData Data);

/// <summary>Reads frames back: decodes them and adds up linked frames' differences from the start of their chain.</summary>
public sealed class FrameReader
{
    private readonly ConcurrentDictionary<long, Layout> _layouts = new();

    private sealed record Layout(FrameKind Kind, string[] Fields, long[] Series);

    private sealed record Row(DateTime At, string Host, short Kind, long LayoutId, DateTime? PrevAt, byte[] Payload);

    /// <summary>Every frame of <paramref name="host"/> at exactly <paramref name="at"/>, of every kind.</summary>
    public async Task<IReadOnlyList<StoredFrame>> ReadAtAsync(NpgsqlConnection conn, string host, DateTimeOffset at, CancellationToken ct)
    {
        const string sql = """
            select at, host, kind, layout_id as layoutid, prev_at as prevat, payload from frames_raw where host = @host and at = @at
            """;
        var rows = (await conn.QueryAsync<Row>(new CommandDefinition(sql, new { host, at }, cancellationToken: ct))).AsList();
        var result = new List<StoredFrame>(rows.Count);
        foreach (var kind in rows.Select(r => r.Kind).Distinct())
        {
            result.AddRange(await ResolveAsync(conn, host, (FrameKind)kind, rows.Where(r => r.Kind == kind).ToList(), ct));
        }

        return result;
    }

    /// <summary>The frames of one host and kind in [from, to) of a tier, oldest first.</summary>
    public async Task<IReadOnlyList<StoredFrame>> ReadRangeAsync(NpgsqlConnection conn, FrameTier tier, string host, FrameKind kind, DateTimeOffset from,
        DateTimeOffset to, CancellationToken ct)
    {
        // The table name comes from the tier, never from input.
        var sql = tier == FrameTier.Raw
            ? """
              select at, host, kind, layout_id as layoutid, prev_at as prevat, payload from frames_raw
              where host = @host and kind = @kind and at >= @from and at < @to order by at
              """
            : $"""
              select at, host, kind, layout_id as layoutid, null::timestamptz as prevat, payload from {tier.Table}
              where host = @host and kind = @kind and at >= @from and at < @to order by at
              """;
        var rows = (await conn.QueryAsync<Row>(new CommandDefinition(sql, new { host, kind = (short)kind, from, to }, cancellationToken: ct))).AsList();
        return await ResolveAsync(conn, host, kind, rows, ct);
    }

    /// <summary>The last raw frame of one host and kind in [notBefore, before), or null (a counter's carry into a rollup bucket).</summary>
    public async Task<StoredFrame?> ReadLastBeforeAsync(NpgsqlConnection conn, string host, FrameKind kind, DateTimeOffset notBefore, DateTimeOffset before,
        CancellationToken ct)
    {
        const string sql = """
            select at, host, kind, layout_id as layoutid, prev_at as prevat, payload from frames_raw
            where host = @host and kind = @kind and at >= @notBefore and at < @before order by at desc limit 1
            """;
        var rows = (await conn.QueryAsync<Row>(new CommandDefinition(sql, new { host, kind = (short)kind, notBefore, before }, cancellationToken: ct))).AsList();
        return rows.Count == 0 ? null : (await ResolveAsync(conn, host, kind, rows, ct)).SingleOrDefault();
    }

    /// <summary>Decodes rows and adds up linked frames, fetching chain predecessors that are not among them.</summary>
    private async Task<List<StoredFrame>> ResolveAsync(NpgsqlConnection conn, string host, FrameKind kind, List<Row> rows, CancellationToken ct)
    {
        var byAt = new Dictionary<DateTime, Row>();
        foreach (var row in rows)
        {
            byAt.TryAdd(row.At, row);
        }

        // Predecessors outside the rows asked for: first every frame from the chain's start up to the latest one missing, in one
        // read; then, for chains that did not start there (a replay in between), a step at a time (at most FrameChains.MaxLinks).
        var missing = rows.Where(r => r.PrevAt is { } p && !byAt.ContainsKey(p)).Select(r => r.PrevAt!.Value).Distinct().ToArray();
        if (missing.Length > 0)
        {
            const string chain = """
                select at, host, kind, layout_id as layoutid, prev_at as prevat, payload from frames_raw
                where host = @host and kind = @kind and at <= @upto
                  and at >= coalesce((select max(at) from frames_raw where host = @host and kind = @kind and at <= @earliest and prev_at is null), @earliest)
                """;
            var found = await conn.QueryAsync<Row>(new CommandDefinition(chain, new { host, kind = (short)kind, upto = missing.Max(), earliest = missing.Min() },
                cancellationToken: ct));
            foreach (var row in found)
            {
                byAt.TryAdd(row.At, row);
            }

            missing = byAt.Values.Where(r => r.PrevAt is { } p && !byAt.ContainsKey(p)).Select(r => r.PrevAt!.Value).Distinct().ToArray();
        }

        for (var step = 0; missing.Length > 0 && step <= FrameChains.MaxLinks + 1; step++)
        {
            const string sql = """
                select at, host, kind, layout_id as layoutid, prev_at as prevat, payload from frames_raw
                where host = @host and kind = @kind and at = any(@ats)
                """;
            var found = (await conn.QueryAsync<Row>(new CommandDefinition(sql, new { host, kind = (short)kind, ats = missing }, cancellationToken: ct))).AsList();
            foreach (var row in found)
            {
                byAt.TryAdd(row.At, row);
            }

            missing = found.Where(r => r.PrevAt is { } p && !byAt.ContainsKey(p)).Select(r => r.PrevAt!.Value).Distinct().ToArray();
        }

        await LoadLayoutsAsync(conn, byAt.Values.Select(r => r.LayoutId), ct);
        var resolved = new Dictionary<DateTime, long?[][]?>();
        var result = new List<StoredFrame>(rows.Count);
        foreach (var row in rows)
        {
            if (Values(row, byAt, resolved, 0) is { } values)
            {
                var layout = _layouts[row.LayoutId];
                result.Add(new StoredFrame(new DateTimeOffset(DateTime.SpecifyKind(row.At, DateTimeKind.Utc)), row.Host,
                    new FrameData(layout.Kind, layout.Fields, layout.Series, values)));
            }
        }

        return result;
    }

    /// <summary>A frame's whole values, or null when its chain is broken (a predecessor no longer stored).</summary>
    private long?[][]? Values(Row row, Dictionary<DateTime, Row> byAt, Dictionary<DateTime, long?[][]?> resolved, int depth)
    {
        if (resolved.TryGetValue(row.At, out var known))
        {
            return known;
        }

        var own = FrameCodec.Decode(row.Payload);
        if (row.PrevAt is { } prevAt)
        {
            var previous = depth <= FrameChains.MaxLinks && byAt.TryGetValue(prevAt, out var prevRow) && prevRow.LayoutId == row.LayoutId
                ? Values(prevRow, byAt, resolved, depth + 1)
                : null;
            if (previous is null)
            {
                resolved[row.At] = null;
                return null;
            }

            var layout = _layouts[row.LayoutId];
            for (var f = 0; f < own.Length; f++)
            {
                if (FrameFields.IsCounter(layout.Kind, layout.Fields[f]))
                {
                    FrameCodec.AddDifferences(previous[f], own[f]);
                }
            }
        }

        resolved[row.At] = own;
        return own;
    }

    private async Task LoadLayoutsAsync(NpgsqlConnection conn, IEnumerable<long> ids, CancellationToken ct)
    {
        var unknown = ids.Distinct().Where(id => !_layouts.ContainsKey(id)).ToArray();
        if (unknown.Length == 0)
        {
            return;
        }

        const string sql = "select id, kind, columns, series from frame_layouts where id = any(@unknown)";
        foreach (var (id, kind, columns, series) in await conn.QueryAsync<(long, short, string[], long[])>(new CommandDefinition(sql, new { unknown }, cancellationToken: ct)))
        {
            // Layout rows never change, so they are kept for the life of the process.
            _layouts[id] = new Layout((FrameKind)kind, columns, series);
        }
    }
}
