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

        const string sql = """
            insert into users (name, role, password_hash)
            values (@name, @role, @hash)
            on conflict (name) do update set role = excluded.role, password_hash = excluded.password_hash,
                failed_logins = 0, locked_until = null
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { name, role, hash = HashPassword(name, password) }, cancellationToken: ct));
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

    /// <summary>Counts a failed login; the fifth in a row locks the account for 15 minutes.</summary>
    public async Task RecordFailureAsync(string name, CancellationToken ct)
    {
        const string sql = """
            update users set failed_logins = failed_logins + 1,
                locked_until = case when failed_logins + 1 >= 5 then now() + interval '15 minutes' else locked_until end
            where name = @name
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { name }, cancellationToken: ct));
    }

    public async Task RecordSuccessAsync(string name, CancellationToken ct)
    {
        const string sql = "update users set failed_logins = 0, locked_until = null where name = @name";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { name }, cancellationToken: ct));
    }
}
