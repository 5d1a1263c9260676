using Dashboard.Server.Alerting.Channels;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Alerting.Delivery;

/// <summary>"Send test message": one request to a channel right away, outside the outbox, counted in its rate limit.</summary>
public sealed class ChannelTester(DashboardDatabase database, ChannelSender sender, AlertLinks links,
    [FromKeyedServices(AlertingServices.ClockKey)] TimeProvider clock)
{
    public async Task<DeliveryResult> SendTestAsync(AlertChannel channel, CancellationToken ct)
    {
        var now = AlertClock.Now(clock);
        var notification = TestNotification(channel, now);
        var message = MessageBuilder.Test(channel.Name, channel.Language, $"{links.Base}/admin/channels");
        var result = await sender.SendAsync(channel, new ChannelPayload(message, notification, null), now);
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await OutboxRepository.RecordAttemptAsync(conn, null, null, channel.Name, now, result);
        return result;
    }

    private AlertNotification TestNotification(AlertChannel channel, DateTimeOffset now)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [AlertLabels.AlertName] = "TestMessage",
            [AlertLabels.Severity] = AlertSeverities.Info,
        };
        var annotations = new Dictionary<string, string> { ["summary"] = $"Test message to channel {channel.Name}" };
        var fingerprint = AlertLabels.Fingerprint(labels);
        return new AlertNotification
        {
            GroupKey = AlertLabels.GroupKey(new Dictionary<string, string> { [AlertLabels.AlertName] = "TestMessage" }),
            Status = AlertStates.Resolved,
            CreatedAt = now,
            GroupLabels = new Dictionary<string, string> { [AlertLabels.AlertName] = "TestMessage" },
            CommonLabels = labels,
            CommonAnnotations = annotations,
            ExternalUrl = links.Base,
            Link = $"{links.Base}/admin/channels",
            Alerts =
            [
                new NotifiedAlert
                {
                    Status = AlertStates.Resolved, Rule = "TestMessage", RuleKind = "test", Severity = AlertSeverities.Info, Labels = labels,
                    Annotations = annotations, StartsAt = now, EndsAt = now, Fingerprint = fingerprint, GeneratorUrl = links.Alert(fingerprint),
                },
            ],
        };
    }
}
