namespace Dashboard.Server.Alerting.Channels;

/// <summary>What one request carries: the laid-out message for chats, the notification itself for the webhook.</summary>
public sealed record ChannelPayload(ChatMessage Message, AlertNotification Notification, long? OutboxId);
