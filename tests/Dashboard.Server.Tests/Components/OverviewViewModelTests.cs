using Dashboard.Server.Hosting;
using Dashboard.Server.Live;
using Dashboard.Server.Model;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Components;

public sealed class OverviewViewModelTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 11, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void From_HypervisorsWithAndWithoutDroppingRules_NamesTheTopDropOnlyWhereOneDrops()
    {
        // Arrange: compute-07's anti-spoof rule drops 100 packets/s; compute-08 has no rule known to drop at all.
        var clock = new FakeTimeProvider(Start);
        var live = new LiveStore(new StaticOptionsMonitor<DashboardOptions>(new DashboardOptions()), clock);
        var quiet = TestBatches.Hypervisor("compute-08", 1, Start, antiSpoofPackets: 0);
        quiet.Iptables![0].Tables[0].Chains[1].Rules.RemoveAll(r => r.DropKind is not null);
        live.Apply(quiet, "hypervisor", Start);
        live.Apply(TestBatches.Hypervisor("compute-07", 1, Start, antiSpoofPackets: 1_000), "hypervisor", Start);
        clock.SetUtcNow(Start.AddSeconds(5));
        live.Apply(TestBatches.Hypervisor("compute-07", 2, Start.AddSeconds(5), antiSpoofPackets: 1_500), "hypervisor", Start.AddSeconds(5));

        // Act
        var overview = OverviewViewModel.From(live);

        // Assert
        Assert.Collection(overview.Hypervisors,
            dropping => Assert.Equal(("compute-07", "neutron-openvswi-s38833ad6-c: anti-spoof", 100.0), (dropping.Name, dropping.TopDrop, dropping.DropsPerSecond)),
            calm => Assert.Equal(("compute-08", null, 0.0), (calm.Name, calm.TopDrop, calm.DropsPerSecond)));
    }
}
