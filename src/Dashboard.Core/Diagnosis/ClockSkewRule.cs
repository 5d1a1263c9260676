namespace Dashboard.Core.Diagnosis;

/// <summary>A host's clock runs ahead of the server's beyond the tolerance: its data is placed at receipt, not when it says.</summary>
public sealed class ClockSkewRule : IFindingRule
{
    public string Kind => FindingKinds.ClockSkew;

    public IEnumerable<FindingCandidate> Evaluate(FleetView fleet, Topology topology, DiagnosisSettings settings) =>
        fleet.ClockOffsets.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o =>
        {
            var role = fleet.Hosts.FirstOrDefault(h => h.Host == o.Key)?.Role;
            var seconds = (int)Math.Round(o.Value.TotalSeconds);
            return new FindingCandidate(
                Kind,
                FindingSeverity.Warning,
                role == "director" ? o.Key : null,
                null,
                role == "director" ? null : o.Key,
                null,
                null,
                $"{o.Key}'s clock is {seconds} s ahead of the server",
                [new Evidence("Host", o.Key), new Evidence("Clock offset", $"+{seconds} s")],
                [$"on {o.Key}: timedatectl status; chronyc tracking"],
                Remediations.ClockSkew);
        });
}
