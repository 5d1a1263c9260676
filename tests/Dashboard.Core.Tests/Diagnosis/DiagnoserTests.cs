using Dashboard.Core.Diagnosis;
using Dashboard.Core.Ipvs;
using static Dashboard.Testing.FleetBuilder;

namespace Dashboard.Core.Tests.Diagnosis;

public sealed class DiagnoserTests
{
    private readonly Diagnoser _diagnoser = new(new DiagnosisSettings());

    [Fact]
    public void Evaluate_SeedNeutronForwardDrop_NamesDirectorPortChainAndRule()
    {
        // Arrange: every Zabbix proxy stuck in SYN_RECV, the director port's anti-spoof DROP counting.
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => RealServer(rs, synRecv: 40, established: 1)))
            .ComputeNode("compute-07", [AntiSpoof(DirectorPort, rate: 12)])
            .Build();

        // Act
        var findings = _diagnoser.Evaluate(fleet);

        // Assert
        var finding = Assert.Single(findings);
        Assert.Equal(FindingKinds.DrForwardDrop, finding.Kind);
        Assert.Equal(("lvs-a", Vip, "compute-07", DirectorPort), (finding.Director, finding.Vip, finding.Hypervisor, finding.Port));
        Assert.Contains(finding.Evidence, e => e.Label == "compute-07 neutron-openvswi-s38833ad6-c #3" && e.Value.StartsWith("Drop traffic without an IP/MAC allow rule. — 12/s"));
        Assert.Contains("neutron-openvswi-local", finding.Remediation);
        Assert.Contains(finding.ConfirmCommands, c => c.Contains("iptables -L neutron-openvswi-s38833ad6-c"));
    }

    [Fact]
    public void Evaluate_SeedVipAlsoOnRealServerPorts_StillFindsTheDirectorPort()
    {
        // Arrange: the seed's team had added the VIP to the real servers' allowed pairs too.
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 40, 1)))
            .ComputeNode("compute-07", [AntiSpoof(DirectorPort, 12)], realServerPortsCarryVip: true)
            .Build();

        // Act
        var finding = Assert.Single(_diagnoser.Evaluate(fleet));

        // Assert
        Assert.Equal((FindingKinds.DrForwardDrop, DirectorPort), (finding.Kind, finding.Port));
    }

    [Fact]
    public void Evaluate_HealthyChurnAndAPortScan_RaisesNothing()
    {
        // Arrange: a few SYN_RECV among thousands of ESTABLISHED; a scan hitting the real servers' fallback rule.
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, i) => RealServer(rs, synRecv: i % 3 * 4, established: 4000)))
            .ComputeNode("compute-07", SeedRealServers.Select(rs => Fallback(PortOf(rs), 50)).Append(AntiSpoof(DirectorPort, 0)))
            .Build();

        // Act
        var findings = _diagnoser.Evaluate(fleet);

        // Assert
        Assert.Empty(findings);
    }

    [Fact]
    public void Evaluate_DirectorPortDropsWithoutPileUp_RaisesNothing()
    {
        // Arrange: spoofed junk dropped at the director port while every connection completes.
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 1, 500)))
            .ComputeNode("compute-07", [AntiSpoof(DirectorPort, 30)])
            .Build();

        // Act, Assert
        Assert.Empty(_diagnoser.Evaluate(fleet));
    }

    [Fact]
    public void Evaluate_PileUpWithoutAnyDrops_PointsAtTheDirectorItself()
    {
        // Arrange
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 40, 1)))
            .ComputeNode("compute-07", [AntiSpoof(DirectorPort, 0)])
            .Build();

        // Act
        var finding = Assert.Single(_diagnoser.Evaluate(fleet));

        // Assert
        Assert.Equal(FindingKinds.DirectorWideSynRecv, finding.Kind);
        Assert.Contains(finding.Evidence, e => e.Label == "Hypervisor ports checked" && e.Value.Contains("38833ad6-c@compute-07"));
    }

    [Fact]
    public void Evaluate_TwoRealServersPileUpAndTheirPortsDrop_RsIngressForThoseTwoOnly()
    {
        // Arrange
        var stuck = new[] { SeedRealServers[2], SeedRealServers[5] };
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => stuck.Contains(rs) ? RealServer(rs, 50, 2) : RealServer(rs, 0, 300)))
            .ComputeNode("compute-07", stuck.Select(rs => AntiSpoof(PortOf(rs), 8)))
            .Build();

        // Act
        var findings = _diagnoser.Evaluate(fleet);

        // Assert
        Assert.All(findings, f => Assert.Equal(FindingKinds.RsIngressDrop, f.Kind));
        Assert.Equal(stuck.Order(), findings.Select(f => f.RealServer!).Order());
    }

    [Fact]
    public void Evaluate_NsxStateMismatchOnTheDirectorsVnic_StatefulHalfFlowDrop()
    {
        // Arrange: seed 2, handshakes pass (no SYN_RECV) but the DFW drops the director's half flows.
        var counters = new Dictionary<string, ulong> { ["pass"] = 90000, ["drop"] = 4200, ["state-mismatch"] = 4100 };
        var rates = new Dictionary<string, double> { ["pass"] = 300, ["drop"] = 41, ["state-mismatch"] = 40 };
        var fleet = new FleetBuilder()
            .Director("lvs-b", new VipView("TCP", "10.29.7.10:80", RealServerTable.Create("TCP", "10.29.7.10:80", [RealServer("10.29.7.12:80", 0, 400, "10.29.7.10:80")], null)))
            .EsxiHost("esxi-03", new NsxFilterRate("nic-1371516-eth0-vmware-sfw.2", "lvs-b", 0, counters, rates))
            .Build();

        // Act
        var finding = Assert.Single(_diagnoser.Evaluate(fleet));

        // Assert
        Assert.Equal((FindingKinds.StatefulHalfFlowDrop, "esxi-03", "nic-1371516-eth0-vmware-sfw.2"), (finding.Kind, finding.Hypervisor, finding.Port));
        Assert.Contains("exclusion list", finding.Remediation);
    }

    [Fact]
    public void Evaluate_NsxStateMismatchBelowThreshold_RaisesNothing()
    {
        // Arrange
        var fleet = new FleetBuilder()
            .Director("lvs-b", new VipView("TCP", "10.29.7.10:80", RealServerTable.Create("TCP", "10.29.7.10:80", [RealServer("10.29.7.12:80", 0, 400, "10.29.7.10:80")], null)))
            .EsxiHost("esxi-03", new NsxFilterRate("nic-1371516-eth0-vmware-sfw.2", "lvs-b", 0,
                new Dictionary<string, ulong> { ["state-mismatch"] = 3 }, new Dictionary<string, double> { ["state-mismatch"] = 0.1 }))
            .Build();

        // Act, Assert
        Assert.Empty(_diagnoser.Evaluate(fleet));
    }

    [Fact]
    public void Issue24_ComputeNodeDumpWithoutCounters_CountersMissingNotZeroDrops()
    {
        // Arrange: the seed's pile-up, but the compute node's dump came without -c: its 33 rules have no counters.
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => RealServer(rs, synRecv: 40, established: 1)))
            .ComputeNode("compute-07", [], rulesWithoutCounters: 33)
            .Build();

        // Act
        var findings = _diagnoser.Evaluate(fleet);

        // Assert
        var missing = Assert.Single(findings, f => f.Kind == FindingKinds.CountersMissing);
        Assert.Equal(("compute-07", FindingSeverity.Warning), (missing.Hypervisor, missing.Severity));
        Assert.Contains("counters missing", missing.Summary);
        Assert.Contains(missing.Evidence, e => e.Label == "Rules without counters" && e.Value == "33");
        Assert.Contains("iptables-save -c", missing.Remediation);
        Assert.DoesNotContain(findings, f => f.Kind == FindingKinds.DrForwardDrop);
    }

    [Fact]
    public void Issue24_OvsFirewallAntiSpoofOnTheDirectorPort_DrForwardDropWithOpenFlowCommands()
    {
        // Arrange: the seed's pile-up on a compute node running firewall_driver = openvswitch.
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => RealServer(rs, synRecv: 40, established: 1)))
            .ComputeNode("compute-07", [OvsAntiSpoof(DirectorPort, rate: 12)])
            .Build();

        // Act
        var finding = Assert.Single(_diagnoser.Evaluate(fleet));

        // Assert
        Assert.Equal((FindingKinds.DrForwardDrop, "compute-07", DirectorPort), (finding.Kind, finding.Hypervisor, finding.Port));
        Assert.Contains(finding.Evidence, e => e.Label == "compute-07 br-int table 71 #31" && e.Value.Contains("12/s"));
        Assert.Contains(finding.ConfirmCommands, c => c.Contains("ovs-ofctl dump-flows br-int table=71"));
        Assert.DoesNotContain(finding.ConfirmCommands, c => c.Contains("iptables"));
        Assert.Contains("allowed address pairs", finding.Remediation);
        Assert.DoesNotContain("neutron-openvswi-local (", finding.Remediation);
    }

    [Fact]
    public void Issue24_OvsFirewallIngressDropsOnTwoRealServerPorts_RsIngressDrop()
    {
        // Arrange
        var two = SeedRealServers.Take(2).ToList();
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => two.Contains(rs) ? RealServer(rs, 30, 1) : RealServer(rs, 0, 40)))
            .ComputeNode("compute-07", two.Select(rs => OvsUnmatchedIngress(PortOf(rs), 5)))
            .Build();

        // Act
        var findings = _diagnoser.Evaluate(fleet);

        // Assert
        Assert.Equal(two.Order(), findings.Where(f => f.Kind == FindingKinds.RsIngressDrop).Select(f => f.RealServer!).Order());
        Assert.All(findings, f => Assert.Contains(f.ConfirmCommands, c => c.StartsWith("on compute-07: ovs-ofctl dump-flows br-int", StringComparison.Ordinal)));
    }

    [Fact]
    public void Issue24_OvsFirewallBridgeWideInvalidOnTheDirectorsNode_StatefulHalfFlowDrop()
    {
        // Arrange: the OVS firewall counts INVALID in one flow for the whole bridge; the director port sits on that node.
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 0, 200)))
            .ComputeNode("compute-07", [OvsInvalid(6)])
            .Build();

        // Act
        var finding = Assert.Single(_diagnoser.Evaluate(fleet));

        // Assert
        Assert.Equal((FindingKinds.StatefulHalfFlowDrop, "compute-07", DirectorPort), (finding.Kind, finding.Hypervisor, finding.Port));
        Assert.Contains(finding.Evidence, e => e.Label == "Scope" && e.Value.Contains("br-int table 72"));
        Assert.Contains(finding.ConfirmCommands, c => c.Contains("ct_state=+inv+trk"));
        Assert.Contains("port security", finding.Remediation);
    }

    [Fact]
    public void Issue24_OvsFirewallInvalidOnAnotherNode_NotBlamedOnTheDirector()
    {
        // Arrange: the bridge-wide INVALID drop is on a node that holds no port of the director.
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 0, 200)))
            .ComputeNode("compute-07", [])
            .OtherComputeNode("compute-08", [OvsInvalid(6)])
            .Build();
        var sameDropOnTheDirectorsNode = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 0, 200)))
            .ComputeNode("compute-07", [OvsInvalid(6)])
            .Build();

        // Act, Assert
        Assert.DoesNotContain(_diagnoser.Evaluate(fleet), f => f.Kind == FindingKinds.StatefulHalfFlowDrop);
        Assert.Contains(_diagnoser.Evaluate(sameDropOnTheDirectorsNode), f => f.Kind == FindingKinds.StatefulHalfFlowDrop);
    }

    [Fact]
    public void Evaluate_InvalidDropsOnTheDirectorsNeutronPort_StatefulHalfFlowDrop()
    {
        // Arrange
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 0, 200)))
            .ComputeNode("compute-07", [Invalid(DirectorPort, 6)])
            .Build();

        // Act
        var finding = Assert.Single(_diagnoser.Evaluate(fleet));

        // Assert
        Assert.Equal((FindingKinds.StatefulHalfFlowDrop, DirectorPort), (finding.Kind, finding.Port));
    }

    [Theory]
    [InlineData(29, false)]
    [InlineData(31, true)]
    public void Evaluate_HostQuietFor_AgentSilentOnlyPastTheThreshold(int seconds, bool expected)
    {
        // Arrange
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 0, 100)))
            .Heartbeat("lvs-a", "director", Now.AddSeconds(-seconds))
            .Build();

        // Act
        var silent = _diagnoser.Evaluate(fleet).Any(f => f.Kind == FindingKinds.AgentSilent && f.Director == "lvs-a");

        // Assert
        Assert.Equal(expected, silent);
    }

    [Fact]
    public void Evaluate_CounterReset_InfoFinding()
    {
        // Arrange
        var fleet = new FleetBuilder().ComputeNode("compute-07", []).Heartbeat("compute-07", "hypervisor", Now, reset: true).Build();

        // Act
        var finding = Assert.Single(_diagnoser.Evaluate(fleet));

        // Assert
        Assert.Equal((FindingKinds.CounterReset, FindingSeverity.Info, "compute-07"), (finding.Kind, finding.Severity, finding.Hypervisor));
    }

    [Fact]
    public void Evaluate_LeftoverSynRecvAfterAFixedHypervisorDrop_NotBlamedOnTheDirector()
    {
        // Arrange: the drops stopped, the table still holds the stuck entries for up to a minute.
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 40, 1)))
            .ComputeNode("compute-07", [AntiSpoof(DirectorPort, 0)])
            .Build() with { RecentlyExplained = new HashSet<string> { "lvs-a" } };

        // Act, Assert
        Assert.Empty(_diagnoser.Evaluate(fleet));
    }

    [Fact]
    public void Evaluate_PileUpExplainedByAHypervisorDropInTheSamePass_NoDirectorWideFinding()
    {
        // Arrange: the director port drops, and a real server port carrying the VIP shows nothing.
        var fleet = new FleetBuilder()
            .Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 40, 1)))
            .ComputeNode("compute-07", [AntiSpoof(DirectorPort, 5)])
            .Build();

        // Act
        var kinds = _diagnoser.Evaluate(fleet).Select(f => f.Kind).ToList();

        // Assert
        Assert.Equal([FindingKinds.DrForwardDrop], kinds);
    }
}
