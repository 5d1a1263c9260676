namespace Dashboard.Server.Alerting.Delivery;

/// <summary>One notification waiting for one channel.</summary>
public sealed record OutboxRow(long Id, string GroupKey, int Sequence, string Channel, AlertNotification Notification, DateTimeOffset CreatedAt, int Attempts);
