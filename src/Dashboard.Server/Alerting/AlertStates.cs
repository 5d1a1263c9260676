namespace Dashboard.Server.Alerting;

/// <summary>An alert waits out its `for` duration (pending), then fires, then resolves.</summary>
public static class AlertStates
{
    public const string Pending = "pending";
    public const string Firing = "firing";
    public const string Resolved = "resolved";

    public static readonly string[] All = [Pending, Firing, Resolved];
}
