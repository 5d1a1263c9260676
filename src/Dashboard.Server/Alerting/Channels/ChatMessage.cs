namespace Dashboard.Server.Alerting.Channels;

/// <summary>
/// A notification laid out for people, independent of any chat format. Every string is plain text that may contain
/// what agents reported (host, chain and VM names): each formatter escapes all of it for its own markup.
/// </summary>
public sealed record ChatMessage(
    string Title,
    string Status,
    string Severity,
    IReadOnlyList<ChatItem> Items,
    int MoreCount,
    string Link,
    string LinkText,
    string MoreText,
    MessageTexts Texts);

