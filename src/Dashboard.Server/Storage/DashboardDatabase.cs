using Dapper;
using Dashboard.Server.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Storage;

/// <summary>
/// The database the server runs on: the configured PostgreSQL, or a private embedded one.
/// Started before the web server listens; migrations and partitions are in place before the first request.
/// </summary>
public sealed class DashboardDatabase(
    IConfiguration configuration,
    IOptions<DashboardOptions> options,
    PartitionMaintenance partitions,
    ILoggerFactory loggerFactory) : IHostedLifecycleService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<DashboardDatabase>();
    private NpgsqlDataSource? _dataSource;
    private EmbeddedPostgres? _embedded;
    private EmbeddedPostgresOptions? _embeddedOptions;
    private readonly CancellationTokenSource _stopping = new();
    private Task _supervision = Task.CompletedTask;
    private long _restarts;

    static DashboardDatabase() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public NpgsqlDataSource DataSource =>
        _dataSource ?? throw new InvalidOperationException("The database has not been started.");

    /// <summary>The embedded PostgreSQL's data folder; null with a configured connection string.</summary>
    public string? EmbeddedDataDirectory => _embedded?.DataDirectory;

    /// <summary>This server's pool as Npgsql's meter names it, so its gauges are told from other pools in the process.</summary>
    public string PoolName { get; } = $"lvs-dashboard-{Guid.NewGuid():N}";

    /// <summary>Where the data lives, for logs and the admin page (never the password).</summary>
    public string Description { get; private set; } = "not started";

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var connectionString = await ResolveConnectionStringAsync(cancellationToken);
        _dataSource = CreateDataSource(connectionString, PoolName);
        await MigrationRunner.FromEmbeddedResources(_dataSource, loggerFactory.CreateLogger<MigrationRunner>()).ApplyAsync(cancellationToken);
        await partitions.RunAsync(_dataSource, cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The embedded PostgreSQL is watched once the server runs (the admin commands never start the watch).</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (_embedded is { OwnsServer: true })
        {
            _supervision = SuperviseAsync(_stopping.Token);
        }

        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _supervision;
    }

    public async Task StoppedAsync(CancellationToken cancellationToken) => await DisposeAsync();

    /// <summary>How often the embedded PostgreSQL was found dead and started again.</summary>
    public long EmbeddedRestarts => Interlocked.Read(ref _restarts);

    /// <summary>Process id of the embedded postmaster, or null with a configured server.</summary>
    public int? EmbeddedProcessId => _embedded?.ProcessId;

    /// <summary>
    /// Starts the embedded PostgreSQL again when its postmaster dies (killed, OOM, `pg_ctl stop -m immediate`), with backoff
    /// from 1 s to 30 s between failed starts; the socket and port stay, so the data source needs no change.
    /// </summary>
    private async Task SuperviseAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromSeconds(1);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                if (_embedded is not { } current || !PostgresProcessTable.HasExited(current.ProcessId))
                {
                    continue;
                }

                _logger.LogWarning("The embedded PostgreSQL (pid {ProcessId}) is gone; starting it again", current.ProcessId);
                try
                {
                    _embedded = await EmbeddedPostgres.StartAsync(_embeddedOptions!, loggerFactory.CreateLogger<EmbeddedPostgres>(), ct);
                    Interlocked.Increment(ref _restarts);
                    _logger.LogWarning("Restarted the embedded PostgreSQL (pid {ProcessId}) after it died", _embedded.ProcessId);
                    backoff = TimeSpan.FromSeconds(1);
                }
                catch (Exception e) when (e is EmbeddedPostgresException or NpgsqlException or IOException)
                {
                    _logger.LogError("Could not restart the embedded PostgreSQL, trying again in {Seconds} s: {Reason}", backoff.TotalSeconds, e.Message);
                    await Task.Delay(backoff, ct);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
            _dataSource = null;
        }

        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
            _embedded = null;
        }
    }

    /// <summary>Bytes Npgsql gathers before writing to the socket, unless the connection string says otherwise.</summary>
    public const int WriteBufferSize = 64 * 1024;

    public static NpgsqlDataSource CreateDataSource(string connectionString, string? poolName = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = poolName };
        builder.ConnectionStringBuilder.ApplicationName ??= "lvs-dashboard";
        // Npgsql's default of 100 plus the LISTEN connection exceeds PostgreSQL's default 100 connections; writes are bounded anyway.
        if (!Names("pool size"))
        {
            builder.ConnectionStringBuilder.MaxPoolSize = 40;
        }

        // A director's COPY is ~200 KB: Npgsql's 8 KB default sends it in 25 writes, each waking the backend on these cores.
        if (!Names("write buffer"))
        {
            builder.ConnectionStringBuilder.WriteBufferSize = WriteBufferSize;
        }

        return builder.Build();

        // A keyword given in the connection string, spelled with spaces ("Write Buffer Size") or without ("WriteBufferSize").
        bool Names(string keyword) =>
            connectionString.Contains(keyword, StringComparison.OrdinalIgnoreCase)
            || connectionString.Contains(keyword.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A fresh server (docker-compose, a new cluster) may lack the database: create it rather than fail.</summary>
    private async Task EnsureDatabaseExistsAsync(NpgsqlConnectionStringBuilder target, CancellationToken ct)
    {
        try
        {
            await using var probe = new NpgsqlConnection(target.ConnectionString);
            await probe.OpenAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName && target.Database is { Length: > 0 } name)
        {
            var maintenance = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false };
            await using var conn = new NpgsqlConnection(maintenance.ConnectionString);
            await conn.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"create database \"{name.Replace("\"", "\"\"")}\"", conn);
            await create.ExecuteNonQueryAsync(ct);
            _logger.LogInformation("Created database {Database}", name);
        }
    }

    private async Task<string> ResolveConnectionStringAsync(CancellationToken ct)
    {
        var configured = configuration.GetConnectionString(ConfigNames.ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var csb = new NpgsqlConnectionStringBuilder(configured);
            Description = $"PostgreSQL at {csb.Host}:{csb.Port}/{csb.Database}";
            await EnsureDatabaseExistsAsync(csb, ct);
            return configured;
        }

        var dataDir = options.Value.DataDir is { Length: > 0 } dir ? Path.Combine(Path.GetFullPath(dir), "pgdata") : EmbeddedPostgresOptions.DefaultDataDirectory();
        _embeddedOptions = new EmbeddedPostgresOptions { DataDirectory = dataDir, ServerSettings = options.Value.EmbeddedPostgresSettings };
        _embedded = await EmbeddedPostgres.StartAsync(_embeddedOptions, loggerFactory.CreateLogger<EmbeddedPostgres>(), ct);
        Description = $"embedded PostgreSQL in {dataDir}";
        _logger.LogInformation("Using {Database}", Description);
        return _embedded.ConnectionString;
    }
}
