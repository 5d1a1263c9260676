using System.Globalization;
using Dashboard.Server.Alerting.Rules;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>
/// Lays out a notification for people in one language: what (the rule or finding), where, since when, the evidence
/// numbers, the likely cause (the finding's summary and the first sentence of its remediation) and the dashboard link.
/// </summary>
public static class MessageBuilder
{
    public static ChatMessage Build(AlertNotification n, string language, int maxAlerts)
    {
        var t = MessageTexts.For(language);
        var shown = n.Alerts.Take(Math.Max(1, maxAlerts)).Select(a => Item(a, t)).ToList();
        var more = n.Alerts.Count - shown.Count;
        return new ChatMessage(Title(n, t), n.Status, TopSeverity(n.Alerts.Where(a => a.Status == n.Status)), shown, more, n.Link, t.Open,
            string.Format(CultureInfo.InvariantCulture, t.More, more), t);
    }

    /// <summary>Several notifications of one channel in one message, when its rate limit would otherwise drop or delay them.</summary>
    public static ChatMessage Digest(IReadOnlyList<AlertNotification> notifications, string language, string dashboardLink)
    {
        var t = MessageTexts.For(language);
        var items = notifications.Select(n => new ChatItem(
                Title(n, t),
                n.Status,
                TopSeverity(n.Alerts),
                [.. n.Alerts.Take(5).Select(a => new ChatFact(Heading(a, t), SymptomsText(a, t) is { } s ? $"{Where(a.Labels, t)} · {s}" : Where(a.Labels, t)))],
                [],
                null,
                null))
            .ToList();
        var title = $"[{t.Digest}] " + string.Format(CultureInfo.InvariantCulture, t.DigestTitle, notifications.Count);
        var status = notifications.Any(n => n.Status == AlertStates.Firing) ? AlertStates.Firing : AlertStates.Resolved;
        return new ChatMessage(title, status, TopSeverity(notifications.SelectMany(n => n.Alerts)), items, 0, dashboardLink, t.Open, "", t);
    }

    public static ChatMessage Test(string channel, string language, string dashboardLink)
    {
        var t = MessageTexts.For(language);
        var item = new ChatItem(t.TestTitle, AlertStates.Resolved, AlertSeverities.Info,
            [new ChatFact(t.Where, channel)], [string.Format(CultureInfo.InvariantCulture, t.TestBody, channel)], null, null);
        return new ChatMessage($"[{t.TestTitle}] {channel}", AlertStates.Resolved, AlertSeverities.Info, [item], 0, dashboardLink, t.Open, "", t);
    }

