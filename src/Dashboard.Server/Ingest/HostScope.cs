using System.IO.Enumeration;

namespace Dashboard.Server.Ingest;

/// <summary>The host names a token speaks for: an explicit list, a glob (`*`, `?`), or both.</summary>
public sealed record HostScope(IReadOnlyList<string> Hosts, string? Pattern)
{
    /// <summary>Every host: for tools that push a whole fleet (demo, load tests); never the default of a new token.</summary>
    public static HostScope Any { get; } = new([], "*");

    public static HostScope ForHost(string host) => new([host], null);

    public bool Allows(string host) =>
        Hosts.Contains(host, StringComparer.Ordinal)
        || (Pattern is { Length: > 0 } p && FileSystemName.MatchesSimpleExpression(p, host, ignoreCase: false));

    public override string ToString() =>
        string.Join(", ", Pattern is null ? Hosts : [.. Hosts, $"pattern {Pattern}"]);
}
