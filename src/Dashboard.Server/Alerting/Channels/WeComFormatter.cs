using System.Text.Json.Nodes;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>
/// WeCom (企业微信) group robot: markdown with its font colours, link first; the content is cut by whole lines to
/// 4096 UTF-8 bytes, WeCom's limit. The key in the URL is the only secret.
/// </summary>
public sealed class WeComFormatter : IChannelFormatter
{
    public const int ContentLimit = 4096;

    private static readonly long[] s_retryable = [45009, -1];

    public string Kind => ChannelKinds.WeCom;

    public ChannelRequest Build(AlertChannel channel, ChannelPayload payload, DateTimeOffset now)
    {
        var m = payload.Message;
        var lines = new List<string>
        {
            $"## <font color=\"{Colour(m.Status)}\">{StatusMarker.Emoji(m.Status, m.Severity)} {ChatEscaping.LookAlike(m.Title)}</font>",
            $"[{ChatEscaping.LookAlike(m.LinkText)}]({m.Link})",
        };
        foreach (var item in m.Items)
        {
            lines.Add($"**<font color=\"{Colour(item.Status)}\">{StatusMarker.Emoji(item.Status, item.Severity)} {ChatEscaping.LookAlike(item.Heading)}</font>**");
            lines.AddRange(item.Facts.Select(f => $"> {ChatEscaping.LookAlike(f.Label)}: <font color=\"comment\">{ChatEscaping.LookAlike(f.Value)}</font>"));
            lines.AddRange(item.Evidence.Select(e => $"> {ChatEscaping.LookAlike(m.Texts.Evidence)}: {ChatEscaping.LookAlike(e)}"));
            if (item.Cause is { } cause)
            {
                lines.Add($"> {ChatEscaping.LookAlike(m.Texts.LikelyCause)}: {ChatEscaping.LookAlike(cause)}");
            }

            if (item.Ack is { } ack)
            {
                lines.Add($"> <font color=\"info\">{ChatEscaping.LookAlike(ack)}</font>");
            }
        }

        if (m.MoreCount > 0)
        {
            lines.Add(ChatEscaping.LookAlike(m.MoreText));
        }

        var content = TextLimits.Utf8Lines(string.Join("\n", lines), ContentLimit, ChatEscaping.LookAlike(m.Texts.Truncated));
        var body = new JsonObject { ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["content"] = content } };
        return ChannelRequest.Json(channel.Url, body);
    }

    public DeliveryResult Interpret(int statusCode, string body) =>
        DeliveryResult.FromErrorCode(statusCode, body, "errcode", s_retryable, TimeSpan.FromMinutes(1));

    private static string Colour(string status) => status == AlertStates.Resolved ? "info" : "warning";
}
