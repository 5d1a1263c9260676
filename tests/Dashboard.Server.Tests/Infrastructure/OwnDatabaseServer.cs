using Dashboard.Server.Storage;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>
/// A server on a PostgreSQL of the test's own, which the test may stop and start again: on a fixed port, so that the
/// server finds the restarted database at the same address.
/// </summary>
public sealed class OwnDatabaseServer : IAsyncDisposable
{
    private readonly TemporaryDirectory _work;
    private readonly EmbeddedPostgresOptions _options;
    private readonly List<EmbeddedPostgres> _started = [];

    private OwnDatabaseServer(TemporaryDirectory work, EmbeddedPostgresOptions options, EmbeddedPostgres postgres, RunningDashboard server)
    {
        _work = work;
        _options = options;
        _started.Add(postgres);
        Server = server;
    }

    public RunningDashboard Server { get; }

    /// <summary>The database as it runs now (the one started last).</summary>
    public EmbeddedPostgres Postgres => _started[^1];

    public static async Task<OwnDatabaseServer> StartAsync(IEnumerable<string>? serverArgs = null)
    {
        var work = new TemporaryDirectory();
        var options = new EmbeddedPostgresOptions { DataDirectory = Path.Combine(work.Path, "pg"), Port = FreePort.Next() };
        var postgres = await EmbeddedPostgres.StartAsync(options, TestTimeout.Token());
        var server = await RunningDashboard.StartAsync(serverArgs, connectionString: postgres.ConnectionString);
        return new OwnDatabaseServer(work, options, postgres, server);
    }

    public Task StopDatabaseAsync() => Postgres.StopAsync(TestTimeout.Token());

    /// <summary>Starts the stopped database again on the same data directory and port.</summary>
    public async Task StartDatabaseAgainAsync() => _started.Add(await EmbeddedPostgres.StartAsync(_options, TestTimeout.Token()));

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].DisposeAsync();
        }

        _work.Dispose();
    }
}
