namespace Dashboard.Server.Alerting.Rules;

/// <summary>A rule's condition holding at one place now: the labels that identify it and what to say about it.</summary>
public sealed record AlertCandidate(
    AlertRule Rule,
    string Severity,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    double? Value,
    DateTimeOffset? Since)
{
    public string Fingerprint { get; } = AlertLabels.Fingerprint(Labels);

    /// <summary>Labels: the rule's extra labels, then the place, then alertname and severity (which nothing overrides).</summary>
    public static AlertCandidate Create(AlertRule rule, string severity, IEnumerable<KeyValuePair<string, string?>> place,
        IReadOnlyDictionary<string, string> annotations, double? value, DateTimeOffset? since = null)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in rule.Labels)
        {
            labels[name] = text;
        }

        foreach (var (name, text) in place)
        {
            if (text is { Length: > 0 })
            {
                labels[name] = text;
            }
        }

        labels[AlertLabels.AlertName] = rule.Name;
        labels[AlertLabels.Severity] = severity;
        return new AlertCandidate(rule, severity, labels, annotations, value, since);
    }
}
