using Dashboard.Server.Alerting;

namespace Dashboard.Server.Model;

/// <summary>
/// One incident: the cause (an alert fired by a diagnosis finding) with the symptom alerts it explains folded under it,
/// by <see cref="AlertInhibition"/> (same director and VIP, or same hypervisor and port), the rule chat messages follow
/// too. An alert no cause explains is an incident of its own.
/// </summary>
public sealed record AlertIncident(AlertView Cause, IReadOnlyList<AlertView> Symptoms)
{
    public static List<AlertIncident> Group(IReadOnlyList<AlertView> alerts, string sort)
    {
        var causes = alerts.Where(a => AlertInhibition.IsCause(a.Labels)).ToList();
        var (folded, alone) = AlertInhibition.Fold(alerts, causes);

        var incidents = causes.Select(c => new AlertIncident(c, Order(folded.GetValueOrDefault(c.Fingerprint) ?? [], sort)))
            .Concat(alone.Select(a => new AlertIncident(a, [])));
        return sort == "since"
            ? incidents.OrderByDescending(i => i.Cause.StartsAt ?? i.Cause.ActiveAt).ToList()
            : incidents.OrderBy(i => i.Cause.State == AlertStates.Resolved).ThenByDescending(i => AlertSeverities.Rank(i.Cause.Severity))
                .ThenByDescending(i => i.Symptoms.Count).ThenBy(i => i.Cause.StartsAt ?? i.Cause.ActiveAt).ToList();
    }

    private static List<AlertView> Order(List<AlertView> symptoms, string sort) => sort == "since"
        ? symptoms.OrderByDescending(a => a.StartsAt ?? a.ActiveAt).ToList()
        : symptoms.OrderByDescending(a => AlertSeverities.Rank(a.Severity)).ThenBy(a => a.Rule, StringComparer.Ordinal).ThenBy(a => a.Fingerprint, StringComparer.Ordinal).ToList();
}
