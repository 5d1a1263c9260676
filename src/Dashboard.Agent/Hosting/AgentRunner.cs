using Dashboard.Agent.Collectors;
using Dashboard.Agent.Transport;

namespace Dashboard.Agent.Hosting;

/// <summary>Collects and delivers one batch per interval until stopped; the batch in hand when the stop comes is finished and spooled.</summary>
public sealed class AgentRunner
{
    private readonly CollectionCycle _cycle;
    private readonly BatchSender _sender;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly AgentLog _log;

    public AgentRunner(CollectionCycle cycle, BatchSender sender, TimeSpan interval, TimeProvider time, AgentLog log)
    {
        _cycle = cycle;
        _sender = sender;
        _interval = interval;
        _time = time;
        _log = log;
    }

    /// <summary>Raised after each delivery (tests and status lines).</summary>
    public event Action<DeliveryReport>? Delivered;

    /// <summary>Raised after each pass of <see cref="RunAsync"/>, delivered or not: the loop is alive (systemd's watchdog).</summary>
    public event Action? CycleEnded;

    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        do
        {
            try
            {
                await RunOnceAsync(stopping);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A full or read-only disk fails this cycle, not the agent: the next tick tries again.
                _log.Error($"cycle failed: {e.Message}");
            }

            CycleEnded?.Invoke();
        }
        while (await WaitForTickAsync(timer, stopping));

        _log.Info("stopped");
    }

    public async Task<DeliveryReport> RunOnceAsync(CancellationToken stopping)
    {
        // Collection is not cut short by a stop: the batch is finished, then spooled if it cannot go out.
        var batch = await _cycle.CollectAsync(CancellationToken.None);
        var report = await _sender.DeliverAsync(batch, stopping);
        Delivered?.Invoke(report);
        return report;
    }

    private static async Task<bool> WaitForTickAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
