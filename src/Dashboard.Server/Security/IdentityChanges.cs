using Dashboard.Server.Storage;
using Npgsql;

namespace Dashboard.Server.Security;

/// <summary>
/// Listens for revoked or rebound tokens and ended sessions announced by any instance or by the admin commands, and makes
/// this instance forget what it remembered, so the next request of that token or cookie is refused here too.
/// </summary>
public sealed class IdentityChanges(DashboardDatabase database, TokenValidator tokens, SessionValidator sessions, ILogger<IdentityChanges> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A notice missed while away: forget everything rather than trust it for the rest of the cache time.
                tokens.Forget();
                sessions.Forget();
                logger.LogDebug("Listening for identity changes failed, retrying: {Reason}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        // A connection of its own, outside the pool: LISTEN belongs to one session.
        var builder = new NpgsqlConnectionStringBuilder(database.DataSource.ConnectionString) { Pooling = false, KeepAlive = 30 };
        await using var conn = new NpgsqlConnection(builder.ConnectionString);
        await conn.OpenAsync(ct);
        conn.Notification += (_, e) =>
        {
            tokens.Forget();
            sessions.Forget();
            logger.LogInformation("Identity change announced ({Change}); remembered tokens and sessions forgotten", e.Payload);
        };
        await using (var listen = new NpgsqlCommand($"listen {TokenRepository.ChangeChannel}", conn))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }

        while (!ct.IsCancellationRequested)
        {
            await conn.WaitAsync(ct);
        }
    }
}
