namespace Dashboard.Server.Alerting.Delivery;

/// <summary>How a channel is doing, for the channels page.</summary>
public sealed record ChannelDeliveryStats(string Channel, int Pending, int Failed, DateTimeOffset? LastSentAt, DateTimeOffset? LastAttemptAt,
    bool? LastSucceeded, string? LastError);
