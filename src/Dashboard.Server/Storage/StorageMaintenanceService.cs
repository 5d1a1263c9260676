namespace Dashboard.Server.Storage;

/// <summary>
/// Keeps rollups current (settled minutes read from raw frames every 30 s, hours once their minutes settled), the size bound and the raw partitions' planner statistics (checked every 5 minutes), and partitions created
/// ahead and dropped past retention (hourly).
/// </summary>
public sealed class StorageMaintenanceService(
    DashboardDatabase database,
    PartitionMaintenance partitions,
    RollupBuilder rollups,
    TimeProvider clock,
    ILogger<StorageMaintenanceService> logger) : BackgroundService
{
    public static readonly TimeSpan RollupInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_tick = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_partitionInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan s_analyzeInterval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastPartitionRun = clock.GetUtcNow();
        var lastAnalyze = clock.GetUtcNow();
        var lastRollup = clock.GetUtcNow();
        using var timer = new PeriodicTimer(s_tick, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (clock.GetUtcNow() - lastRollup >= RollupInterval)
                {
                    await rollups.RunAsync(database.DataSource, stoppingToken);
                    lastRollup = clock.GetUtcNow();
                }

                if (clock.GetUtcNow() - lastPartitionRun >= s_partitionInterval)
                {
                    await partitions.RunAsync(database.DataSource, stoppingToken);
                    lastPartitionRun = clock.GetUtcNow();
                }

                if (clock.GetUtcNow() - lastAnalyze >= s_analyzeInterval)
                {
                    await partitions.EnforceSizeBoundAsync(database.DataSource, stoppingToken);
                    await partitions.AnalyzeRawAsync(database.DataSource, stoppingToken);
                    lastAnalyze = clock.GetUtcNow();
                }
            }
            catch (Exception e) when (Storage.DatabaseFaults.IsUnavailable(e))
            {
                logger.LogWarning("Storage maintenance skipped, database unavailable: {Reason}", e.Message);
            }
        }
    }
}
