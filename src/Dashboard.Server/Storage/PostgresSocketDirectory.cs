using System.Security.Cryptography;
using System.Text;

namespace Dashboard.Server.Storage;

/// <summary>Chooses where the server's Unix socket lives: the data folder when its path is short enough, else a folder in /tmp.</summary>
internal static class PostgresSocketDirectory
{
    // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
    private const int MaxSocketPathBytes = 107;

    // The longest socket file name PostgreSQL creates, so the choice does not depend on the port.
    private const string LongestSocketName = ".s.PGSQL.65535";

    public static string For(string dataDirectory)
    {
        if (Encoding.UTF8.GetByteCount(Path.Combine(dataDirectory, LongestSocketName)) <= MaxSocketPathBytes)
        {
            return dataDirectory;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..16];
        return $"/tmp/lvs-dashboard-{hash}";
    }
}
