namespace Dashboard.Server.Alerting.Rules;

/// <summary>A host that reported before has sent nothing for longer than the threshold (seconds).</summary>
public sealed class AgentSilentCondition : IAlertCondition
{
    public string Kind => AlertRuleKinds.AgentSilent;

    public IEnumerable<AlertCandidate> Evaluate(AlertRule rule, AlertInputs inputs)
    {
        var lastSeen = new Dictionary<string, (string Role, DateTimeOffset LastSeen)>(inputs.KnownHosts, StringComparer.Ordinal);
        foreach (var host in inputs.Hosts)
        {
            if (!lastSeen.TryGetValue(host.Name, out var known) || known.LastSeen < host.ReceivedAt)
            {
                lastSeen[host.Name] = (host.Role, host.ReceivedAt);
            }
        }

        foreach (var (name, (role, seen)) in lastSeen)
        {
            var silent = inputs.Now - seen;
            if (silent.TotalSeconds <= rule.Threshold)
            {
                continue;
            }

            var isDirector = role == Security.KnownRoles.Director;
            yield return AlertCandidate.Create(
                rule,
                rule.Severity ?? AlertSeverities.Warning,
                [new(isDirector ? AlertLabels.Director : AlertLabels.Hypervisor, name), new(AlertLabels.Role, role)],
                AlertAnnotations.Of(
                    $"{name} ({role}) has sent nothing for {(int)silent.TotalSeconds} s (threshold {rule.Threshold:0} s)",
                    $"Last batch received at {seen.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC",
                    "The agent stopped, lost its token, or cannot reach the server; its last numbers should not be trusted."),
                Math.Floor(silent.TotalSeconds));
        }
    }
}
