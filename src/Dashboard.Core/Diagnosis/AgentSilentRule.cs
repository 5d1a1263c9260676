namespace Dashboard.Core.Diagnosis;

/// <summary>A host stopped reporting: its last numbers are not to be trusted.</summary>
public sealed class AgentSilentRule : IFindingRule
{
    public string Kind => FindingKinds.AgentSilent;

    public IEnumerable<FindingCandidate> Evaluate(FleetView fleet, Topology topology, DiagnosisSettings settings) =>
        fleet.Hosts
            .Where(h => fleet.Now - h.LastSeen > settings.SilentAfter)
            .Select(h => new FindingCandidate(
                Kind,
                FindingSeverity.Warning,
                h.Role == "director" ? h.Host : null,
                null,
                h.Role == "director" ? null : h.Host,
                null,
                null,
                $"{h.Host} ({h.Role}) has sent nothing for {(int)(fleet.Now - h.LastSeen).TotalSeconds} s",
                [new Evidence("Last batch", h.LastSeen.ToString("O")), new Evidence("Silent for", $"{(int)(fleet.Now - h.LastSeen).TotalSeconds} s")],
                [$"on {h.Host}: systemctl status dashboard-agent; journalctl -u dashboard-agent -n 50"],
                Remediations.AgentSilent));
}
