namespace Dashboard.Core.Diagnosis;

/// <summary>A host's counters went down: rates around that moment are computed from zero.</summary>
public sealed class CounterResetRule : IFindingRule
{
    public string Kind => FindingKinds.CounterReset;

    public IEnumerable<FindingCandidate> Evaluate(FleetView fleet, Topology topology, DiagnosisSettings settings) =>
        fleet.Hosts
            .Where(h => h.CounterReset)
            .Select(h => new FindingCandidate(
                Kind,
                FindingSeverity.Info,
                h.Role == "director" ? h.Host : null,
                null,
                h.Role == "director" ? null : h.Host,
                null,
                null,
                $"{h.Host}: counters were reset",
                [new Evidence("Detected at", h.LastSeen.ToString("O"))],
                [$"on {h.Host}: iptables-save -c | head; uptime"],
                Remediations.CounterReset));
}
