namespace Dashboard.Server.Alerting;

/// <summary>The chat systems a channel can post to.</summary>
public static class ChannelKinds
{
    public const string Slack = "slack";
    public const string Mattermost = "mattermost";
    public const string DingTalk = "dingtalk";
    public const string WeCom = "wecom";
    public const string Feishu = "feishu";
    public const string Teams = "teams";
    public const string Webhook = "webhook";

    public static readonly string[] All = [Slack, Mattermost, DingTalk, WeCom, Feishu, Teams, Webhook];
}
