namespace Dashboard.Server.Alerting;

/// <summary>The chat systems (and the Alertmanager) a channel can post to.</summary>
public static class ChannelKinds
{
    public const string Slack = "slack";
    public const string Mattermost = "mattermost";
    public const string DingTalk = "dingtalk";
    public const string WeCom = "wecom";
    public const string Feishu = "feishu";
    public const string Teams = "teams";
    public const string Webhook = "webhook";

    /// <summary>An existing Alertmanager, through its v2 API; Url is its base address.</summary>
    public const string Alertmanager = "alertmanager";

    public static readonly string[] All = [Slack, Mattermost, DingTalk, WeCom, Feishu, Teams, Webhook, Alertmanager];
}
