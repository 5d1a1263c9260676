using Dashboard.Server.Alerting;

namespace Dashboard.Server.Tests.Alerting;

/// <summary>
/// One server with a channel of every kind on one receiver, and one incident on a director whose name tries every
/// markup trick: sixty real servers pile up, so the message also meets each chat's size limits.
/// </summary>
public sealed class ChannelPayloadFixture : IAsyncLifetime
{
    public const string Director = "lvs-a <!channel> @all [phish](http://evil.test/x) *bold* <at id=all></at> `code`";
    public const string DingTalkSecret = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";
    public const string FeishuSecret = "feishu-test-secret";
    public const string WebhookSecret = "hook-token-0123456789";
    public const int RealServers = 60;

    /// <summary>The alerting clock reads exactly this when the notifications go out.</summary>
    public static readonly DateTimeOffset SentAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    public AlertingHarness Harness { get; private set; } = null!;

    public ReceivedRequest Request(string path) => Assert.Single(Harness.Receiver.Accepted(path));

    public async Task InitializeAsync()
    {
        Harness = await AlertingHarness.StartAsync(
        [
            new("slack", ChannelKinds.Slack, "/slack"),
            new("mattermost", ChannelKinds.Mattermost, "/mattermost"),
            new("dingtalk", ChannelKinds.DingTalk, "/dingtalk?access_token=robot-token", DingTalkSecret, "zh-CN"),
            new("wecom", ChannelKinds.WeCom, "/wecom?key=wecom-key-0123456789", Language: "zh-CN"),
            new("feishu", ChannelKinds.Feishu, "/feishu", FeishuSecret, "zh-CN"),
            new("teams", ChannelKinds.Teams, "/teams"),
            new("webhook", ChannelKinds.Webhook, "/webhook", WebhookSecret),
        ], clockStart: SentAt - TimeSpan.FromSeconds(10));
        var servers = Enumerable.Range(1, RealServers).Select(i => $"10.1.27.{i}:10051").ToArray();
        await Harness.StoreDirectorPastTheEdgeAsync(Director, 60, 2, servers);
        await Harness.EvaluateAsync();
        await Harness.StepAsync(TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
