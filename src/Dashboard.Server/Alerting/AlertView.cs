namespace Dashboard.Server.Alerting;

/// <summary>An alert as the API and the alerts page show it.</summary>
public sealed record AlertView(
    long Id,
    string Fingerprint,
    string Rule,
    string State,
    string Severity,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset ActiveAt,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    double? Value,
    double? Threshold,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    string? AckComment,
    IReadOnlyList<long> SilencedBy) : IIncidentAlert
{
    public static AlertView From(AlertRow a, IReadOnlyList<Silence> silences, DateTimeOffset now) => new(
        a.Id, a.Fingerprint, a.Rule, a.State, a.Severity, a.Labels, a.Annotations, a.ActiveAt, a.StartsAt, a.EndsAt, a.Value, a.Threshold,
        a.AcknowledgedBy, a.AcknowledgedAt, a.AckComment,
        a.IsActive ? silences.Where(s => s.Mutes(a.Labels, now)).Select(s => s.Id).ToList() : []);
}
