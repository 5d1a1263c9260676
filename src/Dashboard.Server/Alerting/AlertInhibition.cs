namespace Dashboard.Server.Alerting;

/// <summary>
/// The one rule that ties symptoms to their cause, as an Alertmanager inhibit rule would: an alert fired by a diagnosis
/// finding explains the alerts of its director and VIP (and real server, when it names one) or of its hypervisor and
/// port. The alerts page folds by it and chat leaves explained alerts out, so both always tell the same story.
/// </summary>
public static class AlertInhibition
{
    public static bool IsCause(IReadOnlyDictionary<string, string> labels) => labels.ContainsKey(AlertLabels.Finding);

    /// <summary>A cause explains a symptom only while the cause is active (or both are over), like an inhibition source.</summary>
    public static bool Explains(IIncidentAlert cause, IIncidentAlert symptom)
    {
        if (!IsCause(cause.Labels) || IsCause(symptom.Labels) || (cause.State == AlertStates.Resolved && symptom.State != AlertStates.Resolved))
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

    /// <summary>The cause a symptom is folded under when several explain it: the most severe, then the earliest.</summary>
    public static T? CauseOf<T>(T symptom, IEnumerable<T> causes) where T : class, IIncidentAlert =>
        causes.Where(c => Explains(c, symptom)).OrderByDescending(c => AlertSeverities.Rank(c.Severity)).ThenBy(c => c.ActiveAt).FirstOrDefault();

    /// <summary>Each alert that is not a cause, folded under the cause that explains it (by the cause's fingerprint) or left alone.</summary>
    public static (Dictionary<string, List<T>> ByCause, List<T> Alone) Fold<T>(IEnumerable<T> alerts, IReadOnlyList<T> causes) where T : class, IIncidentAlert
    {
        var byCause = new Dictionary<string, List<T>>(StringComparer.Ordinal);
        var alone = new List<T>();
        foreach (var alert in alerts.Where(a => !IsCause(a.Labels)))
        {
            if (CauseOf(alert, causes) is { } cause)
            {
                (byCause.TryGetValue(cause.Fingerprint, out var list) ? list : byCause[cause.Fingerprint] = []).Add(alert);
            }
            else
            {
                alone.Add(alert);
            }
        }

        return (byCause, alone);
    }

    /// <summary>The causes that inhibit: alerts fired by a finding and firing now.</summary>
    public static List<T> FiringCauses<T>(IEnumerable<T> alerts) where T : class, IIncidentAlert =>
        alerts.Where(a => a.State == AlertStates.Firing && IsCause(a.Labels)).ToList();

    /// <summary>Chat's view: a symptom is muted while a firing cause explains it (a silenced cause still mutes, as in Alertmanager).</summary>
    public static bool Inhibited<T>(T alert, IReadOnlyList<T> firingCauses) where T : class, IIncidentAlert =>
        !IsCause(alert.Labels) && firingCauses.Any(c => Explains(c, alert));
}
