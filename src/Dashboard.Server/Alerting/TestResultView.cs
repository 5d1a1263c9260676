namespace Dashboard.Server.Alerting;

public sealed record TestResultView(bool Succeeded, int? StatusCode, string? Error);
