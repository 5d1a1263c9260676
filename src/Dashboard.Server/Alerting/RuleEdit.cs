namespace Dashboard.Server.Alerting;

/// <summary>One rule's row in the rules admin page, with its fields as people type them.</summary>
public sealed class RuleEdit
{
    public string Name { get; set; } = "";
    public string Kind { get; set; } = AlertRuleKinds.SynRecvRatio;
    public bool Enabled { get; set; } = true;
    public string? Severity { get; set; }
    public double ForSeconds { get; set; }
    public double Threshold { get; set; }
    public double Minimum { get; set; }
    public string? Scope { get; set; }
    public string? Selector { get; set; }
    public string? Match { get; set; }
    public string? Finding { get; set; }

    /// <summary>Extra labels as <c>team=net, pager=yes</c>.</summary>
    public string Labels { get; set; } = "";

    public string Source { get; set; } = AlertRuleSources.Ui;

    public static RuleEdit From(AlertRule rule) => new()
    {
        Name = rule.Name,
        Kind = rule.Kind,
        Enabled = rule.Enabled,
        Severity = rule.Severity,
        ForSeconds = rule.For.TotalSeconds,
        Threshold = rule.Threshold,
        Minimum = rule.Minimum,
        Scope = rule.Scope,
        Selector = rule.Selector,
        Match = rule.Match,
        Finding = rule.Finding,
        Labels = string.Join(", ", rule.Labels.Select(l => $"{l.Key}={l.Value}")),
        Source = rule.Source,
    };

    public bool TryBuild(out AlertRule? rule, out List<string> errors)
    {
        errors = [];
        rule = null;
        if (Name.Trim() is not { Length: > 0 and <= 100 } name || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or ':'))
        {
            errors.Add("Name: letters, digits, _ - : (up to 100).");
            name = Name;
        }

        if (!AlertRuleKinds.All.Contains(Kind))
        {
            errors.Add($"Kind: one of {string.Join(", ", AlertRuleKinds.All)}.");
        }

        if (Severity is { Length: > 0 } severity && !AlertSeverities.All.Contains(severity))
        {
            errors.Add($"Severity: one of {string.Join(", ", AlertSeverities.All)}.");
        }

        if (ForSeconds is < 0 or > 86400 || double.IsNaN(ForSeconds))
        {
            errors.Add("For: 0 to 86400 seconds.");
        }

        if (Threshold < 0 || (Kind == AlertRuleKinds.SynRecvRatio && Threshold >= 1) || double.IsNaN(Threshold))
        {
            errors.Add(Kind == AlertRuleKinds.SynRecvRatio ? "Threshold: a share from 0 to below 1." : "Threshold: not negative.");
        }

        if (Kind == AlertRuleKinds.SynRecvRatio && !AlertRuleKinds.Scopes.Contains(Scope))
        {
            errors.Add($"Scope: one of {string.Join(", ", AlertRuleKinds.Scopes)}.");
        }

        if (Kind == AlertRuleKinds.DropRate && (!AlertRuleKinds.Selectors.Contains(Selector) || string.IsNullOrWhiteSpace(Match)))
        {
            errors.Add($"Selector: one of {string.Join(", ", AlertRuleKinds.Selectors)}, with a value to match.");
        }

        if (Kind == AlertRuleKinds.Finding && string.IsNullOrWhiteSpace(Finding))
        {
            errors.Add("Finding: the finding kind.");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in Labels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || !parts[0].All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
                || parts[0] is AlertLabels.AlertName or AlertLabels.Severity)
            {
                errors.Add($"Labels: '{pair}' is not name=value (names of letters, digits and _; not alertname or severity).");
                continue;
            }

            labels[parts[0]] = parts[1];
        }

        if (errors.Count > 0)
        {
            return false;
        }

        rule = new AlertRule
        {
            Name = name,
            Kind = Kind,
            Enabled = Enabled,
            Severity = string.IsNullOrEmpty(Severity) ? null : Severity,
            For = TimeSpan.FromSeconds(ForSeconds),
            Threshold = Threshold,
            Minimum = Minimum,
            Scope = Kind == AlertRuleKinds.SynRecvRatio ? Scope : null,
            Selector = Kind == AlertRuleKinds.DropRate ? Selector : null,
            Match = Kind == AlertRuleKinds.DropRate ? Match?.Trim() : null,
            Finding = Kind == AlertRuleKinds.Finding ? Finding?.Trim() : null,
            Labels = labels,
            Source = AlertRuleSources.Ui,
        };
        return true;
    }
}
