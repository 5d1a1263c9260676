namespace Dashboard.Server.Alerting.Channels;

/// <summary>A labelled value of an alert in a message.</summary>
public sealed record ChatFact(string Label, string Value);
