using Dapper;

namespace Dashboard.Server.Storage;

/// <summary>The hosts table: every host that reported, until it has been silent for the retention period.</summary>
public sealed class HostRepository(DashboardDatabase database)
{
    public async Task<int> ForgetUnseenSinceAsync(DateTimeOffset before, CancellationToken ct)
    {
        const string sql = "delete from hosts where last_seen < @before";
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { before }, cancellationToken: ct));
    }
}
