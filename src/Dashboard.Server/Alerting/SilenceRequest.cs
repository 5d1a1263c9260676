namespace Dashboard.Server.Alerting;

public sealed record SilenceRequest(string? Matchers, string? Comment, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, int? DurationMinutes);
