using Dashboard.Core.Ovs;

namespace Dashboard.Core.Diagnosis;

/// <summary>
/// The director's forwarded SYNs die on its own hypervisor port (seed: Neutron anti-spoof drops packets whose source is
/// the client, not the VM): SYN_RECV piles up across the real servers while the port's anti-spoof or fallback drops rise.
/// </summary>
public sealed class DrForwardDropRule : IFindingRule
{
    /// <summary>"br-int" of an OpenFlow chain name "br-int table 71".</summary>
    internal static string Bridge(string chain) => chain.Split(' ')[0];

    public string Kind => FindingKinds.DrForwardDrop;

    public IEnumerable<FindingCandidate> Evaluate(FleetView fleet, Topology topology, DiagnosisSettings settings)
    {
        foreach (var director in fleet.Directors)
        {
            foreach (var vip in director.Vips)
            {
                var piled = vip.RealServers.SamplesWhere(settings.IsPileUp).ToList();
                if (vip.RealServers.Count == 0 || piled.Count < Math.Max(1, Math.Ceiling(settings.AcrossShare * vip.RealServers.Count)))
                {
                    continue;
                }

                if (topology.DirectorPort(director, vip) is not { } port || topology.Hypervisor(port.Hypervisor) is not { } hypervisor)
                {
                    continue;
                }

                var drops = topology.RulesOn(port)
                    .Where(r => r.DropKind is "anti-spoof" or "sg-fallback" && r.PacketsPerSecond >= settings.DropRate)
                    .OrderByDescending(r => r.PacketsPerSecond)
                    .ToList();
                if (drops.Count == 0)
                {
                    continue;
                }

                var top = drops[0];
                var openFlow = top.Table == OvsFlowsParser.TableName;
                var evidence = new List<Evidence>
                {
                    new("Piled-up real servers", $"{piled.Count} of {vip.RealServers.Count} ({EvidenceText.Ratio(vip.SynRecvRatio)} of {vip.Connections} connections in SYN_RECV)"),
                };
                evidence.AddRange(drops.Select(r => EvidenceText.Rule(r, hypervisor.Host)));
                evidence.Add(new Evidence("Director port", port.Why));
                evidence.AddRange(piled.OrderByDescending(r => r.SynRecv).Take(8).Select(EvidenceText.RealServer));
                evidence.AddRange(EvidenceText.Sources(director, vip.Virtual));
                yield return new FindingCandidate(
                    Kind,
                    FindingSeverity.Critical,
                    director.Host,
                    vip.Virtual,
                    hypervisor.Host,
                    port.Port,
                    null,
                    $"{vip.Virtual}: SYN_RECV piles up on {piled.Count}/{vip.RealServers.Count} real servers while {top.Chain} on {hypervisor.Host} drops {EvidenceText.Rate(top.PacketsPerSecond)} — the hypervisor drops what the director forwards",
                    evidence,
                    [
                        $"on {director.Host}: ipvsadm -Lnc | awk '$3 == \"SYN_RECV\"' | wc -l",
                        .. openFlow
                            ? (string[])[
                                $"on {hypervisor.Host}: ovs-ofctl dump-flows {Bridge(top.Chain)} table=71 | grep -e 'priority=10,' -e nw_src (the drop's n_packets rises; no nw_src flow allows the client)",
                                $"on {hypervisor.Host}: ovs-appctl ofproto/trace {Bridge(top.Chain)} in_port={port.Device ?? "tap" + port.Port},tcp,nw_src=<client>,nw_dst=<real server>,dl_src=<director MAC>",
                            ]
                            : [
                                $"on {hypervisor.Host}: iptables -L {top.Chain} -v -n -x --line-numbers",
                                $"on {hypervisor.Host}: iptables-save -c | grep -e {port.Port} -e neutron-openvswi-local",
                            ],
                        $"on a real server: tcpdump -ni any 'host {vip.Address} and tcp[tcpflags] & tcp-syn != 0' (no SYN arrives)",
                    ],
                    openFlow ? Remediations.DrForwardDropOvs(port.Port) : Remediations.DrForwardDrop(port.Port, port.Device));
            }
        }
    }
}
