using Dashboard.Server.Alerting;

namespace Dashboard.Server.Model;

/// <summary>
/// One incident: the cause (an alert fired by a diagnosis finding) with the symptom alerts it explains folded under it,
/// as Alertmanager's inhibition rules fold them (same director and VIP, or same hypervisor and port). An alert no
/// cause explains is an incident of its own.
/// </summary>
public sealed record AlertIncident(AlertView Cause, IReadOnlyList<AlertView> Symptoms)
{
    public static List<AlertIncident> Group(IReadOnlyList<AlertView> alerts, string sort)
    {
        var causes = alerts.Where(IsCause).ToList();
        var folded = new Dictionary<string, List<AlertView>>(StringComparer.Ordinal);
        var alone = new List<AlertView>();
        foreach (var alert in alerts.Where(a => !IsCause(a)))
        {
            var cause = causes.Where(c => Explains(c, alert)).OrderByDescending(c => Rank(c.Severity)).ThenBy(c => c.ActiveAt).FirstOrDefault();
            if (cause is null)
            {
                alone.Add(alert);
            }
            else
            {
                (folded.TryGetValue(cause.Fingerprint, out var list) ? list : folded[cause.Fingerprint] = []).Add(alert);
            }
        }

        var incidents = causes.Select(c => new AlertIncident(c, Order(folded.GetValueOrDefault(c.Fingerprint) ?? [], sort)))
            .Concat(alone.Select(a => new AlertIncident(a, [])));
        return sort == "since"
            ? incidents.OrderByDescending(i => i.Cause.StartsAt ?? i.Cause.ActiveAt).ToList()
            : incidents.OrderBy(i => i.Cause.State == AlertStates.Resolved).ThenByDescending(i => Rank(i.Cause.Severity))
                .ThenByDescending(i => i.Symptoms.Count).ThenBy(i => i.Cause.StartsAt ?? i.Cause.ActiveAt).ToList();
    }

    public static bool IsCause(AlertView alert) => alert.Labels.ContainsKey(AlertLabels.Finding);

    /// <summary>Like an inhibition rule: the cause mutes a symptom only while the cause is active (or both are over).</summary>
    public static bool Explains(AlertView cause, AlertView symptom)
    {
        if (cause.State == AlertStates.Resolved && symptom.State != AlertStates.Resolved)
        {
            return false;
        }

        string? Cause(string label) => cause.Labels.GetValueOrDefault(label);
        string? Symptom(string label) => symptom.Labels.GetValueOrDefault(label);
        var sameRealServer = Cause(AlertLabels.RealServer) is not { } rs || Symptom(AlertLabels.RealServer) is null || Symptom(AlertLabels.RealServer) == rs;
        var sameVip = Cause(AlertLabels.Director) is { } director && Symptom(AlertLabels.Director) == director
            && (Cause(AlertLabels.Vip) is not { } vip || Symptom(AlertLabels.Vip) == vip) && sameRealServer;
        var samePort = Cause(AlertLabels.Hypervisor) is { } hypervisor && Symptom(AlertLabels.Hypervisor) == hypervisor
            && (Cause(AlertLabels.Port) is not { } port || Symptom(AlertLabels.Port) == port);
        return sameVip || samePort;
    }

    private static List<AlertView> Order(List<AlertView> symptoms, string sort) => sort == "since"
        ? symptoms.OrderByDescending(a => a.StartsAt ?? a.ActiveAt).ToList()
        : symptoms.OrderByDescending(a => Rank(a.Severity)).ThenBy(a => a.Rule, StringComparer.Ordinal).ThenBy(a => a.Fingerprint, StringComparer.Ordinal).ToList();

    private static int Rank(string severity) => severity switch { AlertSeverities.Critical => 2, AlertSeverities.Warning => 1, _ => 0 };
}
