namespace Dashboard.Server.Alerting;

/// <summary>A group as stored: when it was last flushed and which firing alerts chat was last told about.</summary>
public sealed record AlertGroupRow(
    string GroupKey,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastFlushAt,
    DateTimeOffset? LastNotifiedAt,
    IReadOnlyList<string> NotifiedFiring,
    int NotificationCount);
