namespace Dashboard.Server.Alerting.Channels;

/// <summary>A channel as people may see it: URL and secret masked.</summary>
public sealed record ChannelView(string Name, string Kind, string Url, string? Secret, string Language, bool Enabled, string Source);
