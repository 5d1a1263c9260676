using System.Text.Json;
using Dapper;
using Dashboard.Server.Storage;
using Npgsql;

namespace Dashboard.Server.Alerting;

/// <summary>Silences in PostgreSQL; expiring one ends it now, it is never deleted.</summary>
public sealed class SilenceRepository(DashboardDatabase database)
{
    private const string Columns = "id, matchers::text as matchers, created_by, comment, starts_at, ends_at, created_at";

    public async Task<long> CreateAsync(IReadOnlyList<SilenceMatcher> matchers, string createdBy, string comment, DateTimeOffset startsAt,
        DateTimeOffset endsAt, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            insert into alert_silences (matchers, created_by, comment, starts_at, ends_at, created_at)
            values (@matchers::jsonb, @createdBy, @comment, @startsAt, @endsAt, @now)
            returning id
            """;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition(sql,
            new { matchers = JsonSerializer.Serialize(matchers, AlertingJson.Options), createdBy, comment, startsAt, endsAt, now }, cancellationToken: ct));
    }

    /// <summary>Ends a silence now; false when it does not exist or has already ended.</summary>
    public async Task<bool> ExpireAsync(long id, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = "update alert_silences set ends_at = @now where id = @id and ends_at > @now";
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { id, now }, cancellationToken: ct)) == 1;
    }

    /// <summary>Silences not yet ended (active or scheduled), then the most recently ended.</summary>
    public async Task<List<Silence>> ListAsync(DateTimeOffset now, int endedLimit, CancellationToken ct)
    {
        const string sql = $"""
            (select {Columns} from alert_silences where ends_at > @now order by starts_at)
            union all
            (select {Columns} from alert_silences where ends_at <= @now order by ends_at desc limit @endedLimit)
            """;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        return Read(await conn.QueryAsync<Row>(new CommandDefinition(sql, new { now, endedLimit }, cancellationToken: ct)));
    }

    public static async Task<List<Silence>> ActiveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = $"select {Columns} from alert_silences where starts_at <= @now and ends_at > @now";
        return Read(await conn.QueryAsync<Row>(new CommandDefinition(sql, new { now }, tx, cancellationToken: ct)));
    }

    public async Task<List<Silence>> ActiveAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        return await ActiveAsync(conn, tx, now, ct);
    }

    private static List<Silence> Read(IEnumerable<Row> rows) => rows.Select(r => new Silence(
        r.Id,
        JsonSerializer.Deserialize<List<SilenceMatcher>>(r.Matchers, AlertingJson.Options) ?? [],
        r.CreatedBy,
        r.Comment,
        new DateTimeOffset(DateTime.SpecifyKind(r.StartsAt, DateTimeKind.Utc)),
        new DateTimeOffset(DateTime.SpecifyKind(r.EndsAt, DateTimeKind.Utc)),
        new DateTimeOffset(DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc)))).ToList();

    private sealed class Row
    {
        public long Id { get; set; }
        public string Matchers { get; set; } = "[]";
        public string CreatedBy { get; set; } = "";
        public string Comment { get; set; } = "";
        public DateTime StartsAt { get; set; }
        public DateTime EndsAt { get; set; }
        public DateTime CreatedAt { get; set; }
    }
}