    public static string Title(AlertNotification n, MessageTexts t)
    {
        var status = n.Status == AlertStates.Firing ? $"{t.Firing}:{n.FiringCount}" : $"{t.Resolved}:{n.ResolvedCount}";
        var names = n.Alerts.Select(a => a.Rule).Distinct(StringComparer.Ordinal).ToList();
        var what = names.Count == 1 ? names[0] : string.Format(CultureInfo.InvariantCulture, t.Alerts, n.Alerts.Count);
        var where = string.Join(" ", n.GroupLabels.OrderBy(l => PlaceOrder(l.Key)).ThenBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Value));
        var extra = n.Status == AlertStates.Firing && n.ResolvedCount > 0 ? $" ({string.Format(CultureInfo.InvariantCulture, t.ResolvedCount, n.ResolvedCount)})" : "";
        var repeat = n.Repeat ? $" ({t.Repeat})" : "";
        return $"[{status}] {what}{(where.Length > 0 ? " · " + where : "")}{extra}{repeat}";
    }

    private static ChatItem Item(NotifiedAlert a, MessageTexts t)
    {
        var facts = new List<ChatFact>();
        var where = Where(a.Labels, t);
        if (where.Length > 0)
        {
            facts.Add(new ChatFact(t.Where, where));
        }

        if (SymptomsText(a, t) is { } symptoms)
        {
            facts.Add(new ChatFact(t.Explains, symptoms));
        }

        if (ValueText(a, t) is { } value)
        {
            facts.Add(new ChatFact(t.Value, value));
        }

        facts.Add(new ChatFact(t.Since, Time(a.StartsAt)));
        if (a.Status == AlertStates.Resolved && a.EndsAt is { } ended)
        {
            facts.Add(new ChatFact(t.ResolvedAt, Time(ended)));
        }

        facts.Add(new ChatFact(t.Severity, t.SeverityNames.GetValueOrDefault(a.Severity, a.Severity)));
        var evidence = (a.Annotations.GetValueOrDefault(AlertAnnotations.Description) ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToList();
        var ack = a.AcknowledgedBy is { } by
            ? string.Format(CultureInfo.InvariantCulture, t.AcknowledgedBy, by) + (a.AckComment is { Length: > 0 } c ? $": {c}" : "")
            : null;
        return new ChatItem(Heading(a, t), a.Status, a.Severity, facts, evidence, Cause(a, t), ack);
    }

    /// <summary>Listed symptom rules, at most this many; the count before them says how many alerts there are in all.</summary>
    public const int MaxSymptomRules = 6;

    /// <summary>Bounds the line whatever the rule names, well inside every chat's limit for one alert.</summary>
    public const int MaxSymptomsChars = 300;

    /// <summary>"3 symptoms: SynRecvRatioHigh, RealServerSynRecvRatioHigh ×2" for a firing cause; null for anything else.</summary>
    public static string? SymptomsText(NotifiedAlert a, MessageTexts t)
    {
        if (a.Status != AlertStates.Firing || a.Symptoms.Count == 0)
        {
            return null;
        }

        var rules = a.Symptoms.GroupBy(s => s.Rule, StringComparer.Ordinal)
            .OrderByDescending(g => g.Max(s => AlertSeverities.Rank(s.Severity))).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Count() == 1 ? g.Key : $"{g.Key} ×{g.Count()}")
            .ToList();
        var names = string.Join(", ", rules.Take(MaxSymptomRules)) + (rules.Count > MaxSymptomRules ? ", …" : "");
        var text = string.Format(CultureInfo.InvariantCulture, a.Symptoms.Count == 1 ? t.OneSymptom : t.Symptoms, a.Symptoms.Count, names);
        return TextLimits.Chars(text, MaxSymptomsChars);
    }

    private static string Heading(NotifiedAlert a, MessageTexts t)
    {
        var title = a.RuleKind == AlertRuleKinds.Finding
            ? t.FindingTitles.GetValueOrDefault(a.Labels.GetValueOrDefault(AlertLabels.Finding) ?? "", a.Rule)
            : t.RuleTitles.GetValueOrDefault(a.RuleKind, a.Rule);
        var status = a.Status == AlertStates.Firing ? t.Firing : t.Resolved;
        return $"{status} · {title} ({a.Rule})";
    }

    // Findings carry their own summary; English channels also get the threshold rules' one-line summary.
    private static string? Cause(NotifiedAlert a, MessageTexts t)
    {
        var summary = a.Annotations.GetValueOrDefault(AlertAnnotations.Summary);
        var remediation = a.Annotations.GetValueOrDefault(AlertAnnotations.Remediation);
        var parts = new List<string>();
        if (summary is { Length: > 0 } && (a.RuleKind == AlertRuleKinds.Finding || t == MessageTexts.English))
        {
            parts.Add(summary.TrimEnd('.') + ".");
        }

        if (remediation is { Length: > 0 })
        {
            parts.Add(remediation);
        }

        return parts.Count > 0 ? string.Join(" ", parts) : null;
    }

    private static string? ValueText(NotifiedAlert a, MessageTexts t)
    {
        if (a.Value is not { } value)
        {
            return null;
        }

        var threshold = a.Threshold ?? 0;
        return a.RuleKind switch
        {
            AlertRuleKinds.SynRecvRatio => $"SYN_RECV {SynRecvRatioCondition.Percent(value)} ({t.Threshold} {SynRecvRatioCondition.Percent(threshold)})",
            AlertRuleKinds.DropRate => $"{value.ToString("0.##", CultureInfo.InvariantCulture)}/s ({t.Threshold} {threshold.ToString("0.##", CultureInfo.InvariantCulture)}/s)",
            AlertRuleKinds.AgentSilent => $"{string.Format(CultureInfo.InvariantCulture, t.Seconds, value)} ({t.Threshold} {string.Format(CultureInfo.InvariantCulture, t.Seconds, threshold)})",
            _ => null,
        };
    }

    public static string Where(IReadOnlyDictionary<string, string> labels, MessageTexts t)
    {
        var parts = new List<string>();
        Add(AlertLabels.Director, t.Director);
        Add(AlertLabels.Vip, t.Vip);
        Add(AlertLabels.RealServer, t.RealServer);
        Add(AlertLabels.Hypervisor, t.Hypervisor);
        Add(AlertLabels.Port, t.Port);
        Add(AlertLabels.Chain, t.Chain);
        Add(AlertLabels.Reason, t.Reason);
        return string.Join(" · ", parts);

        void Add(string label, string name)
        {
            if (labels.GetValueOrDefault(label) is { Length: > 0 } value)
            {
                parts.Add($"{name} {value}");
            }
        }
    }

    private static int PlaceOrder(string label) => label switch
    {
        AlertLabels.Director => 0,
        AlertLabels.Vip => 1,
        AlertLabels.RealServer => 2,
        AlertLabels.Hypervisor => 3,
        AlertLabels.Port => 4,
        _ => 5,
    };

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    private static string TopSeverity(IEnumerable<NotifiedAlert> alerts) =>
        alerts.Select(a => a.Severity).OrderByDescending(AlertSeverities.Rank).FirstOrDefault() ?? AlertSeverities.Info;
}
