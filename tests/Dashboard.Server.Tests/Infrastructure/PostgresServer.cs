using System.Diagnostics;
using System.Globalization;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server of this test run: the one named by <c>ConnectionStrings__Dashboard</c>, else one embedded
/// cluster started on first use in a temp folder, stopped and deleted when the test process exits.
/// </summary>
public static class PostgresServer
{
    public const string ConnectionStringVariable = "ConnectionStrings__Dashboard";

    private const string FolderPrefix = "lvs-dashboard-tests-";
    private const string OwnerFileName = "owner.pid";

    private static readonly Lazy<Task<string>> s_connectionString = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A connection string with the right to create databases.</summary>
    public static Task<string> GetConnectionStringAsync(CancellationToken cancellationToken)
    {
        return s_connectionString.Value.WaitAsync(cancellationToken);
    }

    private static async Task<string> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        DeleteAbandonedClusters();
        var folder = new TemporaryDirectory();
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.Path, OwnerFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            var options = new EmbeddedPostgresOptions
            {
                DataDirectory = Path.Combine(folder.Path, "pgdata"),
                // Test data is thrown away: flushing it to disk only slows the machine down.
                ServerSettings = new Dictionary<string, string> { ["fsync"] = "off", ["synchronous_commit"] = "off", ["full_page_writes"] = "off" },
            };
            var server = await EmbeddedPostgres.StartAsync(options, CancellationToken.None);
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                // The test platform kills this process ~100 ms after the last test: the stop is sent at once, the next run deletes leftovers.
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
                folder.Dispose();
            };
            return server.ConnectionString;
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    /// <summary>Deletes the clusters of earlier test runs whose process is gone, killing their server if it still runs.</summary>
    private static void DeleteAbandonedClusters()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var ownerFile = Path.Combine(folder, OwnerFileName);
            if (!File.Exists(ownerFile)
                || !int.TryParse(File.ReadAllText(ownerFile), CultureInfo.InvariantCulture, out var owner)
                || !PostgresProcessTable.HasExited(owner))
            {
                continue;
            }

            try
            {
                var dataDirectory = Path.Combine(folder, "pgdata");
                if (Directory.Exists(dataDirectory))
                {
                    foreach (var processId in PostgresProcessTable.FindProcessesOf(NativeMethods.RealPath(dataDirectory)))
                    {
                        using var process = Process.GetProcessById(processId);
                        process.Kill();
                    }
                }

                Directory.Delete(folder, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
            {
                // Another user's run, or one we cannot clean: not this run's business.
            }
        }
    }
}
