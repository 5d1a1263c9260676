namespace Dashboard.Server.Alerting;

/// <summary>
/// One notification of one group, as decided when the group changed; stored in the outbox and rendered for each channel
/// (in its format and language) when it is sent. Field names follow Alertmanager's webhook data.
/// </summary>
public sealed record AlertNotification
{
    public required string GroupKey { get; init; }
    public required string Status { get; init; }
    /// <summary>The notification's number, unique across all groups.</summary>
    public int Sequence { get; init; }

    /// <summary>True for a repeat of an unchanged firing group (repeat_interval).</summary>
    public bool Repeat { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public required IReadOnlyDictionary<string, string> GroupLabels { get; init; }
    public required IReadOnlyDictionary<string, string> CommonLabels { get; init; }
    public required IReadOnlyDictionary<string, string> CommonAnnotations { get; init; }
    public required string ExternalUrl { get; init; }

    /// <summary>The dashboard page that shows this incident.</summary>
    public required string Link { get; init; }

    public required IReadOnlyList<NotifiedAlert> Alerts { get; init; }

    public int FiringCount => Alerts.Count(a => a.Status == AlertStates.Firing);
    public int ResolvedCount => Alerts.Count(a => a.Status == AlertStates.Resolved);
}
