namespace Dashboard.Server.Alerting;

public sealed record AckRequest(string? Comment);
