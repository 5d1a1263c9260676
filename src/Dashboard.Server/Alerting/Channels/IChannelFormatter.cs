namespace Dashboard.Server.Alerting.Channels;

/// <summary>Turns a message into one chat system's HTTP request, and reads that system's answer.</summary>
public interface IChannelFormatter
{
    string Kind { get; }

    /// <summary>Digests fold several notifications into one message; Alertmanager's payload has room for one group only.</summary>
    bool CanDigest => true;

    ChannelRequest Build(AlertChannel channel, ChannelPayload payload, DateTimeOffset now);

    DeliveryResult Interpret(int statusCode, string body) => DeliveryResult.FromStatus(statusCode, body);
}
