namespace Dashboard.Server.Alerting;

/// <summary>Filters of the alerts list.</summary>
public sealed record AlertQuery(string? State = null, bool ActiveOnly = false, string? Severity = null, string? Director = null,
    string? Fingerprint = null, int Limit = 500);
