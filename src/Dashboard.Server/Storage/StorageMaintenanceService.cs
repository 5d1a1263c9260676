namespace Dashboard.Server.Storage;

/// <summary>Keeps rollups current (every 30 s) and partitions created ahead and dropped past retention (hourly).</summary>
public sealed class StorageMaintenanceService(
    DashboardDatabase database,
    PartitionMaintenance partitions,
    RollupBuilder rollups,
    TimeProvider clock,
    ILogger<StorageMaintenanceService> logger) : BackgroundService
{
    public static readonly TimeSpan RollupInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_partitionInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastPartitionRun = clock.GetUtcNow();
        using var timer = new PeriodicTimer(RollupInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await rollups.RunAsync(database.DataSource, stoppingToken);
                if (clock.GetUtcNow() - lastPartitionRun >= s_partitionInterval)
                {
                    await partitions.RunAsync(database.DataSource, stoppingToken);
                    lastPartitionRun = clock.GetUtcNow();
                }
            }
            catch (Exception e) when (Ingest.IngestService.IsDatabaseUnavailable(e))
            {
                logger.LogWarning("Storage maintenance skipped, database unavailable: {Reason}", e.Message);
            }
        }
    }
}
