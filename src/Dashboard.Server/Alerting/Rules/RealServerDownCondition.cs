namespace Dashboard.Server.Alerting.Rules;

/// <summary>keepalived's health check on a director marks a real server down.</summary>
public sealed class RealServerDownCondition : IAlertCondition
{
    public string Kind => AlertRuleKinds.RealServerDown;

    public IEnumerable<AlertCandidate> Evaluate(AlertRule rule, AlertInputs inputs) =>
        inputs.Hosts.SelectMany(host => host.HealthChecks.Where(c => !c.Up).Select(c => AlertCandidate.Create(
            rule,
            rule.Severity ?? AlertSeverities.Warning,
            [new(AlertLabels.Director, host.Name), new(AlertLabels.Vip, c.Virtual), new(AlertLabels.RealServer, c.Address)],
            AlertAnnotations.Of(
                $"keepalived on {host.Name} marks real server {c.Address} of {c.Protocol} {c.Virtual} down",
                $"Health check state: down (reported {host.CollectedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)",
                "The real server fails keepalived's health check, so it receives no new connections; check the service on it."),
            0)));
}
