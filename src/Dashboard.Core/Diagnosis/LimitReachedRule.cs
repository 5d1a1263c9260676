using System.Globalization;

namespace Dashboard.Core.Diagnosis;

/// <summary>A configured limit refused data: one finding names every limit that did, never a silent cap.</summary>
public sealed class LimitReachedRule : IFindingRule
{
    public string Kind => FindingKinds.LimitReached;

    public IEnumerable<FindingCandidate> Evaluate(FleetView fleet, Topology topology, DiagnosisSettings settings)
    {
        if (fleet.LimitBreaches.Count == 0)
        {
            yield break;
        }

        var last = fleet.LimitBreaches.MaxBy(b => b.LastAt)!;
        yield return new FindingCandidate(
            Kind,
            FindingSeverity.Warning,
            null,
            null,
            null,
            null,
            null,
            $"{string.Join(", ", fleet.LimitBreaches.Select(b => $"{b.Limit} refused data {b.Refused.ToString(CultureInfo.InvariantCulture)} times"))}; last: {last.LastReason}",
            [
                .. fleet.LimitBreaches.Select(b => new Evidence(b.Limit, $"{b.Refused.ToString(CultureInfo.InvariantCulture)} refused, last host {b.LastHost}, token {b.LastToken}, at {b.LastAt:O}")),
            ],
            ["token list"],
            Remediations.LimitReached);
    }
}
