namespace Dashboard.Server.Alerting.Rules;

/// <summary>Open findings of the rule's kind fire, with the finding's place, evidence and the first sentence of its remediation.</summary>
public sealed class FindingCondition : IAlertCondition
{
    public string Kind => AlertRuleKinds.Finding;

    public IEnumerable<AlertCandidate> Evaluate(AlertRule rule, AlertInputs inputs)
    {
        foreach (var finding in inputs.OpenFindings.Where(f => f.Latest.Kind == rule.Finding))
        {
            var f = finding.Latest;
            var severity = rule.Severity ?? f.Severity.ToString().ToLowerInvariant();
            yield return AlertCandidate.Create(
                rule,
                severity,
                [
                    new(AlertLabels.Finding, f.Kind),
                    new(AlertLabels.Director, f.Director),
                    new(AlertLabels.Vip, f.Vip),
                    new(AlertLabels.RealServer, f.RealServer),
                    new(AlertLabels.Hypervisor, f.Hypervisor),
                    new(AlertLabels.Port, f.Port),
                ],
                AlertAnnotations.Of(f.Summary, string.Join('\n', f.Evidence.Select(e => $"{e.Label}: {e.Value}")), AlertAnnotations.FirstSentence(f.Remediation)),
                null,
                finding.OpenedAt ?? finding.FirstSeen);
        }
    }
}
