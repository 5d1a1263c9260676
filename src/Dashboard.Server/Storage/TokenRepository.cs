using System.Security.Cryptography;
using Dapper;
using Dashboard.Server.Security;
using Npgsql;

namespace Dashboard.Server.Storage;

public sealed record ApiTokenInfo(string Name, string Role, DateTime CreatedAt, DateTime? RevokedAt, DateTime? LastUsedAt);

public sealed record ApiTokenIdentity(string Name, string Role);

/// <summary>Tokens are stored as hashes only; the secret is shown once, when created.</summary>
public sealed class TokenRepository(NpgsqlDataSource dataSource)
{
    public async Task<string> CreateAsync(string name, string role, CancellationToken ct)
    {
        if (!KnownRoles.TokenRoles.Contains(role))
        {
            throw new ArgumentException($"role '{role}' is not one of {string.Join(", ", KnownRoles.TokenRoles)}", nameof(role));
        }

        var token = TokenSecrets.NewToken();
        const string sql = """
            insert into api_tokens (name, role, token_hash)
            values (@name, @role, @hash)
            on conflict (name) do nothing
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var inserted = await conn.ExecuteAsync(new CommandDefinition(sql, new { name, role, hash = TokenSecrets.Hash(token) }, cancellationToken: ct));
        if (inserted == 0)
        {
            throw new InvalidOperationException($"a token named '{name}' exists already; revoke it or choose another name");
        }

        return token;
    }

    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(CancellationToken ct)
    {
        const string sql = """
            select name, role, created_at, revoked_at, last_used_at
            from api_tokens
            order by name
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ApiTokenInfo>(new CommandDefinition(sql, cancellationToken: ct))).AsList();
    }

    public async Task<bool> RevokeAsync(string name, CancellationToken ct)
    {
        const string sql = """
            update api_tokens set revoked_at = now()
            where name = @name and revoked_at is null
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, new { name }, cancellationToken: ct)) > 0;
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
                select name, role, token_hash from api_tokens where token_hash = @hash and revoked_at is null
            ), touched as (
                update api_tokens t set last_used_at = now()
                from found
                where t.name = found.name and (t.last_used_at is null or t.last_used_at < now() - interval '1 minute')
            )
            select name, role, token_hash from found
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<(string Name, string Role, byte[] TokenHash)>(
            new CommandDefinition(sql, new { hash }, cancellationToken: ct));
        return row.TokenHash is not null && CryptographicOperations.FixedTimeEquals(row.TokenHash, hash)
            ? new ApiTokenIdentity(row.Name, row.Role)
            : null;
    }

    public async Task<bool> IsActiveAsync(string name, CancellationToken ct)
    {
        const string sql = "select exists (select 1 from api_tokens where name = @name and revoked_at is null)";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { name }, cancellationToken: ct));
    }
}
