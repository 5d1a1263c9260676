using Dashboard.Core.Ovs;

namespace Dashboard.Core.Diagnosis;

/// <summary>
/// A stateful firewall on the director's own port or vNIC sees half of each DR flow and drops the rest: NSX DFW
/// state-mismatch (seed 2), or conntrack INVALID on a Neutron port; it rises with traffic while handshakes still pass.
/// </summary>
public sealed class StatefulHalfFlowDropRule : IFindingRule
{
    public string Kind => FindingKinds.StatefulHalfFlowDrop;

    public IEnumerable<FindingCandidate> Evaluate(FleetView fleet, Topology topology, DiagnosisSettings settings)
    {
        foreach (var director in fleet.Directors.Where(d => d.Vips.Sum(v => v.Connections) > 0))
        {
            var vips = string.Join(", ", director.Vips.Select(v => v.Virtual));
            if (topology.DirectorFilter(director.Host) is { } filterLocation
                && topology.Filter(filterLocation) is { } filter
                && filter.StateMismatchPerSecond >= settings.StatefulDropRate)
            {
                yield return new FindingCandidate(
                    Kind,
                    FindingSeverity.Critical,
                    director.Host,
                    director.Vips.Count == 1 ? director.Vips[0].Virtual : null,
                    filterLocation.Hypervisor,
                    filter.Name,
                    null,
                    $"{director.Host}: the NSX distributed firewall drops {EvidenceText.Rate(filter.StateMismatchPerSecond)} as state-mismatch on the director's vNIC — it sees only half of each DR flow",
                    [
                        new("state-mismatch drops", $"{EvidenceText.Rate(filter.StateMismatchPerSecond)}, {filter.Counters.GetValueOrDefault(NsxFilterRate.StateMismatch)} in total"),
                        new("Filter", $"{filter.Name} (VM {filter.VmName ?? "?"}, vNIC {filter.Vnic?.ToString() ?? "?"}) on {filterLocation.Hypervisor}"),
                        new("Director filter", filterLocation.Why),
                        new("Virtual services", vips),
                    ],
                    [
                        $"on {filterLocation.Hypervisor}: vsipioctl getfilterstat -f {filter.Name}",
                        $"on {filterLocation.Hypervisor}: vsipioctl getrules -f {filter.Name} | grep strict",
                    ],
                    Remediations.StatefulHalfFlowNsx(filter.Name));
            }

            foreach (var vip in director.Vips)
            {
                if (topology.DirectorPort(director, vip) is not { } port || topology.Hypervisor(port.Hypervisor) is not { } hypervisor)
                {
                    continue;
                }

                // The OVS firewall drops INVALID in one flow per direction for the whole bridge (no register 5): on the director port's node, it counts.
                var invalid = topology.RulesOn(port)
                    .Concat(hypervisor.Rules.Where(r => r.Port is null && r.Table == OvsFlowsParser.TableName))
                    .Where(r => r.DropKind == "conntrack-invalid" && r.PacketsPerSecond >= settings.StatefulDropRate)
                    .OrderByDescending(r => r.PacketsPerSecond)
                    .ToList();
                if (invalid.Count == 0)
                {
                    continue;
                }

                var openFlow = invalid[0].Table == OvsFlowsParser.TableName;
                var evidence = invalid.Select(r => EvidenceText.Rule(r, hypervisor.Host)).ToList();
                if (openFlow)
                {
                    evidence.Add(new Evidence("Scope", $"Open vSwitch firewall: {invalid[0].Chain} counts INVALID drops of every port of {hypervisor.Host}"));
                }

                evidence.Add(new Evidence("Director port", port.Why));
                evidence.Add(new Evidence("Connections of the VIP", $"{vip.Connections} ({EvidenceText.Ratio(vip.SynRecvRatio)} in SYN_RECV)"));
                yield return new FindingCandidate(
                    Kind,
                    FindingSeverity.Critical,
                    director.Host,
                    vip.Virtual,
                    hypervisor.Host,
                    port.Port,
                    null,
                    $"{vip.Virtual}: conntrack on the director's port {port.Port} drops {EvidenceText.Rate(invalid[0].PacketsPerSecond)} as INVALID — it sees only half of each DR flow",
                    evidence,
                    [
                        openFlow
                            ? $"on {hypervisor.Host}: ovs-ofctl dump-flows {DrForwardDropRule.Bridge(invalid[0].Chain)} 'ct_state=+inv+trk'"
                            : $"on {hypervisor.Host}: iptables -L {invalid[0].Chain} -v -n -x --line-numbers",
                        openFlow
                            ? $"on {hypervisor.Host}: ovs-appctl dpctl/dump-conntrack | grep {vip.Address}"
                            : $"on {hypervisor.Host}: conntrack -L -p tcp --dst {vip.Address} | grep -c SYN_SENT",
                    ],
                    openFlow ? Remediations.StatefulHalfFlowOvs(port.Port) : Remediations.StatefulHalfFlowNeutron(port.Port));
            }
        }
    }
}
