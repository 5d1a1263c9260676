using Dashboard.Core.Diagnosis;

namespace Dashboard.Server.Alerting;

/// <summary>Rules that fit the seed incidents out of the box; settings and admins change them by name.</summary>
public static class DefaultAlertRules
{
    public static readonly IReadOnlyList<AlertRule> All =
    [
        Finding("DrForwardDrop", FindingKinds.DrForwardDrop),
        Finding("RsIngressDrop", FindingKinds.RsIngressDrop),
        Finding("StatefulHalfFlowDrop", FindingKinds.StatefulHalfFlowDrop),
        Finding("DirectorWideSynRecv", FindingKinds.DirectorWideSynRecv),
        Finding("StorageFull", FindingKinds.StorageFull),
        // AgentSilent below says the same with its own threshold; on together they would notify twice.
        Finding("AgentSilentFinding", FindingKinds.AgentSilent) with { Enabled = false },
        // Every iptables reload resets counters: worth a look on the findings page, not a page to chat.
        Finding("CounterReset", FindingKinds.CounterReset) with { Enabled = false, Severity = AlertSeverities.Info },
        new AlertRule
        {
            Name = "SynRecvRatioHigh", Kind = AlertRuleKinds.SynRecvRatio, Scope = AlertRuleKinds.ScopeVip,
            Threshold = 0.5, Minimum = 10, For = TimeSpan.FromSeconds(30), Severity = AlertSeverities.Critical,
        },
        new AlertRule
        {
            Name = "RealServerSynRecvRatioHigh", Kind = AlertRuleKinds.SynRecvRatio, Scope = AlertRuleKinds.ScopeRealServer,
            Threshold = 0.5, Minimum = 10, For = TimeSpan.FromSeconds(30), Severity = AlertSeverities.Warning,
        },
        new AlertRule
        {
            Name = "AntiSpoofDrops", Kind = AlertRuleKinds.DropRate, Selector = AlertRuleKinds.SelectDropKind, Match = "anti-spoof",
            Threshold = 1, For = TimeSpan.FromSeconds(30), Severity = AlertSeverities.Warning,
        },
        new AlertRule
        {
            Name = "ConntrackInvalidDrops", Kind = AlertRuleKinds.DropRate, Selector = AlertRuleKinds.SelectDropKind, Match = "conntrack-invalid",
            Threshold = 1, For = TimeSpan.FromSeconds(30), Severity = AlertSeverities.Warning,
        },
        new AlertRule
        {
            Name = "NsxStateMismatchDrops", Kind = AlertRuleKinds.DropRate, Selector = AlertRuleKinds.SelectNsxReason, Match = "state-mismatch",
            Threshold = 1, For = TimeSpan.FromSeconds(30), Severity = AlertSeverities.Warning,
        },
        new AlertRule
        {
            Name = "AgentSilent", Kind = AlertRuleKinds.AgentSilent, Threshold = 60, Severity = AlertSeverities.Warning,
        },
        new AlertRule
        {
            Name = "RealServerDown", Kind = AlertRuleKinds.RealServerDown, For = TimeSpan.FromSeconds(10), Severity = AlertSeverities.Warning,
        },
    ];

    private static AlertRule Finding(string name, string kind) => new() { Name = name, Kind = AlertRuleKinds.Finding, Finding = kind };
}
