using System.Text.Json;

namespace Dashboard.Server.Tests.Alerting;

/// <summary>One request a <see cref="ChatReceiver"/> got, and what it answered.</summary>
public sealed record ReceivedRequest(string Path, string RawQuery, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body,
    int AnsweredStatus)
{
    public bool Accepted => AnsweredStatus is >= 200 and < 300;

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Header(string name) => Headers.GetValueOrDefault(name.ToLowerInvariant());
}
