using Dashboard.Core.Batches;
using Dashboard.Server.Hosting;
using Dashboard.Server.Ingest;
using Dashboard.Server.Storage;
using Dashboard.Server.Storage.Frames;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>The server's own storage path on a test database: batches committed by the real writer, read and rolled by the real reader and builder.</summary>
public sealed class FrameStorage
{
    private readonly FrameWriter _frames = new(new FrameLayouts(), new FrameChains());
    private long _sequence;

    public FrameStorage(NpgsqlDataSource dataSource)
    {
        Writer = new BatchWriter(() => dataSource, new DimensionIdCache(TimeProvider.System), _frames, new ServerInstance());
    }

    public BatchWriter Writer { get; }

    public FrameReader Reader { get; } = new();

    public FrameWriter Frames => _frames;

    public RollupBuilder Rollups(TimeProvider clock) => new(clock, Reader, _frames);

    /// <summary>The server's own database service on an existing database: migrations and partitions as at start, with <paramref name="clock"/>'s today.</summary>
    public static async Task<DashboardDatabase> StartDatabaseAsync(string connectionString, TimeProvider clock, RetentionOptions? retention = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:Dashboard", connectionString)]).Build();
        var options = new DashboardOptions { Retention = retention ?? new RetentionOptions() };
        var database = new DashboardDatabase(configuration, Options.Create(options),
            new PartitionMaintenance(new StaticOptionsMonitor<DashboardOptions>(options), clock, NullLogger<PartitionMaintenance>.Instance), NullLoggerFactory.Instance);
        await database.StartingAsync(TestTimeout.Token());
        return database;
    }

    /// <summary>Commits a batch as an agent's, with the next sequence number of this store.</summary>
    public async Task<WriteResult> CommitAsync(AgentBatch batch, string role = "director")
    {
        batch.Sequence = Interlocked.Increment(ref _sequence);
        return await Writer.WriteAsync(batch, new BatchOrigin("test", role, BatchOrigin.AgentSource), TestTimeout.Token());
    }
}
