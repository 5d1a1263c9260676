using Dapper;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>Channels added in the UI.</summary>
public sealed class ChannelRepository(DashboardDatabase database)
{
    public async Task<List<AlertChannel>> ListAsync(CancellationToken ct)
    {
        const string sql = "select name, kind, url, secret, language, enabled from alert_channels order by name";
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Name, string Kind, string Url, string? Secret, string Language, bool Enabled)>(
            new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => new AlertChannel(r.Name, r.Kind, r.Url, r.Secret, r.Language, r.Enabled, AlertChannel.FromUi)).ToList();
    }

    /// <summary>Adds or changes a channel; a null URL or secret keeps the stored one (the UI never has them to send back).</summary>
    public async Task SaveAsync(string name, string kind, string? url, string? secret, bool clearSecret, string language, bool enabled, string user,
        DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            insert into alert_channels (name, kind, url, secret, language, enabled, updated_by, updated_at)
            values (@name, @kind, coalesce(@url, ''), @secret, @language, @enabled, @user, @now)
            on conflict (name) do update set kind = excluded.kind, url = coalesce(@url, alert_channels.url),
                secret = case when @clearSecret then null else coalesce(excluded.secret, alert_channels.secret) end,
                language = excluded.language, enabled = excluded.enabled, updated_by = excluded.updated_by, updated_at = excluded.updated_at
            """;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { name, kind, url, secret, clearSecret, language, enabled, user, now }, cancellationToken: ct));
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken ct)
    {
        const string sql = "delete from alert_channels where name = @name";
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { name }, cancellationToken: ct)) == 1;
    }
}
