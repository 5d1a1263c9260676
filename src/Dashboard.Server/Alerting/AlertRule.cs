namespace Dashboard.Server.Alerting;

/// <summary>
/// One alerting rule, resolved from the built-in defaults, settings and the UI. Threshold means: a share (0–1) for
/// syn-recv-ratio, packets per second for drop-rate, seconds of silence for agent-silent.
/// </summary>
public sealed record AlertRule
{
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public bool Enabled { get; init; } = true;

    /// <summary>critical, warning or info; for finding rules null means the finding's own severity.</summary>
    public string? Severity { get; init; }

    /// <summary>How long the condition must hold before the alert fires.</summary>
    public TimeSpan For { get; init; }

    public double Threshold { get; init; }

    /// <summary>syn-recv-ratio: fewer SYN_RECV connections than this never fire, whatever the share.</summary>
    public double Minimum { get; init; }

    /// <summary>syn-recv-ratio: vip or real-server.</summary>
    public string? Scope { get; init; }

    /// <summary>drop-rate: drop-kind, chain, rule or nsx-reason.</summary>
    public string? Selector { get; init; }

    /// <summary>drop-rate: the value the selector matches; a trailing * matches a prefix.</summary>
    public string? Match { get; init; }

    /// <summary>finding: the finding kind.</summary>
    public string? Finding { get; init; }

    /// <summary>Extra labels added to every alert of the rule (routing hints, team names).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Where the rule's current definition comes from: default, settings or ui.</summary>
    public string Source { get; init; } = AlertRuleSources.Default;

    public bool Matches(string? value)
    {
        if (Match is not { Length: > 0 } pattern || value is null)
        {
            return false;
        }

        return pattern.EndsWith('*')
            ? value.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : string.Equals(value, pattern, StringComparison.Ordinal);
    }
}
