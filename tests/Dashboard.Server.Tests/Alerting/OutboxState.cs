namespace Dashboard.Server.Tests.Alerting;

/// <summary>An outbox row as a test reads it back.</summary>
public sealed record OutboxState(long Id, int Sequence, string Status, int Attempts, DateTime NextAttemptAt, string NotificationStatus);
