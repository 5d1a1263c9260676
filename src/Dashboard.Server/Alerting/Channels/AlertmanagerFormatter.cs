using System.Text.Json.Nodes;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>
/// Alertmanager's v2 API (POST {Url}/api/v2/alerts): the alerts with the webhook payload's labels and annotations,
/// startsAt, endsAt once resolved, and the link back. Alertmanager does its own grouping, routing, inhibition and
/// silences, so each notification's alerts go as they are; a secret is sent as a bearer token.
/// </summary>
public sealed class AlertmanagerFormatter : IChannelFormatter
{
    public const string AlertsPath = "api/v2/alerts";

    public string Kind => ChannelKinds.Alertmanager;

    public bool CanDigest => false;

    public ChannelRequest Build(AlertChannel channel, ChannelPayload payload, DateTimeOffset now)
    {
        var body = new JsonArray();
        foreach (var a in payload.Notification.Alerts)
        {
            var alert = new JsonObject
            {
                ["labels"] = Map(a.Labels),
                ["annotations"] = Map(a.Annotations),
                ["startsAt"] = WebhookFormatter.Time(a.StartsAt),
                ["generatorURL"] = a.GeneratorUrl,
            };
            if (a.Status == AlertStates.Resolved && a.EndsAt is { } ended)
            {
                alert["endsAt"] = WebhookFormatter.Time(ended);
            }

            body.Add(alert);
        }

        var headers = channel.Secret is { Length: > 0 } secret
            ? new Dictionary<string, string> { ["Authorization"] = $"Bearer {secret}" }
            : null;
        return ChannelRequest.Json(AlertsUrl(channel.Url), body, headers);
    }

    /// <summary>The base address with or without a trailing slash or a path prefix (behind a proxy), then api/v2/alerts.</summary>
    public static string AlertsUrl(string baseUrl) => baseUrl.TrimEnd('/') + "/" + AlertsPath;

    private static JsonObject Map(IReadOnlyDictionary<string, string> values)
    {
        var result = new JsonObject();
        foreach (var (key, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            result[key] = value;
        }

        return result;
    }
}
