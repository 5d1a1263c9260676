using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>
/// DingTalk custom robot: markdown message, never @all. With a secret ("加签") the URL gets the time in milliseconds and
/// sign = Base64(HmacSHA256(key = secret, data = timestamp + "\n" + secret)), URL-encoded.
/// </summary>
public sealed class DingTalkFormatter : IChannelFormatter
{
    // DingTalk documents 20000 bytes for a markdown text; a margin keeps the JSON envelope inside it too.
    private const int TextLimit = 18000;

    private static readonly long[] s_retryable = [130101, -1];

    public string Kind => ChannelKinds.DingTalk;

    public ChannelRequest Build(AlertChannel channel, ChannelPayload payload, DateTimeOffset now)
    {
        var m = payload.Message;
        var lines = new List<string> { $"### {StatusMarker.Emoji(m.Status, m.Severity)} {ChatEscaping.LookAlike(m.Title)}" };
        foreach (var item in m.Items)
        {
            lines.Add($"**{StatusMarker.Emoji(item.Status, item.Severity)} {ChatEscaping.LookAlike(item.Heading)}**");
            lines.AddRange(item.Facts.Select(f => $"- {ChatEscaping.LookAlike(f.Label)}: {ChatEscaping.LookAlike(f.Value)}"));
            if (item.Evidence.Count > 0)
            {
                lines.Add($"- {ChatEscaping.LookAlike(m.Texts.Evidence)}: {ChatEscaping.LookAlike(string.Join("; ", item.Evidence))}");
            }

            if (item.Cause is { } cause)
            {
                lines.Add($"- {ChatEscaping.LookAlike(m.Texts.LikelyCause)}: {ChatEscaping.LookAlike(cause)}");
            }

            if (item.Ack is { } ack)
            {
                lines.Add($"> {ChatEscaping.LookAlike(ack)}");
            }
        }

        if (m.MoreCount > 0)
        {
            lines.Add(ChatEscaping.LookAlike(m.MoreText));
        }

        var link = $"[{ChatEscaping.LookAlike(m.LinkText)}]({m.Link})";
        // DingTalk's markdown starts a new line only after an empty one.
        var text = TextLimits.Utf8Lines(string.Join("\n\n", lines), TextLimit - TextLimits.Utf8Bytes(link) - 2, ChatEscaping.LookAlike(m.Texts.Truncated)) + "\n\n" + link;
        var body = new JsonObject
        {
            ["msgtype"] = "markdown",
            ["markdown"] = new JsonObject { ["title"] = TextLimits.Chars(ChatEscaping.LookAlike(m.Title), 100), ["text"] = text },
            ["at"] = new JsonObject { ["isAtAll"] = false },
        };
        return ChannelRequest.Json(SignedUrl(channel, now), body);
    }

    public DeliveryResult Interpret(int statusCode, string body) =>
        DeliveryResult.FromErrorCode(statusCode, body, "errcode", s_retryable, TimeSpan.FromMinutes(1));

    public static string SignedUrl(AlertChannel channel, DateTimeOffset now)
    {
        if (channel.Secret is not { Length: > 0 } secret)
        {
            return channel.Url;
        }

        var timestamp = now.ToUnixTimeMilliseconds();
        var separator = channel.Url.Contains('?') ? '&' : '?';
        return $"{channel.Url}{separator}timestamp={timestamp.ToString(CultureInfo.InvariantCulture)}&sign={Uri.EscapeDataString(Sign(timestamp, secret))}";
    }

    public static string Sign(long timestampMilliseconds, string secret)
    {
        var data = Encoding.UTF8.GetBytes($"{timestampMilliseconds.ToString(CultureInfo.InvariantCulture)}\n{secret}");
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data));
    }
}
