namespace Dashboard.Server.Alerting.Rules;

/// <summary>Finds where one kind of rule's condition holds now.</summary>
public interface IAlertCondition
{
    string Kind { get; }

    IEnumerable<AlertCandidate> Evaluate(AlertRule rule, AlertInputs inputs);
}
