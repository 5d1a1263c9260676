using Dashboard.Server.Hosting;
using Dashboard.Server.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Live;

/// <summary>Hosts unseen for the raw retention period leave the live store and the host list, freeing their place under the limits.</summary>
public sealed class SilentHostSweeper(LiveStore live, DashboardDatabase database, IOptionsMonitor<DashboardOptions> options, TimeProvider clock,
    ILogger<SilentHostSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        do
        {
            await SweepAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One sweep now; the timer calls it, and tests may too.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow().AddHours(-options.CurrentValue.Retention.RawHours);
        var gone = live.ForgetUnseenSince(before);
        try
        {
            gone = Math.Max(gone, await new HostRepository(database).ForgetUnseenSinceAsync(before, ct));
        }
        catch (Exception e) when (Storage.DatabaseFaults.IsUnavailable(e))
        {
            logger.LogDebug("Could not forget silent hosts in the database: {Reason}", e.Message);
        }

        if (gone > 0)
        {
            logger.LogInformation("{Count} hosts unseen for {Hours} hours left the live store and the host list", gone, options.CurrentValue.Retention.RawHours);
        }

        return gone;
    }
}
