using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Dashboard.Server.Storage.Frames;

/// <summary>
/// Layout ids by digest of (kind, fields, series): a steady host uses the same layout push after push, so it is looked up
/// in memory; a new one is written once (the digest is migration 0011's <c>frame_layout_digest</c>, so SQL and this agree).
/// </summary>
public sealed class FrameLayouts
{
    private readonly ConcurrentDictionary<string, long> _ids = new();

    /// <param name="resolved">Gets the layouts looked up in the database; add them with <see cref="Committed"/> once the transaction commits.</param>
    public async Task<long> ResolveAsync(NpgsqlConnection conn, FrameKind kind, IReadOnlyList<string> fields, IReadOnlyList<long> series,
        List<KeyValuePair<string, long>> resolved, CancellationToken ct)
    {
        var digest = Digest(kind, fields, series);
        var key = Convert.ToHexString(digest);
        if (_ids.TryGetValue(key, out var id))
        {
            return id;
        }

        const string upsert = """
            with added as (
                insert into frame_layouts (kind, columns, series, digest) values (@kind, @fields, @series, @digest)
                on conflict (digest) do nothing
                returning id
            )
            select id from added union all select id from frame_layouts where digest = @digest
            limit 1
            """;
        id = await conn.ExecuteScalarAsync<long>(new CommandDefinition(upsert,
            new { kind = (short)kind, fields = fields.ToArray(), series = series.ToArray(), digest }, cancellationToken: ct));
        if (id == 0)
        {
            // Another transaction added the same layout while this statement ran: its row is visible to the next statement.
            id = await conn.ExecuteScalarAsync<long>(new CommandDefinition("select id from frame_layouts where digest = @digest", new { digest }, cancellationToken: ct));
        }
        resolved.Add(new(key, id));
        return id;
    }

    /// <summary>Only committed layouts are remembered: a rolled-back one does not exist.</summary>
    public void Committed(IEnumerable<KeyValuePair<string, long>> resolved)
    {
        foreach (var (key, id) in resolved)
        {
            _ids[key] = id;
        }
    }

    public static byte[] Digest(FrameKind kind, IReadOnlyList<string> fields, IReadOnlyList<long> series)
    {
        var text = new StringBuilder();
        text.Append(((short)kind).ToString(CultureInfo.InvariantCulture)).Append(':').AppendJoin(',', fields).Append(':');
        for (var i = 0; i < series.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(series[i].ToString(CultureInfo.InvariantCulture));
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }
}
