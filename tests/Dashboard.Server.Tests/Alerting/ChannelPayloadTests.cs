using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dashboard.Server.Alerting.Delivery;

namespace Dashboard.Server.Tests.Alerting;

public sealed class ChannelPayloadTests(ChannelPayloadFixture fixture) : IClassFixture<ChannelPayloadFixture>
{
    private static readonly string s_link =
        $"{AlertingHarness.PublicUrl}/vip?director={Uri.EscapeDataString(ChannelPayloadFixture.Director)}&protocol=TCP&virtual=10.1.26.252%3A10051";

    [Fact]
    public void DingTalk_SignedRobot_UrlCarriesTimestampAndSignOfTheDocumentedAlgorithm()
    {
        // Arrange: sign = urlEncode(Base64(HmacSHA256(key = secret, data = timestamp + "\n" + secret))), timestamp in ms.
        var request = fixture.Request("/dingtalk");
        const string timestamp = "1700000000000";
        var expected = Convert.ToBase64String(new HMACSHA256(Encoding.UTF8.GetBytes(ChannelPayloadFixture.DingTalkSecret))
            .ComputeHash(Encoding.UTF8.GetBytes(timestamp + "\n" + ChannelPayloadFixture.DingTalkSecret)));

        // Act
        var body = request.Json;

        // Assert: the same value Python's hmac gives for this vector, URL-encoded in the query.
        Assert.Equal("8SZas7RY4E7wuOlgLfjLwHSKZpyUEdXdLvFYSDZiiFw=", expected);
        Assert.Equal("robot-token", request.Query["access_token"]);
        Assert.Equal(timestamp, request.Query["timestamp"]);
        Assert.Equal(expected, request.Query["sign"]);
        Assert.Contains("&sign=8SZas7RY4E7wuOlgLfjLwHSKZpyUEdXdLvFYSDZiiFw%3D", request.RawQuery);
        Assert.Equal("markdown", body.GetProperty("msgtype").GetString());
        Assert.False(body.GetProperty("at").GetProperty("isAtAll").GetBoolean());
        var text = body.GetProperty("markdown").GetProperty("text").GetString()!;
        Assert.StartsWith("### 🔴 ［告警:61］ 61 条告警 · lvs-a", text);
        Assert.Contains("- 证据: SYN_RECV: 60 of 62 connections (96.8%)", text);
        Assert.Contains("……另有 41 条告警", text);
        Assert.EndsWith($"[在看板中打开]({s_link})", text);
        Assert.NotEmpty(body.GetProperty("markdown").GetProperty("title").GetString()!);
    }

    [Fact]
    public void Feishu_SignedBot_BodyCarriesTimestampAndSignOfTheDocumentedAlgorithm()
    {
        // Arrange: sign = Base64(HmacSHA256(key = timestamp + "\n" + secret, data = empty)), timestamp in seconds.
        var body = fixture.Request("/feishu").Json;
        const string timestamp = "1700000000";
        var expected = Convert.ToBase64String(new HMACSHA256(Encoding.UTF8.GetBytes(timestamp + "\n" + ChannelPayloadFixture.FeishuSecret)).ComputeHash([]));

        // Act
        var card = body.GetProperty("card");

        // Assert
        Assert.Equal("e3MJ8Q5llVxGJ8pVkGPBhexDAgjvYqpjPP1GkY9XceI=", expected);
        Assert.Equal(timestamp, body.GetProperty("timestamp").GetString());
        Assert.Equal(expected, body.GetProperty("sign").GetString());
        Assert.Equal("interactive", body.GetProperty("msg_type").GetString());
        Assert.Equal("red", card.GetProperty("header").GetProperty("template").GetString());
        Assert.StartsWith("[告警:61]", card.GetProperty("header").GetProperty("title").GetProperty("content").GetString());
        var elements = card.GetProperty("elements").EnumerateArray().ToList();
        Assert.Equal(20, elements.Count(e => e.GetProperty("tag").GetString() == "div"));
        Assert.All(elements.Where(e => e.GetProperty("tag").GetString() == "div"), e => Assert.Equal("lark_md", e.GetProperty("text").GetProperty("tag").GetString()));
        var button = elements.Last().GetProperty("actions")[0];
        Assert.Equal(s_link, button.GetProperty("url").GetString());
    }

