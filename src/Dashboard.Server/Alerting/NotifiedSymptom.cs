namespace Dashboard.Server.Alerting;

/// <summary>A symptom alert a notified cause explains, left out of chat while the cause fires.</summary>
public sealed record NotifiedSymptom(string Rule, string Severity, string Fingerprint);
