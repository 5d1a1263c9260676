using Dapper;
using Dashboard.Server.Security;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Dashboard.Server.Storage;

public sealed record DashboardUser(string Name, string Role, string PasswordHash, int FailedLogins, DateTime? LockedUntil);

/// <summary>People who log in; passwords hashed with ASP.NET Core Identity's hasher.</summary>
public sealed class UserRepository(NpgsqlDataSource dataSource)
{
    private static readonly PasswordHasher<string> s_hasher = new();

    public static string HashPassword(string name, string password) => s_hasher.HashPassword(name, password);

    public static bool VerifyPassword(DashboardUser user, string password) =>
        s_hasher.VerifyHashedPassword(user.Name, user.PasswordHash, password) != PasswordVerificationResult.Failed;

    public async Task AddOrUpdateAsync(string name, string role, string password, CancellationToken ct)
    {
        if (!KnownRoles.UserRoles.Contains(role))
        {
            throw new ArgumentException($"role '{role}' is not one of {string.Join(", ", KnownRoles.UserRoles)}", nameof(role));
        }

        // A new password or role ends every session the user had: they sign in again with what they now are.
        const string sql = """
            insert into users (name, role, password_hash)
            values (@name, @role, @hash)
            on conflict (name) do update set role = excluded.role, password_hash = excluded.password_hash,
                failed_logins = 0, locked_until = null
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { name, role, hash = HashPassword(name, password) }, tx, cancellationToken: ct));
        await EndSessionsAsync(conn, tx, name, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Deletes the user and ends their sessions; false when there was no such user.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken ct)
    {
        const string sql = "delete from users where name = @name";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var deleted = await conn.ExecuteAsync(new CommandDefinition(sql, new { name }, tx, cancellationToken: ct)) > 0;
        await EndSessionsAsync(conn, tx, name, ct);
        await tx.CommitAsync(ct);
        return deleted;
    }

    public async Task<DashboardUser?> FindAsync(string name, CancellationToken ct)
    {
        const string sql = """
            select name, role, password_hash, failed_logins, locked_until
            from users where name = @name
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<DashboardUser>(new CommandDefinition(sql, new { name }, cancellationToken: ct));
    }

    public async Task<int> CountAsync(CancellationToken ct)
    {
        const string sql = "select count(*) from users";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<int>(new CommandDefinition(sql, cancellationToken: ct));
    }

    /// <summary>A new sign-in; its id travels in the cookie and is checked while the cookie is used.</summary>
    public async Task<Guid> StartSessionAsync(string name, CancellationToken ct)
    {
        var id = Guid.NewGuid();
        const string sql = "insert into user_sessions (id, user_name) values (@id, @name)";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, name }, cancellationToken: ct));
        return id;
    }

    /// <summary>Logout: this one session ends, on every instance.</summary>
    public async Task EndSessionAsync(Guid id, CancellationToken ct)
    {
        const string sql = "update user_sessions set ended_at = now() where id = @id and ended_at is null";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id }, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition("select pg_notify(@channel, 'session:' || @id)", new { channel = TokenRepository.ChangeChannel, id = id.ToString() }, cancellationToken: ct));
    }

    /// <summary>Whether the session is open and its user still exists with the role the cookie carries.</summary>
    public async Task<bool> IsSessionActiveAsync(Guid id, string name, string role, CancellationToken ct)
    {
        const string sql = """
            select exists (
                select 1 from user_sessions s join users u on u.name = s.user_name
                where s.id = @id and s.user_name = @name and s.ended_at is null and u.role = @role)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { id, name, role }, cancellationToken: ct));
    }

    private static async Task EndSessionsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string name, CancellationToken ct)
    {
        const string sql = """
            update user_sessions set ended_at = now() where user_name = @name and ended_at is null;
            select pg_notify(@channel, 'user:' || @name);
            """;
        await conn.ExecuteAsync(new CommandDefinition(sql, new { name, channel = TokenRepository.ChangeChannel }, tx, cancellationToken: ct));
    }
}
