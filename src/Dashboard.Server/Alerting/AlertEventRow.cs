namespace Dashboard.Server.Alerting;

/// <summary>One entry of an alert's history: a state change or an acknowledgement.</summary>
public sealed record AlertEventRow(DateTimeOffset At, string Change, string? Actor, string? Detail);
