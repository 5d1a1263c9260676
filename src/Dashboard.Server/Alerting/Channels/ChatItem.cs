namespace Dashboard.Server.Alerting.Channels;

/// <summary>One alert of a message.</summary>
public sealed record ChatItem(
    string Heading,
    string Status,
    string Severity,
    IReadOnlyList<ChatFact> Facts,
    IReadOnlyList<string> Evidence,
    string? Cause,
    string? Ack);
