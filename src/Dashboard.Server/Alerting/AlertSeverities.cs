namespace Dashboard.Server.Alerting;

public static class AlertSeverities
{
    public const string Critical = "critical";
    public const string Warning = "warning";
    public const string Info = "info";

    public static readonly string[] All = [Critical, Warning, Info];

    public static int Rank(string? severity) => severity switch
    {
        Critical => 2,
        Warning => 1,
        _ => 0,
    };
}
