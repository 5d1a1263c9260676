namespace Dashboard.Server.Alerting;

/// <summary>One alert inside a notification.</summary>
public sealed record NotifiedAlert
{
    public required string Status { get; init; }
    public required string Rule { get; init; }
    public required string RuleKind { get; init; }
    public required string Severity { get; init; }
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    public required IReadOnlyDictionary<string, string> Annotations { get; init; }
    public DateTimeOffset StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public required string Fingerprint { get; init; }
    public required string GeneratorUrl { get; init; }
    public double? Value { get; init; }
    public double? Threshold { get; init; }
    public string? AcknowledgedBy { get; init; }
    public string? AckComment { get; init; }

    /// <summary>For a firing cause: the active symptoms it explains, which chat does not send on their own.</summary>
    public IReadOnlyList<NotifiedSymptom> Symptoms { get; init; } = [];

    public static NotifiedAlert From(AlertRow row, string status, AlertLinks links) => new()
    {
        Status = status,
        Rule = row.Rule,
        RuleKind = row.RuleKind,
        Severity = row.Severity,
        Labels = row.Labels,
        Annotations = row.Annotations,
        StartsAt = row.StartsAt ?? row.ActiveAt,
        EndsAt = status == AlertStates.Resolved ? row.EndsAt : null,
        Fingerprint = row.Fingerprint,
        GeneratorUrl = links.Alert(row.Fingerprint),
        Value = row.Value,
        Threshold = row.Threshold,
        AcknowledgedBy = row.AcknowledgedBy,
        AckComment = row.AckComment,
    };
}
