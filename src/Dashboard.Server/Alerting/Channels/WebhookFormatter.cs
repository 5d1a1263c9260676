using System.Globalization;
using System.Text.Json.Nodes;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>
/// Generic webhook: Alertmanager's version 4 payload, so receivers written for Alertmanager work unchanged. A secret is
/// sent as a bearer token, as Alertmanager's http_config does.
/// </summary>
public sealed class WebhookFormatter : IChannelFormatter
{
    /// <summary>Go's zero time, which Alertmanager sends as endsAt while an alert fires.</summary>
    public const string ZeroTime = "0001-01-01T00:00:00Z";

    /// <summary>On a firing cause: the symptoms it explains, which are not sent as alerts of their own.</summary>
    public const string SymptomsAnnotation = "symptoms";

    public string Kind => ChannelKinds.Webhook;

    public bool CanDigest => false;

    public ChannelRequest Build(AlertChannel channel, ChannelPayload payload, DateTimeOffset now)
    {
        var n = payload.Notification;
        var alerts = new JsonArray();
        foreach (var a in n.Alerts)
        {
            var annotations = Map(a.Annotations);
            if (MessageBuilder.SymptomsText(a, payload.Message.Texts) is { } symptoms)
            {
                annotations[SymptomsAnnotation] = symptoms;
            }

            alerts.Add(new JsonObject
            {
                ["status"] = a.Status,
                ["labels"] = Map(a.Labels),
                ["annotations"] = annotations,
                ["startsAt"] = Time(a.StartsAt),
                ["endsAt"] = a.Status == AlertStates.Resolved && a.EndsAt is { } ended ? Time(ended) : ZeroTime,
                ["generatorURL"] = a.GeneratorUrl,
                ["fingerprint"] = a.Fingerprint,
            });
        }

        var body = new JsonObject
        {
            ["version"] = "4",
            ["groupKey"] = n.GroupKey,
            ["truncatedAlerts"] = 0,
            ["status"] = n.Status,
            ["receiver"] = channel.Name,
            ["groupLabels"] = Map(n.GroupLabels),
            ["commonLabels"] = Map(n.CommonLabels),
            ["commonAnnotations"] = Map(n.CommonAnnotations),
            ["externalURL"] = n.ExternalUrl,
            ["alerts"] = alerts,
        };
        var headers = channel.Secret is { Length: > 0 } secret
            ? new Dictionary<string, string> { ["Authorization"] = $"Bearer {secret}" }
            : null;
        return ChannelRequest.Json(channel.Url, body, headers);
    }

    /// <summary>RFC 3339 in UTC with the fraction Go prints (none when zero).</summary>
    public static string Time(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

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
