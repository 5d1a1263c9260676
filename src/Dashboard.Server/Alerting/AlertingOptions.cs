namespace Dashboard.Server.Alerting;

/// <summary>The "Dashboard:Alerting" configuration section: channels, rule overrides, grouping and delivery.</summary>
public sealed class AlertingOptions
{
    public const string Section = "Dashboard:Alerting";

    private static readonly string[] s_defaultGroupBy = [AlertLabels.Director, AlertLabels.Vip];

    /// <summary>Chat channels from settings; admins add more in the UI.</summary>
    public List<AlertChannelOptions> Channels { get; set; } = [];

    /// <summary>Overrides of the built-in rules by name (only the keys given change), or new rules.</summary>
    public List<AlertRuleOptions> Rules { get; set; } = [];

    /// <summary>Labels that make an incident: alerts with the same values are notified together (default director, vip).</summary>
    public List<string> GroupBy { get; set; } = [];

    /// <summary>Wait before the first notification of a new group, so alerts of one incident arrive together.</summary>
    public TimeSpan GroupWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Least time between two notifications of one group about changes.</summary>
    public TimeSpan GroupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Re-send an unchanged, unacknowledged firing group after this long.</summary>
    public TimeSpan RepeatInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>An alert whose host has not been seen since a restart keeps its state this long before it resolves.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Alerts listed in one chat message; the rest are counted and linked.</summary>
    public int MaxAlertsPerMessage { get; set; } = 20;

    public AlertDeliveryOptions Delivery { get; set; } = new();

    public IReadOnlyList<string> EffectiveGroupBy => GroupBy.Count > 0 ? GroupBy : s_defaultGroupBy;
}
