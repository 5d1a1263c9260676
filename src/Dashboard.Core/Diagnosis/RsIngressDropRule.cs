using Dashboard.Core.Ovs;

namespace Dashboard.Core.Diagnosis;

/// <summary>
/// Some real servers pile up while their own ports drop traffic involving the VIP (VIP missing from their allowed pairs,
/// or an ingress rule missing): the SYN arrives, the answer from the VIP is dropped.
/// </summary>
public sealed class RsIngressDropRule : IFindingRule
{
    public string Kind => FindingKinds.RsIngressDrop;

    public IEnumerable<FindingCandidate> Evaluate(FleetView fleet, Topology topology, DiagnosisSettings settings)
    {
        foreach (var director in fleet.Directors)
        {
            foreach (var vip in director.Vips)
            {
                foreach (var rs in vip.RealServers.SamplesWhere(settings.IsPileUp))
                {
                    if (topology.RealServerPort(rs.Destination) is not { } port || topology.Hypervisor(port.Hypervisor) is not { } hypervisor)
                    {
                        continue;
                    }

                    var drops = topology.RulesOn(port)
                        .Where(r => r.DropKind is not null && r.PacketsPerSecond >= settings.DropRate)
                        .OrderByDescending(r => r.PacketsPerSecond)
                        .ToList();
                    if (drops.Count == 0)
                    {
                        continue;
                    }

                    var evidence = new List<Evidence> { EvidenceText.RealServer(rs) };
                    evidence.AddRange(drops.Select(r => EvidenceText.Rule(r, hypervisor.Host)));
                    evidence.Add(new Evidence("Real server port", port.Why));
                    var healthy = vip.RealServers.CountRows(r => !settings.IsPileUp(r));
                    evidence.Add(new Evidence("Other real servers of the VIP", $"{healthy} of {vip.RealServers.Count} without a pile-up"));
                    yield return new FindingCandidate(
                        Kind,
                        FindingSeverity.Critical,
                        director.Host,
                        vip.Virtual,
                        hypervisor.Host,
                        port.Port,
                        rs.Destination,
                        $"{rs.Destination} behind {vip.Virtual}: SYN_RECV piles up while its port {port.Port} on {hypervisor.Host} drops {EvidenceText.Rate(drops[0].PacketsPerSecond)} ({drops[0].DropKind})",
                        evidence,
                        [
                            drops[0].Table == OvsFlowsParser.TableName
                                ? $"on {hypervisor.Host}: ovs-ofctl dump-flows {DrForwardDropRule.Bridge(drops[0].Chain)} | grep -e 'resubmit(,93)' -e 'actions=drop' (the port's reg5 flows)"
                                : $"on {hypervisor.Host}: iptables-save -c | grep {port.Port}",
                            $"on {Endpoints.HostOf(rs.Destination)}: ip addr show lo | grep {vip.Address}",
                        ],
                        Remediations.RsIngressDrop(port.Port));
                }
            }
        }
    }
}
