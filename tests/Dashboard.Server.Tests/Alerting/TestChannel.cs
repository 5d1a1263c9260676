namespace Dashboard.Server.Tests.Alerting;

/// <summary>A channel the harness configures in settings, pointing at a path of the test's receiver.</summary>
public sealed record TestChannel(string Name, string Kind, string PathAndQuery, string? Secret = null, string Language = "en");
