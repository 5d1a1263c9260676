using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>
/// Feishu/Lark custom bot: an interactive card (coloured header, one lark_md block per alert, a button). With a secret,
/// the body carries timestamp (seconds) and sign = Base64(HmacSHA256(key = timestamp + "\n" + secret, data = empty)).
/// </summary>
public sealed class FeishuFormatter : IChannelFormatter
{
    // Feishu rejects cards of about 30 KB; stay well below.
    private const int BlockLimit = 2000;

    private static readonly long[] s_retryable = [11232, 9499];

    public string Kind => ChannelKinds.Feishu;

    public ChannelRequest Build(AlertChannel channel, ChannelPayload payload, DateTimeOffset now)
    {
        var m = payload.Message;
        var elements = new JsonArray();
        foreach (var item in m.Items)
        {
            if (elements.Count > 0)
            {
                elements.Add(new JsonObject { ["tag"] = "hr" });
            }

            var text = new StringBuilder();
            text.Append("**").Append(StatusMarker.Emoji(item.Status, item.Severity)).Append(' ').Append(ChatEscaping.LookAlike(item.Heading)).Append("**");
            foreach (var fact in item.Facts)
            {
                text.Append("\n**").Append(ChatEscaping.LookAlike(fact.Label)).Append(":** ").Append(ChatEscaping.LookAlike(fact.Value));
            }

            foreach (var line in item.Evidence)
            {
                text.Append("\n- ").Append(ChatEscaping.LookAlike(line));
            }

            if (item.Cause is { } cause)
            {
                text.Append("\n**").Append(ChatEscaping.LookAlike(m.Texts.LikelyCause)).Append(":** ").Append(ChatEscaping.LookAlike(cause));
            }

            if (item.Ack is { } ack)
            {
                text.Append("\n✅ ").Append(ChatEscaping.LookAlike(ack));
            }

            elements.Add(new JsonObject
            {
                ["tag"] = "div",
                ["text"] = new JsonObject { ["tag"] = "lark_md", ["content"] = TextLimits.Chars(text.ToString(), BlockLimit) },
            });
        }

        if (m.MoreCount > 0)
        {
            elements.Add(new JsonObject { ["tag"] = "note", ["elements"] = new JsonArray { new JsonObject { ["tag"] = "plain_text", ["content"] = ChatEscaping.PlainText(m.MoreText) } } });
        }

        elements.Add(new JsonObject
        {
            ["tag"] = "action",
            ["actions"] = new JsonArray
            {
                new JsonObject
                {
                    ["tag"] = "button",
                    ["text"] = new JsonObject { ["tag"] = "plain_text", ["content"] = m.LinkText },
                    ["type"] = "primary",
                    ["url"] = m.Link,
                },
            },
        });

        var body = new JsonObject();
        if (channel.Secret is { Length: > 0 } secret)
        {
            var timestamp = now.ToUnixTimeSeconds();
            body["timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture);
            body["sign"] = Sign(timestamp, secret);
        }

        body["msg_type"] = "interactive";
        body["card"] = new JsonObject
        {
            ["config"] = new JsonObject { ["wide_screen_mode"] = true },
            ["header"] = new JsonObject
            {
                ["template"] = StatusMarker.Colour(m.Status, m.Severity),
                ["title"] = new JsonObject { ["tag"] = "plain_text", ["content"] = TextLimits.Chars(ChatEscaping.PlainText(m.Title), 200) },
            },
            ["elements"] = elements,
        };
        return ChannelRequest.Json(channel.Url, body);
    }

    public DeliveryResult Interpret(int statusCode, string body) =>
        DeliveryResult.FromErrorCode(statusCode, body, "code", s_retryable, TimeSpan.FromSeconds(10));

    public static string Sign(long timestampSeconds, string secret)
    {
        var key = Encoding.UTF8.GetBytes($"{timestampSeconds.ToString(CultureInfo.InvariantCulture)}\n{secret}");
        return Convert.ToBase64String(HMACSHA256.HashData(key, Array.Empty<byte>()));
    }
}
