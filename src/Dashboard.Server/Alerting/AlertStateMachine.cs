using Dashboard.Server.Alerting.Rules;

namespace Dashboard.Server.Alerting;

/// <summary>
/// Prometheus' alert lifecycle: a condition that starts holding is pending, fires once it has held for the rule's `for`,
/// and resolves when it stops holding. Alerts whose host has no live data (just after a restart) keep their state until
/// they are stale, so a restart does not resolve everything and fire it again.
/// </summary>
public static class AlertStateMachine
{
    public static IReadOnlyList<AlertTransition> Apply(IReadOnlyList<AlertRow> active, IReadOnlyList<AlertCandidate> candidates,
        Func<string, bool> hasLiveData, IReadOnlyList<string> groupBy, DateTimeOffset now, TimeSpan staleAfter)
    {
        var result = new List<AlertTransition>();
        var byFingerprint = active.ToDictionary(a => a.Fingerprint, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            if (!seen.Add(candidate.Fingerprint))
            {
                continue;
            }

            if (!byFingerprint.TryGetValue(candidate.Fingerprint, out var row))
            {
                var activeAt = candidate.Since is { } since && since < now ? since : now;
                row = new AlertRow
                {
                    Fingerprint = candidate.Fingerprint,
                    Rule = candidate.Rule.Name,
                    RuleKind = candidate.Rule.Kind,
                    Severity = candidate.Severity,
                    Labels = candidate.Labels,
                    Annotations = candidate.Annotations,
                    GroupKey = AlertLabels.GroupKey(AlertLabels.GroupLabels(candidate.Labels, groupBy)),
                    State = AlertStates.Pending,
                    Value = candidate.Value,
                    Threshold = candidate.Rule.Kind == AlertRuleKinds.Finding ? null : candidate.Rule.Threshold,
                    ActiveAt = activeAt,
                    LastEvaluatedAt = now,
                };
                result.Add(new AlertTransition(FireIfDue(row, candidate.Rule.For, now), null));
                continue;
            }

            var updated = row with
            {
                Annotations = candidate.Annotations,
                Value = candidate.Value,
                Threshold = candidate.Rule.Kind == AlertRuleKinds.Finding ? null : candidate.Rule.Threshold,
                LastEvaluatedAt = now,
            };
            result.Add(new AlertTransition(row.State == AlertStates.Pending ? FireIfDue(updated, candidate.Rule.For, now) : updated, row));
        }

        foreach (var row in active.Where(a => !seen.Contains(a.Fingerprint)))
        {
            var unknown = AlertRuleKinds.NeedsLiveData(row.RuleKind) && row.SourceHost is { } host && !hasLiveData(host);
            if (unknown && now - row.LastEvaluatedAt < staleAfter)
            {
                continue;
            }

            result.Add(new AlertTransition(row with { State = AlertStates.Resolved, EndsAt = now, LastEvaluatedAt = now }, row));
        }

        return result;
    }

    private static AlertRow FireIfDue(AlertRow row, TimeSpan hold, DateTimeOffset now) =>
        now - row.ActiveAt >= hold ? row with { State = AlertStates.Firing, StartsAt = hold == TimeSpan.Zero ? row.ActiveAt : now } : row;
}
