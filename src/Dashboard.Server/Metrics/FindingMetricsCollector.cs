using Dashboard.Core.Diagnosis;
using Dashboard.Server.Diagnosis;

namespace Dashboard.Server.Metrics;

/// <summary>Open findings by kind: every known kind is written, with 0 when none is open, so an alert on it never goes stale.</summary>
public sealed class FindingMetricsCollector(DiagnosisService diagnosis)
{
    public const string Name = LiveMetricsCollector.Prefix + "findings_active";

    public void Write(ExpositionWriter w)
    {
        var open = diagnosis.Open.GroupBy(f => f.Latest.Kind, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        w.Family(Name, "gauge", "Findings open now, by kind (dr-forward-drop, rs-ingress-drop, stateful-half-flow-drop, …).");
        foreach (var kind in FindingKinds.All.Union(open.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            w.Sample(Name, open.GetValueOrDefault(kind), ("kind", kind));
        }
    }
}
