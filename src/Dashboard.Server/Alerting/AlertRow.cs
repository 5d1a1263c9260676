namespace Dashboard.Server.Alerting;

/// <summary>One alert instance as stored: from the moment its condition held until it resolved.</summary>
public sealed record AlertRow : IIncidentAlert
{
    public long Id { get; init; }
    public required string Fingerprint { get; init; }
    public required string Rule { get; init; }
    public required string RuleKind { get; init; }
    public required string Severity { get; init; }
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    public required IReadOnlyDictionary<string, string> Annotations { get; init; }
    public required string GroupKey { get; init; }
    public required string State { get; init; }
    public double? Value { get; init; }
    public double? Threshold { get; init; }
    public DateTimeOffset ActiveAt { get; init; }
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public DateTimeOffset LastEvaluatedAt { get; init; }
    public string? AcknowledgedBy { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public string? AckComment { get; init; }

    public bool IsActive => State != AlertStates.Resolved;

    /// <summary>The host the alert's data comes from, when it is one host's live data.</summary>
    public string? SourceHost => Labels.GetValueOrDefault(AlertLabels.Hypervisor) is { } hypervisor && RuleKind == AlertRuleKinds.DropRate
        ? hypervisor
        : Labels.GetValueOrDefault(AlertLabels.Director);
}
