using Dashboard.Server.Hosting;
using Dashboard.Server.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// The whole server (DashboardApp.Build) in this process on a free loopback port: on a fresh embedded PostgreSQL in a
/// temp folder, or on the given connection string. Disposing stops it, the embedded PostgreSQL it started, and deletes the folder.
/// </summary>
public sealed class LoadServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string? _tempFolder;

    private LoadServer(WebApplication app, string? tempFolder, string connectionString)
    {
        _app = app;
        _tempFolder = tempFolder;
        ConnectionString = connectionString;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
    }

    public Uri BaseAddress { get; }

    /// <summary>Connection string of the server's database, password included when one was given.</summary>
    public string ConnectionString { get; }

    public IServiceProvider Services => _app.Services;

    public NpgsqlDataSource DataSource => Database.DataSource;

    public DashboardDatabase Database => _app.Services.GetRequiredService<DashboardDatabase>();

    /// <summary>Process id of the embedded postmaster, when this server started one (for CPU accounting).</summary>
    public int? PostmasterProcessId { get; private init; }

    /// <param name="throwaway">The database is ours alone and deleted afterwards: the first admin's password is not worth printing.</param>
    public static async Task<LoadServer> StartAsync(string? connectionString, bool throwaway, CancellationToken ct)
    {
        string? folder = null;
        var args = new List<string> { "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Error" };
        if (connectionString is null)
        {
            // Not Directory.CreateTempSubdirectory: its 0700 mode would lock out the postgres account PostgreSQL runs as under root.
            folder = Path.Combine(Path.GetTempPath(), "lvs-dashboard-loadgen-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(folder);
            args.Add($"--{ConfigNames.DataDir}={folder}");
        }
        else
        {
            args.Add($"--ConnectionStrings:{ConfigNames.ConnectionStringName}={connectionString}");
        }

        var app = DashboardApp.Build([.. args]);
        var stdout = Console.Out;
        try
        {
            if (throwaway || folder is not null)
            {
                Console.SetOut(TextWriter.Null);
            }

            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            DeleteFolder(folder);
            throw;
        }
        finally
        {
            Console.SetOut(stdout);
        }

        var database = app.Services.GetRequiredService<DashboardDatabase>();
        var effective = connectionString ?? database.DataSource.ConnectionString;
        return new LoadServer(app, folder, effective)
        {
            PostmasterProcessId = folder is null ? null : PostmasterPidFile.TryRead(Path.Combine(folder, "pgdata"))?.ProcessId,
        };
    }

    /// <summary>The same PostgreSQL server, another database (created by the server if missing).</summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database }.ConnectionString;

    public async Task<string> CreateTokenAsync(string name, string role, CancellationToken ct) =>
        await new TokenRepository(DataSource).CreateAsync(name, role, Dashboard.Server.Ingest.HostScope.Any, ct);

    public HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        // Every simulated agent keeps its own connection, as separate hosts would.
        MaxConnectionsPerServer = int.MaxValue,
        UseCookies = false,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromSeconds(120),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        DeleteFolder(_tempFolder);
    }

    private static void DeleteFolder(string? folder)
    {
        if (folder is not null && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