    [Fact]
    public void WeCom_SixtyAlertsInChinese_MarkdownCutOnALineWithinFourKilobytes()
    {
        // Arrange
        var body = fixture.Request("/wecom").Json;

        // Act
        var content = body.GetProperty("markdown").GetProperty("content").GetString()!;
        var lines = content.Split('\n');

        // Assert: within WeCom's 4096 bytes, every line whole (each font tag closed on its line), the link second.
        Assert.Equal("markdown", body.GetProperty("msgtype").GetString());
        Assert.InRange(Encoding.UTF8.GetByteCount(content), 3000, 4096);
        Assert.DoesNotContain('\uFFFD', content);
        Assert.All(lines, line => Assert.Equal(Regex.Count(line, "<font "), Regex.Count(line, "</font>")));
        Assert.Equal($"[在看板中打开]({s_link})", lines[1]);
        Assert.Equal("……（超出本群消息长度限制，请在看板中查看）", lines[^1]);
        Assert.Contains("<font color=\"warning\">", lines[0]);
    }

    [Fact]
    public void Slack_SixtyAlerts_BlockKitWithinSlackLimits()
    {
        // Arrange
        var body = fixture.Request("/slack").Json;

        // Act
        var blocks = body.GetProperty("blocks").EnumerateArray().ToList();

        // Assert
        Assert.Equal("header", blocks[0].GetProperty("type").GetString());
        Assert.InRange(blocks[0].GetProperty("text").GetProperty("text").GetString()!.Length, 1, 150);
        Assert.Equal(20, blocks.Count(b => b.GetProperty("type").GetString() == "section"));
        Assert.All(blocks.Where(b => b.GetProperty("type").GetString() == "section"),
            b => Assert.InRange(b.GetProperty("text").GetProperty("text").GetString()!.Length, 1, 3000));
        Assert.True(blocks.Count <= 50);
        Assert.Contains("and 41 more alerts", blocks.Single(b => b.GetProperty("type").GetString() == "context").GetRawText());
        Assert.Equal(s_link, blocks[^1].GetProperty("elements")[0].GetProperty("url").GetString());
        Assert.StartsWith("[FIRING:61]", body.GetProperty("text").GetString());
        var section = blocks.First(b => b.GetProperty("type").GetString() == "section").GetProperty("text").GetProperty("text").GetString()!;
        Assert.Contains("*Since:* 2023-11-14 22:13:10 UTC", section);
        Assert.Contains("*Likely cause:* SYN_RECV is 96.8% of the connections", section);
    }

    [Fact]
    public void Mattermost_SixtyAlerts_MarkdownTextWithLink()
    {
        // Arrange
        var body = fixture.Request("/mattermost").Json;

        // Act
        var text = body.GetProperty("text").GetString()!;

        // Assert
        Assert.StartsWith("#### 🔴 \\[FIRING\\:61\\] 61 alerts · lvs\\-a", text);
        Assert.Contains("- **Where:** director lvs\\-a", text);
        Assert.EndsWith($"[Open in the dashboard]({s_link})", text);
    }

    [Fact]
    public void Teams_SixtyAlerts_AdaptiveCardInAttachmentsEnvelope()
    {
        // Arrange
        var body = fixture.Request("/teams").Json;

        // Act
        var attachment = Assert.Single(body.GetProperty("attachments").EnumerateArray());
        var card = attachment.GetProperty("content");

        // Assert
        Assert.Equal("message", body.GetProperty("type").GetString());
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        Assert.Equal(JsonValueKind.Null, attachment.GetProperty("contentUrl").ValueKind);
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Equal("1.4", card.GetProperty("version").GetString());
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", card.GetProperty("$schema").GetString());
        Assert.Equal("Attention", card.GetProperty("body")[0].GetProperty("color").GetString());
        Assert.Equal(20, card.GetProperty("body").EnumerateArray().Count(e => e.GetProperty("type").GetString() == "Container"));
        var action = Assert.Single(card.GetProperty("actions").EnumerateArray());
        Assert.Equal("Action.OpenUrl", action.GetProperty("type").GetString());
        Assert.Equal(s_link, action.GetProperty("url").GetString());
    }

