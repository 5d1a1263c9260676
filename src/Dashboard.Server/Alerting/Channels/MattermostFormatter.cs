using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>Mattermost incoming webhook: one Markdown text (CommonMark), every reported value backslash-escaped.</summary>
public sealed class MattermostFormatter : IChannelFormatter
{
    // Mattermost's default post size limit is 16383 characters.
    private const int PostLimit = 16000;

    public string Kind => ChannelKinds.Mattermost;

    public ChannelRequest Build(AlertChannel channel, ChannelPayload payload, DateTimeOffset now)
    {
        var m = payload.Message;
        var text = new StringBuilder();
        text.Append("#### ").Append(StatusMarker.Emoji(m.Status, m.Severity)).Append(' ').Append(ChatEscaping.CommonMark(m.Title)).Append('\n');
        foreach (var item in m.Items)
        {
            text.Append('\n').Append(StatusMarker.Emoji(item.Status, item.Severity)).Append(" **").Append(ChatEscaping.CommonMark(item.Heading)).Append("**\n");
            foreach (var fact in item.Facts)
            {
                text.Append("- **").Append(ChatEscaping.CommonMark(fact.Label)).Append(":** ").Append(ChatEscaping.CommonMark(fact.Value)).Append('\n');
            }

            if (item.Evidence.Count > 0)
            {
                text.Append("- **").Append(ChatEscaping.CommonMark(m.Texts.Evidence)).Append(":**\n");
                foreach (var line in item.Evidence)
                {
                    text.Append("  - ").Append(ChatEscaping.CommonMark(line)).Append('\n');
                }
            }

            if (item.Cause is { } cause)
            {
                text.Append("- **").Append(ChatEscaping.CommonMark(m.Texts.LikelyCause)).Append(":** ").Append(ChatEscaping.CommonMark(cause)).Append('\n');
            }

            if (item.Ack is { } ack)
            {
                text.Append("> ").Append(ChatEscaping.CommonMark(ack)).Append('\n');
            }
        }

        if (m.MoreCount > 0)
        {
            text.Append('\n').Append(ChatEscaping.CommonMark(m.MoreText)).Append('\n');
        }

        var link = $"\n[{ChatEscaping.CommonMark(m.LinkText)}]({m.Link})";
        var body = new JsonObject { ["text"] = TextLimits.Chars(text.ToString(), PostLimit - link.Length) + link };
        return ChannelRequest.Json(channel.Url, body);
    }
}
