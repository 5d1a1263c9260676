using System.Text.Json;
using Dashboard.Core.Batches;
using Dashboard.Server.Ingest;
using Dashboard.Server.Live;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Live;

public sealed class SnapshotBuilderTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 11, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Build_DirectorPushedAgain_KeepsThePreviousTextAndUnchangedRealServersTakesChangedCounts()
    {
        var first = Build(TestBatches.Director("lvs-01", 1, Start, synRecv: 5, established: 100), null);
        var second = Build(TestBatches.Director("lvs-01", 2, Start.AddSeconds(5), synRecv: 5, established: 100), first);
        var third = Build(TestBatches.Director("lvs-01", 3, Start.AddSeconds(10), synRecv: 5, established: 130), second);

        var (a, b, c) = (RealServer(first), RealServer(second), RealServer(third));
        Assert.Same(a.Virtual, b.Virtual);
        Assert.Same(a.Destination, c.Destination);
        Assert.Same(a.Forward, c.Forward);
        Assert.Same(first.Virtuals[0].RealServers, second.Virtuals[0].RealServers);
        Assert.NotSame(second.Virtuals[0].RealServers, third.Virtuals[0].RealServers);
        Assert.Equal((100L, 5L, 105L), (b.ByState["ESTABLISHED"], b.SynRecv, b.Connections));
        Assert.Equal((130L, 5L, 135L), (c.ByState["ESTABLISHED"], c.SynRecv, c.Connections));
        Assert.Same(first.Virtuals[0].Virtual, third.Virtuals[0].Virtual);
    }

    [Fact]
    public void Build_HypervisorCountersMoved_KeepsTheRuleTextWithTheNewCountersAndRates()
    {
        var first = Build(TestBatches.Hypervisor("compute-07", 1, Start, antiSpoofPackets: 1_000), null);
        var second = Build(TestBatches.Hypervisor("compute-07", 2, Start.AddSeconds(5), antiSpoofPackets: 1_500), first);

        var (before, after) = (AntiSpoof(first), AntiSpoof(second));
        Assert.Same(before.Rule.Spec, after.Rule.Spec);
        Assert.Same(before.Rule.Comment, after.Rule.Comment);
        Assert.Same(before.Rule, after.Rule);
        Assert.Equal((1_500UL, 90_000UL, 100.0), (after.Packets, after.Bytes, after.PacketsPerSecond));
        Assert.Same(first.NeutronPorts[0], second.NeutronPorts[0]);
        var unchanged = second.Rules.Single(r => r.Rule.Identity == "allow-144");
        Assert.Same(first.Rules.Single(r => r.Rule.Identity == "allow-144").Rule, unchanged.Rule);
    }

    [Fact]
    public void Build_RuleReRenderedWithTheSameIdentity_TakesTheNewText()
    {
        var first = Build(TestBatches.Hypervisor("compute-07", 1, Start, antiSpoofPackets: 1_000), null);
        var second = Build(TestBatches.Hypervisor("compute-07", 2, Start.AddSeconds(5), antiSpoofPackets: 1_000, spec: "-m comment -j DROP"), first);

        Assert.Equal("-m comment -j DROP", AntiSpoof(second).Rule.Spec);
        Assert.Equal("-m comment", AntiSpoof(first).Rule.Spec);
    }

    [Fact]
    public void Build_AllowedPairAdded_TakesTheNewPort()
    {
        var first = Build(TestBatches.Hypervisor("compute-07", 1, Start, antiSpoofPackets: 1_000), null);
        var changed = TestBatches.Hypervisor("compute-07", 2, Start.AddSeconds(5), antiSpoofPackets: 1_000);
        changed.Iptables![0].NeutronPorts[0].AllowedPairs.Add(new() { Address = "10.1.26.145/32", Mac = "FA:16:3E:C4:20:C7" });

        var second = Build(changed, first);

        Assert.Equal(3, Assert.Single(second.NeutronPorts).AllowedPairs.Count);
        Assert.Equal(2, Assert.Single(first.NeutronPorts).AllowedPairs.Count);
    }

    [Fact]
    public void Build_OpenVswitchNamedThePort_TakesTheNewPortWithItsIdMacAndNumber()
    {
        var first = Build(TestBatches.Hypervisor("compute-07", 1, Start, antiSpoofPackets: 1_000), null);
        var named = TestBatches.Hypervisor("compute-07", 2, Start.AddSeconds(5), antiSpoofPackets: 1_000);
        var port = named.Iptables![0].NeutronPorts[0];
        (port.PortId, port.Mac, port.OfPort) = ("38833ad6-c6d2-4b1e-9f3a-5c0e7d21b8a4", "fa:16:3e:c4:20:c7", 1UL);

        var second = Build(named, first);

        var taken = Assert.Single(second.NeutronPorts);
        Assert.Equal(("38833ad6-c6d2-4b1e-9f3a-5c0e7d21b8a4", "fa:16:3e:c4:20:c7", (ulong?)1), (taken.PortId, taken.Mac, taken.OfPort));
        Assert.Null(Assert.Single(first.NeutronPorts).PortId);
    }

    [Fact]
    public void Build_RuleNotInThePreviousPush_StartsWithoutARateWhileTheOthersKeepTheirs()
    {
        var first = Build(TestBatches.Hypervisor("compute-07", 1, Start, antiSpoofPackets: 1_000), null);
        var grown = TestBatches.Hypervisor("compute-07", 2, Start.AddSeconds(5), antiSpoofPackets: 1_500);
        grown.Iptables![0].Tables[0].Chains[1].Rules.Add(new Core.Iptables.IptablesRule
        {
            Index = 3, Packets = 5_000, Bytes = 300_000, Target = "RETURN", Spec = "-s 10.1.26.145/32", Identity = "allow-145",
        });

        var second = Build(grown, first);

        var added = second.Rules.Single(r => r.Rule.Identity == "allow-145");
        Assert.Equal((5_000UL, 0.0, 0.0, false), (added.Packets, added.PacketsPerSecond, added.BytesPerSecond, added.Reset));
        Assert.Equal(100.0, AntiSpoof(second).PacketsPerSecond);
        Assert.False(second.CounterReset);
    }

    [Fact]
    public void Build_RuleIdleSinceThePreviousPush_KeepsThePreviousPushsObjectOnceItsRateIsZero()
    {
        var first = Build(TestBatches.Hypervisor("compute-07", 1, Start, antiSpoofPackets: 1_000), null);
        var second = Build(TestBatches.Hypervisor("compute-07", 2, Start.AddSeconds(5), antiSpoofPackets: 1_500), first);
        var third = Build(TestBatches.Hypervisor("compute-07", 3, Start.AddSeconds(10), antiSpoofPackets: 1_500), second);
        var fourth = Build(TestBatches.Hypervisor("compute-07", 4, Start.AddSeconds(15), antiSpoofPackets: 1_500), third);

        static RuleLive Allow(HostSnapshot snapshot) => snapshot.Rules.Single(r => r.Rule.Identity == "allow-144");
        Assert.Same(Allow(first), Allow(second));
        Assert.Same(Allow(first), Allow(fourth));
        Assert.Equal(100.0, AntiSpoof(second).PacketsPerSecond);
        Assert.NotSame(AntiSpoof(second), AntiSpoof(third));
        Assert.Equal((1_500UL, 0.0, 0.0), (AntiSpoof(third).Packets, AntiSpoof(third).PacketsPerSecond, AntiSpoof(third).BytesPerSecond));
        Assert.Same(AntiSpoof(third), AntiSpoof(fourth));
    }

    [Fact]
    public void Build_RuleInsertedAboveKnownOnes_EachKnownRuleKeepsItsOwnRate()
    {
        var first = Build(TestBatches.Hypervisor("compute-07", 1, Start, antiSpoofPackets: 1_000), null);
        var grown = TestBatches.Hypervisor("compute-07", 2, Start.AddSeconds(5), antiSpoofPackets: 1_500);
        grown.Iptables![0].Tables[0].Chains[1].Rules.Insert(0, new Core.Iptables.IptablesRule
        {
            Index = 1, Packets = 5_000, Bytes = 300_000, Target = "RETURN", Spec = "-s 10.1.26.145/32", Identity = "allow-145",
        });

        var second = Build(grown, first);

        Assert.Equal(["allow-145", "allow-144", "anti-spoof-38833ad6-c"], second.Rules.Where(r => r.Rule.Chain != "FORWARD").Select(r => r.Rule.Identity));
        Assert.Equal(0.0, second.Rules.Single(r => r.Rule.Identity == "allow-145").PacketsPerSecond);
        Assert.Equal(100.0, AntiSpoof(second).PacketsPerSecond);
        Assert.Same(first.Rules.Single(r => r.Rule.Identity == "allow-144"), second.Rules.Single(r => r.Rule.Identity == "allow-144"));
    }

    [Fact]
    public void Build_RealServerAddedBetweenKnownOnes_TakesItsOwnCountsAndTheOthersKeepTheirText()
    {
        var first = Build(TestBatches.Director("lvs-01", 1, Start, synRecv: 5, established: 100, realServers: ["10.1.26.139:10051", "10.1.26.141:10051"]), null);
        var second = Build(TestBatches.Director("lvs-01", 2, Start.AddSeconds(5), synRecv: 7, established: 90,
            realServers: ["10.1.26.139:10051", "10.1.26.140:10051", "10.1.26.141:10051"]), first);

        var servers = second.Virtuals[0].RealServers;
        Assert.Equal(["10.1.26.139:10051", "10.1.26.140:10051", "10.1.26.141:10051"], servers.Select(r => r.Destination));
        Assert.All(servers, r => Assert.Equal((7L, 97L), (r.SynRecv, r.Connections)));
        Assert.Same(first.Virtuals[0].RealServers[1].Destination, servers[2].Destination);
        Assert.Same(first.Virtuals[0].RealServers[0].Destination, servers[0].Destination);
    }

    /// <summary>Through JSON, as pushes arrive: every string a fresh instance, so sharing shows as the same reference.</summary>
    private static HostSnapshot Build(AgentBatch batch, HostSnapshot? previous)
    {
        var pushed = JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(batch, DashboardJsonContext.Default.AgentBatch),
            DashboardJsonContext.Default.AgentBatch)!;
        return SnapshotBuilder.Build(new NormalizedBatch(pushed), pushed.Ipvs is null ? "hypervisor" : "director", pushed.CollectedAt, previous);
    }

    private static Core.Ipvs.RealServerSample RealServer(HostSnapshot snapshot) => snapshot.Virtuals[0].RealServers[0];

    private static RuleLive AntiSpoof(HostSnapshot snapshot) => snapshot.Rules.Single(r => r.Rule.DropKind == "anti-spoof");
}
