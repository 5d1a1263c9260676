using System.Security.Cryptography;
using Dapper;
using Dashboard.Server.Ingest;
using Dashboard.Server.Security;
using Npgsql;

namespace Dashboard.Server.Storage;

public sealed record ApiTokenInfo(string Name, string Role, DateTime CreatedAt, DateTime? RevokedAt, DateTime? LastUsedAt, string[]? Hosts, string? HostPattern);

/// <summary>An active token: its name, role and the hosts it speaks for (null: made before scopes, not bound yet).</summary>
public sealed record ApiTokenIdentity(string Name, string Role, HostScope? Scope = null);

/// <summary>Tokens are stored as hashes only; the secret is shown once, when created.</summary>
public sealed class TokenRepository(NpgsqlDataSource dataSource)
{
    /// <summary>Told to every server instance when a token is revoked or rebound, so none trusts what it remembered.</summary>
    public const string ChangeChannel = "dashboard_identity";

    /// <param name="scope">The hosts an agent token speaks for; ignored (stored as none) for reader and wall tokens.</param>
    public async Task<string> CreateAsync(string name, string role, HostScope scope, CancellationToken ct)
    {
        if (!KnownRoles.TokenRoles.Contains(role))
        {
            throw new ArgumentException($"role '{role}' is not one of {string.Join(", ", KnownRoles.TokenRoles)}", nameof(role));
        }

        var ingest = KnownRoles.IngestRoles.Contains(role);
        var token = TokenSecrets.NewToken();
        const string sql = """
            insert into api_tokens (name, role, token_hash, hosts, host_pattern)
            values (@name, @role, @hash, @hosts, @pattern)
            on conflict (name) do nothing
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var inserted = await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            name, role, hash = TokenSecrets.Hash(token),
            hosts = ingest ? scope.Hosts.ToArray() : null,
            pattern = ingest ? scope.Pattern : null,
        }, cancellationToken: ct));
        if (inserted == 0)
        {
            throw new InvalidOperationException($"a token named '{name}' exists already; revoke it or choose another name");
        }

        return token;
    }

    /// <summary>Binds an active token to hosts (the migration path of tokens made before scopes); false when there is none.</summary>
    public async Task<bool> BindAsync(string name, HostScope scope, CancellationToken ct)
    {
        const string sql = """
            update api_tokens set hosts = @hosts, host_pattern = @pattern
            where name = @name and revoked_at is null
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var bound = await conn.ExecuteAsync(new CommandDefinition(sql, new { name, hosts = scope.Hosts.ToArray(), pattern = scope.Pattern }, cancellationToken: ct)) > 0;
        return bound && await NotifyAsync(conn, name, ct);
    }

    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(CancellationToken ct)
    {
        const string sql = """
            select name, role, created_at, revoked_at, last_used_at, hosts, host_pattern
            from api_tokens
            order by name
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        // Read as tuples: Dapper matches record constructors by the reader's field types, and text[] reports itself as Array.
        var rows = await conn.QueryAsync<(string Name, string Role, DateTime CreatedAt, DateTime? RevokedAt, DateTime? LastUsedAt, string[]? Hosts, string? HostPattern)>(
            new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => new ApiTokenInfo(r.Name, r.Role, r.CreatedAt, r.RevokedAt, r.LastUsedAt, r.Hosts, r.HostPattern)).ToList();
    }

    /// <summary>Revokes at once: the notice makes every running instance forget the token before its next request.</summary>
    public async Task<bool> RevokeAsync(string name, CancellationToken ct)
    {
        const string sql = """
            update api_tokens set revoked_at = now()
            where name = @name and revoked_at is null
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var revoked = await conn.ExecuteAsync(new CommandDefinition(sql, new { name }, cancellationToken: ct)) > 0;
        return revoked && await NotifyAsync(conn, name, ct);
    }

    private static async Task<bool> NotifyAsync(NpgsqlConnection conn, string name, CancellationToken ct)
    {
        const string sql = "select pg_notify(@channel, 'token:' || @name)";
        await conn.ExecuteAsync(new CommandDefinition(sql, new { channel = ChangeChannel, name }, cancellationToken: ct));
        return true;
    }

    /// <summary>
    /// The live token with this secret, or null; its last use is noted (at most once a minute) in the same round trip.
    /// The final comparison runs in constant time.
    /// </summary>
    public async Task<ApiTokenIdentity?> FindActiveAsync(string token, CancellationToken ct)
    {
        var hash = TokenSecrets.Hash(token);
        const string sql = """
            with found as (
                select name, role, token_hash, hosts, host_pattern from api_tokens where token_hash = @hash and revoked_at is null
            ), touched as (
                update api_tokens t set last_used_at = now()
                from found
                where t.name = found.name and (t.last_used_at is null or t.last_used_at < now() - interval '1 minute')
            )
            select name, role, token_hash, hosts, host_pattern from found
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<(string Name, string Role, byte[] TokenHash, string[]? Hosts, string? HostPattern)>(
            new CommandDefinition(sql, new { hash }, cancellationToken: ct));
        if (row.TokenHash is null || !CryptographicOperations.FixedTimeEquals(row.TokenHash, hash))
        {
            return null;
        }

        var scope = row.Hosts is null && row.HostPattern is null ? null : new HostScope(row.Hosts ?? [], row.HostPattern);
        return new ApiTokenIdentity(row.Name, row.Role, scope);
    }

    public async Task<bool> IsActiveAsync(string name, CancellationToken ct)
    {
        const string sql = "select exists (select 1 from api_tokens where name = @name and revoked_at is null)";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { name }, cancellationToken: ct));
    }
}
