namespace Dashboard.Server.Alerting;

/// <summary>How the dispatcher sends: timeouts and the retry schedule.</summary>
public sealed class AlertDeliveryOptions
{
    /// <summary>One HTTP attempt gives up after this long.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First retry delay; doubled per failed attempt up to MaxBackoff, with jitter.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A message not delivered after this long is marked failed.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the dispatcher looks for due messages when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Firing alerts are posted to alertmanager channels again this often, well within Alertmanager's resolve_timeout (5 min).</summary>
    public TimeSpan AlertmanagerResend { get; set; } = TimeSpan.FromMinutes(1);
}
