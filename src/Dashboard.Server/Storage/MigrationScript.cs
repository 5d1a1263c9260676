using System.Security.Cryptography;
using System.Text;

namespace Dashboard.Server.Storage;

/// <summary>One numbered migration file: its name (<c>0001_initial_schema.sql</c>), its SQL and the SHA-256 of that SQL.</summary>
public sealed record MigrationScript(string Name, string Sql)
{
    /// <summary>Lower-case hex SHA-256 of the UTF-8 SQL.</summary>
    public string Checksum => ComputeChecksum(Sql);

    private static string ComputeChecksum(string sql)
    {
        // A checkout that turns LF into CRLF must not look like an edited migration.
        var normalized = sql.Replace("\r\n", "\n", StringComparison.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }
}
