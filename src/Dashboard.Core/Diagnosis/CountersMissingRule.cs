namespace Dashboard.Core.Diagnosis;

/// <summary>A hypervisor reports rules without counters: "0 drops" there would be a guess, so the gap itself is a finding.</summary>
public sealed class CountersMissingRule : IFindingRule
{
    public string Kind => FindingKinds.CountersMissing;

    public IEnumerable<FindingCandidate> Evaluate(FleetView fleet, Topology topology, DiagnosisSettings settings) =>
        fleet.Hypervisors
            .Where(h => h.RulesWithoutCounters > 0)
            .Select(h => new FindingCandidate(
                Kind,
                FindingSeverity.Warning,
                null,
                null,
                h.Host,
                null,
                null,
                $"{h.Host}: counters missing — {h.RulesWithoutCounters} firewall rules came without packet counters, so their drops cannot be seen",
                [
                    new Evidence("Rules without counters", h.RulesWithoutCounters.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new Evidence("Drop rules with counters", h.Rules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ],
                [$"on {h.Host}: iptables-save -c | head -20 (each rule line should start with [packets:bytes])"],
                Remediations.CountersMissing));
}
