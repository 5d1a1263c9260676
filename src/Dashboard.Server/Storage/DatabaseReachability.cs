using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>Since when the database has not answered, as seen by the liveness probe.</summary>
public sealed class DatabaseReachability(DashboardDatabase database, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _unreachableSince;

    /// <summary>Zero when the database answers now; else how long it has not (counted from the first failed probe).</summary>
    public async Task<TimeSpan> ProbeAsync(CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await using var conn = await database.DataSource.OpenConnectionAsync(timeout.Token);
            await using var command = new NpgsqlCommand("select 1", conn);
            await command.ExecuteScalarAsync(timeout.Token);
            lock (_gate)
            {
                _unreachableSince = null;
            }

            return TimeSpan.Zero;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException or TimeoutException && !ct.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            lock (_gate)
            {
                _unreachableSince ??= now;
                return now - _unreachableSince.Value;
            }
        }
    }
}
