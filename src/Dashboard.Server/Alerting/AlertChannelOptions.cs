namespace Dashboard.Server.Alerting;

/// <summary>A chat channel as written in settings (Dashboard:Alerting:Channels:N).</summary>
public sealed class AlertChannelOptions
{
    public string Name { get; set; } = "";

    /// <summary>slack, mattermost, dingtalk, wecom, feishu, teams, webhook or alertmanager (Url = Alertmanager's base address).</summary>
    public string Kind { get; set; } = "";

    public string Url { get; set; } = "";

    /// <summary>Signing secret (DingTalk, Feishu) or bearer token (webhook, alertmanager); empty when the channel has none.</summary>
    public string? Secret { get; set; }

    /// <summary>en or zh-CN.</summary>
    public string Language { get; set; } = ChannelLanguages.English;

    public bool Enabled { get; set; } = true;
}
