using System.Collections.Concurrent;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Security;

/// <summary>
/// Checks bearer tokens against the database, remembering recent answers: revocation takes effect within seconds,
/// and known agents keep authenticating (and get 503, not 401) while the database is away.
/// </summary>
public sealed class TokenValidator(DashboardDatabase database, TimeProvider clock, ILogger<TokenValidator> logger)
{
    private static readonly TimeSpan s_fresh = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_outageGrace = TimeSpan.FromMinutes(30);
    private readonly ConcurrentDictionary<string, (ApiTokenIdentity? Identity, DateTimeOffset CheckedAt)> _recent = new(StringComparer.Ordinal);

    private long _lookups;

    /// <summary>Database look-ups made so far (each unknown token costs one; known tokens are remembered).</summary>
    public long Lookups => Interlocked.Read(ref _lookups);

    /// <summary>The remembered answer for this token while it is fresh, without touching the database; else null.</summary>
    public TokenCheck? CheckRemembered(string token) =>
        _recent.TryGetValue(Convert.ToHexString(TokenSecrets.Hash(token)), out var known) && clock.GetUtcNow() - known.CheckedAt < s_fresh
            ? new TokenCheck(known.Identity, DatabaseDown: false)
            : null;

    public async Task<TokenCheck> CheckAsync(string token, CancellationToken ct)
    {
        var key = Convert.ToHexString(TokenSecrets.Hash(token));
        var now = clock.GetUtcNow();
        if (_recent.TryGetValue(key, out var known) && now - known.CheckedAt < s_fresh)
        {
            return new TokenCheck(known.Identity, DatabaseDown: false);
        }

        try
        {
            Interlocked.Increment(ref _lookups);
            var repository = new TokenRepository(database.DataSource);
            var identity = await repository.FindActiveAsync(token, ct);
            if (_recent.Count > 10_000)
            {
                _recent.Clear();
            }

            _recent[key] = (identity, now);

            return new TokenCheck(identity, DatabaseDown: false);
        }
        catch (Exception e) when (Storage.DatabaseFaults.IsUnavailable(e))
        {
            logger.LogDebug("Token check fell back to memory: {Reason}", e.Message);
            return known.Identity is not null && now - known.CheckedAt < s_outageGrace
                ? new TokenCheck(known.Identity, DatabaseDown: false)
                : new TokenCheck(null, DatabaseDown: true);
        }
    }

    /// <summary>Whether the named token is still active; during a database outage a screen that was signed in stays.</summary>
    public async Task<bool> IsNameActiveAsync(string name, CancellationToken ct)
    {
        var key = "name:" + name;
        var now = clock.GetUtcNow();
        if (_recent.TryGetValue(key, out var known) && now - known.CheckedAt < s_fresh)
        {
            return known.Identity is not null;
        }

        try
        {
            var active = await new TokenRepository(database.DataSource).IsActiveAsync(name, ct);
            _recent[key] = (active ? new ApiTokenIdentity(name, KnownRoles.Wall) : null, now);
            return active;
        }
        catch (Exception e) when (Storage.DatabaseFaults.IsUnavailable(e))
        {
            return true;
        }
    }

    /// <summary>Forget what was remembered, so a revocation is seen at the next request.</summary>
    public void Forget() => _recent.Clear();
}

public sealed record TokenCheck(ApiTokenIdentity? Identity, bool DatabaseDown);
