using Dashboard.Server.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>A fresh database with every migration applied, for storage tests that do not need the web server.</summary>
public sealed class MigratedDatabaseFixture : IAsyncLifetime
{
    private readonly PostgresDatabaseFixture _database = new();

    public NpgsqlDataSource DataSource => _database.DataSource;

    public string ConnectionString => _database.ConnectionString;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await MigrationRunner.FromEmbeddedResources(_database.DataSource, NullLogger.Instance).ApplyAsync(TestTimeout.Token());
    }

    public Task DisposeAsync() => _database.DisposeAsync();
}
