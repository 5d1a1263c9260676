namespace Dashboard.Server.Alerting;

/// <summary>A rule as written in settings: only the keys given override the built-in rule of the same name.</summary>
public sealed class AlertRuleOptions
{
    public string Name { get; set; } = "";
    public string? Kind { get; set; }
    public bool? Enabled { get; set; }
    public string? Severity { get; set; }
    public TimeSpan? For { get; set; }
    public double? Threshold { get; set; }
    public double? Minimum { get; set; }
    public string? Scope { get; set; }
    public string? Selector { get; set; }
    public string? Match { get; set; }
    public string? Finding { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];
}
