namespace Dashboard.Server.Alerting;

/// <summary>What the inhibition rule reads of an alert, whether stored (<see cref="AlertRow"/>) or shown (<see cref="AlertView"/>).</summary>
public interface IIncidentAlert
{
    string Fingerprint { get; }
    IReadOnlyDictionary<string, string> Labels { get; }
    string State { get; }
    string Severity { get; }
    DateTimeOffset ActiveAt { get; }
}
