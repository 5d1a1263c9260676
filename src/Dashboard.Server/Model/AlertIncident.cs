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
        var causes = alerts.Where(IsCause).ToList();
        var folded = new Dictionary<string, List<AlertView>>(StringComparer.Ordinal);
        var alone = new List<AlertView>();
        foreach (var alert in alerts.Where(a => !IsCause(a)))
        {
            var cause = AlertInhibition.CauseOf(alert, causes);
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

    public static bool IsCause(AlertView alert) => AlertInhibition.IsCause(alert.Labels);

    /// <summary>The alerting layer's inhibition rule, so this page and chat messages fold the same alerts.</summary>
    public static bool Explains(AlertView cause, AlertView symptom) => AlertInhibition.Explains(cause, symptom);

    private static List<AlertView> Order(List<AlertView> symptoms, string sort) => sort == "since"
        ? symptoms.OrderByDescending(a => a.StartsAt ?? a.ActiveAt).ToList()
        : symptoms.OrderByDescending(a => Rank(a.Severity)).ThenBy(a => a.Rule, StringComparer.Ordinal).ThenBy(a => a.Fingerprint, StringComparer.Ordinal).ToList();

    private static int Rank(string severity) => severity switch { AlertSeverities.Critical => 2, AlertSeverities.Warning => 1, _ => 0 };
}
