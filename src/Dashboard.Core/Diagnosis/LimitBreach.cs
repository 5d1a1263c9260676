namespace Dashboard.Core.Diagnosis;

/// <summary>A configured limit that refused data: how often, and the last host and token it refused.</summary>
public sealed record LimitBreach(string Limit, long Refused, string LastHost, string LastToken, string LastReason, DateTimeOffset LastAt);
