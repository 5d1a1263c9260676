namespace Dashboard.Server.Alerting.Channels;

/// <summary>The colour cue of a message or item, as an emoji every chat shows.</summary>
public static class StatusMarker
{
    public static string Emoji(string status, string severity) => status == AlertStates.Resolved
        ? "✅"
        : severity switch
        {
            AlertSeverities.Critical => "🔴",
            AlertSeverities.Warning => "🟠",
            _ => "🔵",
        };

    /// <summary>Named colours: red, orange, blue, green (Feishu header templates use these names).</summary>
    public static string Colour(string status, string severity) => status == AlertStates.Resolved
        ? "green"
        : severity switch
        {
            AlertSeverities.Critical => "red",
            AlertSeverities.Warning => "orange",
            _ => "blue",
        };
}