    [Fact]
    public void Webhook_SixtyAlerts_AlertmanagerVersionFourPayload()
    {
        // Arrange
        var request = fixture.Request("/webhook");
        var body = request.Json;

        // Act
        var alerts = body.GetProperty("alerts").EnumerateArray().ToList();
        var vipAlert = alerts.Single(a => a.GetProperty("labels").GetProperty("alertname").GetString() == "SynRecvRatioHigh");

        // Assert: the envelope.
        Assert.Equal($"Bearer {ChannelPayloadFixture.WebhookSecret}", request.Header("Authorization"));
        Assert.Equal("4", body.GetProperty("version").GetString());
        Assert.Equal($"{{}}:{{director=\"{ChannelPayloadFixture.Director}\", vip=\"10.1.26.252:10051\"}}", body.GetProperty("groupKey").GetString());
        Assert.Equal("firing", body.GetProperty("status").GetString());
        Assert.Equal("webhook", body.GetProperty("receiver").GetString());
        Assert.Equal(0, body.GetProperty("truncatedAlerts").GetInt32());
        Assert.Equal(AlertingHarness.PublicUrl, body.GetProperty("externalURL").GetString());
        Assert.Equal(["director", "vip"], body.GetProperty("groupLabels").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["director", "vip"], body.GetProperty("commonLabels").EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Object, body.GetProperty("commonAnnotations").ValueKind);
        Assert.Equal(ChannelPayloadFixture.RealServers + 1, alerts.Count);

        // Assert: each alert, with Alertmanager's fingerprint of its labels.
        Assert.All(alerts, a =>
        {
            var labels = a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            Assert.Equal("firing", a.GetProperty("status").GetString());
            Assert.Equal("0001-01-01T00:00:00Z", a.GetProperty("endsAt").GetString());
            Assert.Equal("2023-11-14T22:13:10Z", a.GetProperty("startsAt").GetString());
            Assert.Equal(Fingerprint(labels), a.GetProperty("fingerprint").GetString());
            Assert.Equal($"{AlertingHarness.PublicUrl}/alerts?fingerprint={labels.Count switch { _ => a.GetProperty("fingerprint").GetString() }}", a.GetProperty("generatorURL").GetString());
            Assert.Equal(ChannelPayloadFixture.Director, labels["director"]);
            Assert.Contains(labels["severity"], new[] { "critical", "warning" });
        });
        Assert.Equal("critical", vipAlert.GetProperty("labels").GetProperty("severity").GetString());
        Assert.False(vipAlert.GetProperty("labels").TryGetProperty("real_server", out _));
        Assert.StartsWith("SYN_RECV is 96.8% of the connections of VIP 10.1.26.252:10051", vipAlert.GetProperty("annotations").GetProperty("summary").GetString());
    }

    [Theory]
    [InlineData("/slack")]
    [InlineData("/mattermost")]
    [InlineData("/dingtalk")]
    [InlineData("/wecom")]
    [InlineData("/feishu")]
    [InlineData("/teams")]
    public void Chat_DirectorNameWithMarkup_NoMentionLinkOrTagSurvives(string path)
    {
        // Arrange
        var body = fixture.Request(path).Json;

        // Act: every text the chat will render, joined.
        var rendered = string.Join("\n", Strings(body));

        // Assert
        Assert.DoesNotContain("<!channel>", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("<at id=all>", rendered, StringComparison.Ordinal);
        if (path != "/slack")
        {
            // Slack links are <url|text>: a Markdown link is plain text there.
            Assert.DoesNotContain("[phish](", rendered, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("](http://evil", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("http://evil", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("*bold*", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("`code`", rendered, StringComparison.Ordinal);
        if (path != "/slack")
        {
            // Slack only mentions through <!channel>; the others read a bare @all.
            Assert.DoesNotMatch("(?<![\\w])@all", rendered);
        }
    }

    [Fact]
    public void Dispatch_OneIncidentSevenChannels_OneMessageEachWithItsNotificationId()
    {
        // Arrange
        var paths = new[] { "/slack", "/mattermost", "/dingtalk", "/wecom", "/feishu", "/teams", "/webhook" };

        // Act
        var ids = paths.Select(p => fixture.Request(p).Header(ChannelSender.NotificationHeader)).ToList();

        // Assert
        Assert.Equal(paths.Length, fixture.Harness.Receiver.Requests.Count);
        Assert.Equal(paths.Length, ids.Distinct().Count());
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object when IsPlainText(element, "tag") || IsPlainText(element, "type") => [],
        JsonValueKind.Object => element.EnumerateObject().Where(p => p.Name is not ("url" or "$schema")).SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    // Plain-text objects (Slack headers, Feishu titles) are never parsed as markup: only tags and mentions matter there.
    private static bool IsPlainText(JsonElement element, string property) =>
        element.TryGetProperty(property, out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "plain_text"
        && Strings(element.GetProperty(element.TryGetProperty("text", out _) ? "text" : "content")).All(t => !t.Contains('<') && !t.Contains('@'));

    /// <summary>FNV-1a 64 over label names and values sorted by name, each followed by 0xff, as Prometheus computes it.</summary>
    private static string Fingerprint(Dictionary<string, string> labels)
    {
        var hash = 14695981039346656037UL;
        foreach (var name in labels.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var part in new[] { name, labels[name] })
            {
                foreach (var b in Encoding.UTF8.GetBytes(part).Append((byte)0xff))
                {
                    hash = (hash ^ b) * 1099511628211UL;
                }
            }
        }

        return hash.ToString("x16");
    }
}
