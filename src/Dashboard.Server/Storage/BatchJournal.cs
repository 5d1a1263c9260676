using Dapper;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>Reads of the idempotency journal (ingest_batches), which records every committed batch.</summary>
public static class BatchJournal
{
    /// <summary>How many batches were committed for each minute in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static async Task<Dictionary<DateTimeOffset, int>> BatchesPerMinuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        const string sql = """
            select date_trunc('minute', collected_at) as bucket, count(*)::int as batches
            from ingest_batches where collected_at >= @from and collected_at < @to
            group by 1
            """;
        var rows = await conn.QueryAsync<(DateTime Bucket, int Batches)>(new CommandDefinition(sql, new { from, to }, tx, cancellationToken: ct));
        return rows.ToDictionary(r => new DateTimeOffset(DateTime.SpecifyKind(r.Bucket, DateTimeKind.Utc)), r => r.Batches);
    }
}
