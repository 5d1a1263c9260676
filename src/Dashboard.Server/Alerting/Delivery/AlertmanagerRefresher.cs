using Dashboard.Server.Alerting.Channels;
using Dashboard.Server.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Alerting.Delivery;

/// <summary>
/// Posts every firing alert (not silenced or inhibited here) to each alertmanager channel again every Delivery:AlertmanagerResend, as
/// Prometheus does, so Alertmanager does not resolve them after its resolve_timeout. The outbox still carries the
/// changes (first firing, resolved with endsAt) with its retries; this only keeps them alive in between.
/// </summary>
public sealed class AlertmanagerRefresher(
    DashboardDatabase database,
    AlertRepository alerts,
    SilenceRepository silences,
    ChannelCatalog channels,
    ChannelSender sender,
    AlertLinks links,
    IOptionsMonitor<AlertingOptions> options,
    [FromKeyedServices(AlertingServices.ClockKey)] TimeProvider clock,
    ILogger<AlertmanagerRefresher> logger) : BackgroundService
{
    public const string GroupKey = "{}:{resend}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.CurrentValue.Delivery.AlertmanagerResend, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ResendAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (Storage.DatabaseFaults.IsUnavailable(e))
            {
                logger.LogWarning("Alertmanager re-send paused, database unavailable: {Reason}", e.Message);
            }
        }
    }

    /// <summary>One round: returns how many channels took the alerts.</summary>
    public async Task<int> ResendAsync(CancellationToken ct)
    {
        var taken = 0;
        foreach (var channel in (await channels.AllAsync(ct)).Where(c => c.Enabled && c.Kind == ChannelKinds.Alertmanager))
        {
            taken += await ResendAsync(channel, ct) ? 1 : 0;
        }

        return taken;
    }

    /// <summary>
    /// Under the channel's lock, the one the dispatcher sends under: a resolved notification can then never overtake a
    /// re-send that still saw the alert firing, which would open it again at Alertmanager until its resolve_timeout.
    /// </summary>
    private async Task<bool> ResendAsync(AlertChannel channel, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await OutboxRepository.LockChannelAsync(conn, tx, channel.Name);
        var now = AlertClock.Now(clock);
        var muting = await silences.ActiveAsync(now, ct);
        var all = await alerts.ListAsync(new AlertQuery(State: AlertStates.Firing, Limit: 5000), ct);
        var causes = AlertInhibition.FiringCauses(all);
        var firing = all
            .Where(a => !muting.Any(s => s.Mutes(a.Labels, now)) && !AlertInhibition.Inhibited(a, causes))
            .Select(a => NotifiedAlert.From(a, AlertStates.Firing, links))
            .ToList();
        if (firing.Count == 0)
        {
            await tx.CommitAsync(CancellationToken.None);
            return false;
        }

        var notification = new AlertNotification
        {
            GroupKey = GroupKey,
            Status = AlertStates.Firing,
            Repeat = true,
            CreatedAt = now,
            GroupLabels = new Dictionary<string, string>(),
            CommonLabels = new Dictionary<string, string>(),
            CommonAnnotations = new Dictionary<string, string>(),
            ExternalUrl = links.Base,
            Link = $"{links.Base}/alerts",
            Alerts = firing,
        };
        var message = MessageBuilder.Build(notification, channel.Language, options.CurrentValue.MaxAlertsPerMessage);
        var result = await sender.SendAsync(channel, new ChannelPayload(message, notification, null), now);
        await tx.CommitAsync(CancellationToken.None);
        if (!result.Succeeded)
        {
            logger.LogWarning("Channel {Channel}: re-sending {Count} firing alerts to Alertmanager failed: {Error}", channel.Name, firing.Count, result.Error);
        }

        return result.Succeeded;
    }
}
