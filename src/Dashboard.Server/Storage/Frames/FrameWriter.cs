using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Server.Storage.Frames;

/// <summary>
/// Writes frames: raw ones linked to the host's previous frame where <see cref="FrameChains"/> allows (counters as
/// differences), rollup ones whole, replacing a bucket rolled again. What it learns (layouts, chain ends) is remembered only
/// once the caller's transaction commits (<see cref="Committed"/>).
/// </summary>
public sealed class FrameWriter(FrameLayouts layouts, FrameChains chains)
{
    /// <summary>What a transaction's frames taught, to be remembered once it commits.</summary>
    public sealed class Pending
    {
        internal List<KeyValuePair<string, long>> Layouts { get; } = [];
        internal List<(string Host, FrameKind Kind, FrameChains.Link Link)> Links { get; } = [];
    }

    public async Task WriteRawAsync(NpgsqlConnection conn, string host, DateTimeOffset at, IReadOnlyList<FrameData> frames, Pending pending, CancellationToken ct)
    {
        if (frames.Count == 0)
        {
            return;
        }

        var rows = new List<(short Kind, long LayoutId, DateTimeOffset? PrevAt, byte[] Payload)>(frames.Count);
        foreach (var frame in frames)
        {
            var layoutId = await layouts.ResolveAsync(conn, frame.Kind, frame.Fields, frame.Series, pending.Layouts, ct);
            // Frames of gauges only (IPVS real servers) gain nothing from a link: they stay whole, with no chain to read back.
            var link = frame.Fields.Any(f => FrameFields.IsCounter(frame.Kind, f)) ? chains.LinkFor(host, frame.Kind, at, layoutId) : null;
            var stored = link is null ? frame.Values : Differences(frame, link.Values);
            rows.Add(((short)frame.Kind, layoutId, link?.At, FrameCodec.Encode(frame.Series.Count, stored)));
            pending.Links.Add((host, frame.Kind, new FrameChains.Link(at, layoutId, frame.Values, link is null ? 0 : link.Length + 1)));
        }

        const string copy = "copy frames_raw (at, host, kind, layout_id, prev_at, payload) from stdin (format binary)";
        await using var importer = await conn.BeginBinaryImportAsync(copy, ct);
        foreach (var (kind, layoutId, prevAt, payload) in rows)
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(at, NpgsqlDbType.TimestampTz, ct);
            await importer.WriteAsync(host, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(kind, NpgsqlDbType.Smallint, ct);
            await importer.WriteAsync(layoutId, NpgsqlDbType.Bigint, ct);
            if (prevAt is { } p)
            {
                await importer.WriteAsync(p, NpgsqlDbType.TimestampTz, ct);
            }
            else
            {
                await importer.WriteNullAsync(ct);
            }

            await importer.WriteAsync(payload, NpgsqlDbType.Bytea, ct);
        }

        await importer.CompleteAsync(ct);
    }

    /// <summary>Writes (or replaces) the rollup frame of a host, kind and bucket in <paramref name="tier"/>.</summary>
    public async Task WriteRollupAsync(NpgsqlConnection conn, NpgsqlTransaction tx, FrameTier tier, string host, DateTimeOffset bucket, FrameData frame,
        Pending pending, CancellationToken ct)
    {
        var layoutId = await layouts.ResolveAsync(conn, frame.Kind, frame.Fields, frame.Series, pending.Layouts, ct);
        // The table name comes from the tier, never from input.
        var sql = $"""
            insert into {tier.Table} (at, host, kind, layout_id, payload) values (@bucket, @host, @kind, @layoutId, @payload)
            on conflict (host, kind, at) do update set layout_id = excluded.layout_id, payload = excluded.payload
            """;
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            bucket, host, kind = (short)frame.Kind, layoutId, payload = FrameCodec.Encode(frame.Series.Count, frame.Values),
        }, tx, cancellationToken: ct));
    }

    public void Committed(Pending pending)
    {
        layouts.Committed(pending.Layouts);
        foreach (var (host, kind, link) in pending.Links)
        {
            chains.Committed(host, kind, link);
        }
    }

    private static long?[][] Differences(FrameData frame, long?[][] previous)
    {
        var stored = new long?[frame.Values.Length][];
        for (var f = 0; f < stored.Length; f++)
        {
            if (!FrameFields.IsCounter(frame.Kind, frame.Fields[f]))
            {
                stored[f] = frame.Values[f];
                continue;
            }

            var column = frame.Values[f];
            var before = previous[f];
            stored[f] = new long?[column.Length];
            for (var s = 0; s < column.Length; s++)
            {
                stored[f][s] = FrameCodec.Difference(before[s], column[s]);
            }
        }

        return stored;
    }
}

/// <summary>A table of frames and how much time one of its frames covers.</summary>
public sealed record FrameTier(string Table, TimeSpan Bucket)
{
    public static readonly FrameTier Raw = new("frames_raw", TimeSpan.Zero);
    public static readonly FrameTier Minute = new("frames_1m", TimeSpan.FromMinutes(1));
    public static readonly FrameTier Hour = new("frames_1h", TimeSpan.FromHours(1));
}
