using System.Text.Json.Nodes;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>Microsoft Teams Workflows ("Send webhook alerts to a channel"): an Adaptive Card 1.4 in the message attachments envelope.</summary>
public sealed class TeamsFormatter : IChannelFormatter
{
    public string Kind => ChannelKinds.Teams;

    public ChannelRequest Build(AlertChannel channel, ChannelPayload payload, DateTimeOffset now)
    {
        var m = payload.Message;
        var body = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "TextBlock",
                ["text"] = $"{StatusMarker.Emoji(m.Status, m.Severity)} {ChatEscaping.LookAlike(m.Title)}",
                ["weight"] = "Bolder",
                ["size"] = "Medium",
                ["wrap"] = true,
                ["color"] = Colour(m.Status, m.Severity),
            },
        };
        foreach (var item in m.Items)
        {
            var items = new JsonArray
            {
                new JsonObject { ["type"] = "TextBlock", ["text"] = $"{StatusMarker.Emoji(item.Status, item.Severity)} {ChatEscaping.LookAlike(item.Heading)}", ["weight"] = "Bolder", ["wrap"] = true },
                new JsonObject
                {
                    ["type"] = "FactSet",
                    ["facts"] = new JsonArray([.. item.Facts.Select(f => (JsonNode)new JsonObject { ["title"] = ChatEscaping.LookAlike(f.Label), ["value"] = ChatEscaping.LookAlike(f.Value) })]),
                },
            };
            if (item.Evidence.Count > 0)
            {
                items.Add(new JsonObject
                {
                    ["type"] = "TextBlock",
                    ["text"] = $"{ChatEscaping.LookAlike(m.Texts.Evidence)}: {ChatEscaping.LookAlike(string.Join("; ", item.Evidence))}",
                    ["wrap"] = true,
                    ["isSubtle"] = true,
                });
            }

            if (item.Cause is { } cause)
            {
                items.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = $"{ChatEscaping.LookAlike(m.Texts.LikelyCause)}: {ChatEscaping.LookAlike(cause)}", ["wrap"] = true });
            }

            if (item.Ack is { } ack)
            {
                items.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = "✅ " + ChatEscaping.LookAlike(ack), ["wrap"] = true, ["color"] = "Good" });
            }

            body.Add(new JsonObject { ["type"] = "Container", ["separator"] = true, ["items"] = items });
        }

        if (m.MoreCount > 0)
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = ChatEscaping.LookAlike(m.MoreText), ["wrap"] = true, ["isSubtle"] = true });
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["msteams"] = new JsonObject { ["width"] = "Full" },
            ["body"] = body,
            ["actions"] = new JsonArray { new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = m.LinkText, ["url"] = m.Link } },
        };
        var envelope = new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["contentUrl"] = null, ["content"] = card },
            },
        };
        return ChannelRequest.Json(channel.Url, envelope);
    }

    private static string Colour(string status, string severity) => status == AlertStates.Resolved
        ? "Good"
        : severity == AlertSeverities.Critical ? "Attention" : "Warning";
}
