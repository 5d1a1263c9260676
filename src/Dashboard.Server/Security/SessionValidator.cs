using System.Collections.Concurrent;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Security;

/// <summary>
/// Whether a person's sign-in is still open: remembered for a few seconds, forgotten at once when any instance announces a
/// logout, a password or role change or a deletion; during a database outage people stay signed in.
/// </summary>
public sealed class SessionValidator(DashboardDatabase database, TimeProvider clock)
{
    public const string SessionClaim = "session";
    private static readonly TimeSpan s_fresh = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<Guid, (bool Active, DateTimeOffset CheckedAt)> _recent = new();

    public async Task<bool> IsActiveAsync(string? sessionId, string name, string role, CancellationToken ct)
    {
        if (!Guid.TryParse(sessionId, out var id))
        {
            return false;
        }

        var now = clock.GetUtcNow();
        if (_recent.TryGetValue(id, out var known) && now - known.CheckedAt < s_fresh)
        {
            return known.Active;
        }

        try
        {
            var active = await new UserRepository(database.DataSource).IsSessionActiveAsync(id, name, role, ct);
            if (_recent.Count > 10_000)
            {
                _recent.Clear();
            }

            _recent[id] = (active, now);
            return active;
        }
        catch (Exception e) when (Storage.DatabaseFaults.IsUnavailable(e))
        {
            return true;
        }
    }

    public void Forget() => _recent.Clear();
}
