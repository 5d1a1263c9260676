using Dashboard.Server.Storage;

namespace Dashboard.Benchmarks.Soak;

/// <summary>A private PostgreSQL from the machine's binaries in a temp folder, for one run; stopped and deleted afterwards.</summary>
public sealed class BenchmarkPostgres : IAsyncDisposable
{
    private readonly EmbeddedPostgres _postgres;
    private readonly string _folder;

    private BenchmarkPostgres(EmbeddedPostgres postgres, string folder)
    {
        _postgres = postgres;
        _folder = folder;
    }

    /// <summary>The application database through the Unix socket, as the server is given it.</summary>
    public string ConnectionString => _postgres.ConnectionString;

    public static async Task<BenchmarkPostgres> StartAsync()
    {
        // Not a 0700 temp folder: PostgreSQL runs as the postgres account when this runs as root, and must enter it.
        var folder = Path.Combine(Path.GetTempPath(), "lvs-dashboard-soak-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        try
        {
            var postgres = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = Path.Combine(folder, "pgdata") }, CancellationToken.None);
            return new BenchmarkPostgres(postgres, folder);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _postgres.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
