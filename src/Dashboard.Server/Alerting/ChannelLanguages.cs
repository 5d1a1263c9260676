namespace Dashboard.Server.Alerting;

/// <summary>Languages a channel can be written to.</summary>
public static class ChannelLanguages
{
    public const string English = "en";
    public const string Chinese = "zh-CN";

    public static readonly string[] All = [English, Chinese];
}
