using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>Slack incoming webhook: Block Kit header, one mrkdwn section per alert, a button to the dashboard; text is the fallback.</summary>
public sealed class SlackFormatter : IChannelFormatter
{
    private const int HeaderLimit = 150;
    private const int SectionLimit = 3000;

    public string Kind => ChannelKinds.Slack;

    public ChannelRequest Build(AlertChannel channel, ChannelPayload payload, DateTimeOffset now)
    {
        var m = payload.Message;
        var blocks = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "header",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = TextLimits.Chars(ChatEscaping.PlainText($"{StatusMarker.Emoji(m.Status, m.Severity)} {m.Title}"), HeaderLimit) },
            },
        };
        foreach (var item in m.Items)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "section",
                ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = TextLimits.Chars(Section(item, m.Texts), SectionLimit) },
            });
        }

        if (m.MoreCount > 0)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "context",
                ["elements"] = new JsonArray { new JsonObject { ["type"] = "mrkdwn", ["text"] = ChatEscaping.Slack(m.MoreText) } },
            });
        }

        blocks.Add(new JsonObject
        {
            ["type"] = "actions",
            ["elements"] = new JsonArray
            {
                new JsonObject
                {
                    ["type"] = "button",
                    ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = m.LinkText },
                    ["url"] = m.Link,
                },
            },
        });
        var body = new JsonObject { ["text"] = ChatEscaping.Slack(m.Title), ["blocks"] = blocks };
        return ChannelRequest.Json(channel.Url, body);
    }

    private static string Section(ChatItem item, MessageTexts t)
    {
        var text = new StringBuilder();
        text.Append(StatusMarker.Emoji(item.Status, item.Severity)).Append(" *").Append(ChatEscaping.Slack(item.Heading)).Append('*');
        foreach (var fact in item.Facts)
        {
            text.Append("\n*").Append(ChatEscaping.Slack(fact.Label)).Append(":* ").Append(ChatEscaping.Slack(fact.Value));
        }

        if (item.Evidence.Count > 0)
        {
            text.Append("\n*").Append(ChatEscaping.Slack(t.Evidence)).Append(":*");
            foreach (var line in item.Evidence)
            {
                text.Append("\n• ").Append(ChatEscaping.Slack(line));
            }
        }

        if (item.Cause is { } cause)
        {
            text.Append("\n*").Append(ChatEscaping.Slack(t.LikelyCause)).Append(":* ").Append(ChatEscaping.Slack(cause));
        }

        if (item.Ack is { } ack)
        {
            text.Append("\n:white_check_mark: ").Append(ChatEscaping.Slack(ack));
        }

        return text.ToString();
    }

    public DeliveryResult Interpret(int statusCode, string body) => DeliveryResult.FromStatus(statusCode, body);
}
