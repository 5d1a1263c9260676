namespace Dashboard.Server.Alerting;

public static class AlertRuleSources
{
    public const string Default = "default";
    public const string Settings = "settings";
    public const string Ui = "ui";
}
