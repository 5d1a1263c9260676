using System.Globalization;
using Dapper;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>
/// A connection for background passes (rollups): on a PostgreSQL running on this machine, a connection of its own whose
/// server process runs at the lowest CPU priority, so the pass uses idle CPU and ingest keeps its latency. Elsewhere,
/// or when that is not allowed, an ordinary pooled connection.
/// </summary>
public static class BackgroundConnection
{
    public const int Nice = 19;

    /// <summary>How the pass shows in pg_stat_activity.</summary>
    public const string ApplicationName = "lvs-dashboard background";

    public static async Task<NpgsqlConnection> OpenAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        if (builder.Host?.StartsWith('/') == true && OperatingSystem.IsLinux())
        {
            // Unpooled: a lowered priority cannot be raised again without privileges, so this server process must end with the pass.
            builder.Pooling = false;
            builder.ApplicationName = ApplicationName;
            var own = new NpgsqlConnection(builder.ConnectionString);
            try
            {
                await own.OpenAsync(ct);
                var pid = await own.ExecuteScalarAsync<int>(new CommandDefinition("select pg_backend_pid()", cancellationToken: ct));
                if (IsPostgresProcess(pid) && NativeMethods.SetNice(pid, Nice))
                {
                    return own;
                }
            }
            catch (Exception e) when (e is NpgsqlException or IOException)
            {
                // A socket that needs a password we do not hold, or a server in another PID namespace: the pool will do.
            }

            await own.DisposeAsync();
        }

        return await dataSource.OpenConnectionAsync(ct);
    }

    /// <summary>The process is a PostgreSQL server process in our PID namespace (a socket may come from another one).</summary>
    private static bool IsPostgresProcess(int pid)
    {
        var stat = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
        return File.Exists(stat) && File.ReadAllText(stat).Contains("(postgres)", StringComparison.Ordinal);
    }
}
