namespace Dashboard.Core.Diagnosis;

/// <summary>Every VIP of a director piles up and no hypervisor port related to it drops anything: the director itself is suspect.</summary>
public sealed class DirectorWideSynRecvRule : IFindingRule
{
    public string Kind => FindingKinds.DirectorWideSynRecv;

    public IEnumerable<FindingCandidate> Evaluate(FleetView fleet, Topology topology, DiagnosisSettings settings)
    {
        foreach (var director in fleet.Directors.Where(d => d.Vips.Count > 0 && !fleet.RecentlyExplained.Contains(d.Host)))
        {
            var allPiled = director.Vips.All(v =>
                v.RealServers.Count > 0 && v.RealServers.CountRows(settings.IsPileUp) >= Math.Ceiling(settings.AcrossShare * v.RealServers.Count));
            if (!allPiled || AnyRelatedDrops(director, topology, settings, out var looked))
            {
                continue;
            }

            var evidence = director.Vips
                .Select(v => new Evidence($"SYN_RECV on {v.Virtual}", $"{v.SynRecv} of {v.Connections} connections ({EvidenceText.Ratio(v.SynRecvRatio)})"))
                .ToList();
            evidence.Add(new Evidence("Hypervisor ports checked", looked.Count == 0 ? "none known for this director (no hypervisor data or topology)" : string.Join(", ", looked) + ": no drops"));
            yield return new FindingCandidate(
                Kind,
                FindingSeverity.Critical,
                director.Host,
                null,
                null,
                null,
                null,
                $"{director.Host}: every virtual service piles up in SYN_RECV and no hypervisor firewall shows drops — look at the director itself",
                evidence,
                [
                    $"on {director.Host}: ip -br addr; ip neigh show; ipvsadm -Ln",
                    "on both directors: check keepalived VRRP state (journalctl -u keepalived) for two MASTERs",
                    "on a real server: sysctl net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce; ip addr show lo",
                ],
                Remediations.DirectorWide);
        }
    }

    private static bool AnyRelatedDrops(DirectorView director, Topology topology, DiagnosisSettings settings, out List<string> looked)
    {
        looked = [];
        var ports = director.Vips.Select(v => topology.DirectorPort(director, v))
            .Concat(director.Vips.SelectMany(v => v.RealServers).Select(r => topology.RealServerPort(r.Destination)))
            .OfType<PortLocation>()
            .Distinct()
            .ToList();
        foreach (var port in ports)
        {
            looked.Add($"{port.Port}@{port.Hypervisor}");
            if (topology.RulesOn(port).Any(r => r.DropKind is not null && r.PacketsPerSecond >= settings.DropRate))
            {
                return true;
            }
        }

        if (topology.DirectorFilter(director.Host) is { } filter)
        {
            looked.Add($"{filter.Filter}@{filter.Hypervisor}");
            var f = topology.Filter(filter);
            if (f is not null && f.StateMismatchPerSecond >= settings.StatefulDropRate)
            {
                return true;
            }
        }

        return false;
    }
}
