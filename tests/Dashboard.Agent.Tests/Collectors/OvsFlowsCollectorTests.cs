using Dashboard.Agent.Collectors;
using Dashboard.Agent.Commands;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Tests.Shared;
using Dashboard.Core.Batches;

namespace Dashboard.Agent.Tests.Collectors;

public sealed class OvsFlowsCollectorTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    // `ovs-ofctl show` of the Open vSwitch lab (tests/lab/ovs-lab.sh, Open vSwitch 3.1.0), director port only.
    private const string Show = """
        OFPT_FEATURES_REPLY (xid=0x2): dpid:00007209af1c0141
        n_tables:254, n_buffers:0
        capabilities: FLOW_STATS TABLE_STATS PORT_STATS QUEUE_STATS ARP_MATCH_IP
        actions: output enqueue set_vlan_vid set_vlan_pcp strip_vlan mod_dl_src mod_dl_dst mod_nw_src mod_nw_dst mod_nw_tos mod_tp_src mod_tp_dst
         1(tap38833ad6-c6): addr:0e:5b:f4:1c:38:53
             config:     0
             state:      0
             current:    10GB-FD COPPER
             speed: 10000 Mbps now, 0 Mbps max
         LOCAL(br-int): addr:72:09:af:1c:01:41
             config:     PORT_DOWN
             state:      LINK_DOWN
             current:    10GB-FD COPPER
             speed: 10000 Mbps now, 0 Mbps max
        OFPT_GET_CONFIG_REPLY (xid=0x4): frags=normal miss_send_len=0

        """;

    // Its dump-flows: numeric in_port, as ovs-ofctl prints when its output is not a terminal.
    private const string Flows = """
        NXST_FLOW reply (xid=0x4):
         cookie=0x0, duration=4.311s, table=71, n_packets=0, n_bytes=0, idle_age=4, priority=65,ip,reg5=0x1,in_port=1,dl_src=fa:16:3e:c4:20:c7,nw_src=10.1.26.252 actions=resubmit(,94)
         cookie=0x0, duration=4.311s, table=71, n_packets=6, n_bytes=444, idle_age=1, priority=10,reg5=0x1,in_port=1 actions=ct_clear,resubmit(,93)

        """;

    // `ovs-vsctl --format=csv --columns=name,ofport,external_ids list Interface` of the same lab, director port and bridge.
    private const string Interfaces = """
        name,ofport,external_ids
        br-int,65534,{}
        tap38833ad6-c6,1,"{attached-mac=""fa:16:3e:c4:20:c7"", iface-id=""38833ad6-c6d2-4b1e-9f3a-5c0e7d21b8a4"", iface-status=active}"

        """;

    private const string ListInterfaces = "ovs-vsctl --format=csv --columns=name,ofport,external_ids list Interface";

    private readonly TestDirectory _directory = new();
    private readonly TestLog _log = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task CollectAsync_ShowThenDumpFlows_FlowsMappedToTheNeutronPortInTheBatch()
    {
        // Arrange
        var runner = new FixtureCommandRunner()
            .Answer("ovs-ofctl show br-int", _directory.WriteFile("show", Show))
            .Answer(ListInterfaces, _directory.WriteFile("interfaces", Interfaces))
            .Answer("ovs-ofctl dump-flows br-int", _directory.WriteFile("flows", Flows));
        var collector = new OvsFlowsCollector(new OvsCollectorOptions { Enabled = true }, runner, _log.Log, s_timeout);

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);
        var batch = new AgentBatch();
        result.AddTo(batch);

        // Assert
        Assert.Equal(CollectStatus.Data, result.Status);
        Assert.Empty(result.Problems);
        Assert.Equal(["ovs-ofctl show br-int", ListInterfaces, "ovs-ofctl dump-flows br-int"], runner.Calls);
        var dump = Assert.Single(batch.Iptables!);
        var drop = dump.Tables.Single().Chains.Single().Rules[1];
        Assert.Equal(("br-int table 71", "anti-spoof", "38833ad6-c", 6UL), (dump.Tables[0].Chains[0].Name, drop.DropKind, drop.Neutron!.Port, drop.PacketCount!.Value));
        var port = dump.NeutronPorts.Single();
        Assert.Equal("10.1.26.252", port.AllowedPairs.Single().Address);
        Assert.Equal(("38833ad6-c6d2-4b1e-9f3a-5c0e7d21b8a4", "fa:16:3e:c4:20:c7", 1UL), (port.PortId!, port.Mac!, port.OfPort!.Value));
    }

    [Fact]
    public async Task CollectAsync_VsctlMissing_FlowsStillReadAndOneProblemSaysPortIdsAreMissing()
    {
        // Arrange
        var runner = new FixtureCommandRunner()
            .Answer("ovs-ofctl show br-int", _directory.WriteFile("show", Show))
            .Answer("ovs-ofctl dump-flows br-int", _directory.WriteFile("flows", Flows));
        var collector = new OvsFlowsCollector(new OvsCollectorOptions { Enabled = true }, runner, _log.Log, s_timeout);

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);
        var batch = new AgentBatch();
        result.AddTo(batch);

        // Assert
        Assert.Equal(CollectStatus.Data, result.Status);
        var problem = Assert.Single(result.Problems);
        Assert.StartsWith("ovs-vsctl list Interface: notfound", problem, StringComparison.Ordinal);
        Assert.EndsWith("ports have no Neutron port ids", problem, StringComparison.Ordinal);
        var port = batch.Iptables!.Single().NeutronPorts.Single();
        Assert.Equal(("38833ad6-c", "tap38833ad6-c6", (string?)null), (port.Port, port.Device, port.PortId));
    }

    [Fact]
    public async Task CollectAsync_PrivateOvsdbAndTwoBridges_OneListingWithItsRemoteServesBoth()
    {
        // Arrange
        var remote = "unix:/run/ovslab/x/db.sock";
        var runner = new FixtureCommandRunner()
            .Answer("ovs-ofctl show br-int", _directory.WriteFile("show", Show))
            .Answer("ovs-ofctl show br-tun", _directory.WriteFile("show-tun", Show))
            .Answer($"ovs-vsctl --db={remote} --format=csv --columns=name,ofport,external_ids list Interface", _directory.WriteFile("interfaces", Interfaces))
            .Answer("ovs-ofctl dump-flows br-int", _directory.WriteFile("flows", Flows))
            .Answer("ovs-ofctl dump-flows br-tun", _directory.WriteFile("flows-tun", Flows));
        var options = new OvsCollectorOptions { Enabled = true, Bridges = ["br-int", "br-tun"], OvsdbRemote = remote };
        var collector = new OvsFlowsCollector(options, runner, _log.Log, s_timeout);

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Empty(result.Problems);
        Assert.Single(runner.Calls, c => c.StartsWith("ovs-vsctl ", StringComparison.Ordinal));
        Assert.Equal(5, runner.Calls.Count);
    }

    [Fact]
    public async Task CollectAsync_VsctlPathEmpty_NotRunAndNoProblem()
    {
        // Arrange
        var runner = new FixtureCommandRunner()
            .Answer("ovs-ofctl show br-int", _directory.WriteFile("show", Show))
            .Answer("ovs-ofctl dump-flows br-int", _directory.WriteFile("flows", Flows));
        var collector = new OvsFlowsCollector(new OvsCollectorOptions { Enabled = true, VsctlPath = "" }, runner, _log.Log, s_timeout);

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Empty(result.Problems);
        Assert.Equal(["ovs-ofctl show br-int", "ovs-ofctl dump-flows br-int"], runner.Calls);
    }

    [Fact]
    public async Task CollectAsync_OfctlNotInstalled_NoDataLoggedOnce()
    {
        // Arrange
        var collector = new OvsFlowsCollector(new OvsCollectorOptions { Enabled = true, OfctlPath = "/nonexistent/ovs-ofctl" }, new ProcessCommandRunner(), _log.Log, s_timeout);

        // Act
        var first = await collector.CollectAsync(CancellationToken.None);
        var second = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal((CollectStatus.NoData, CollectStatus.NoData), (first.Status, second.Status));
        Assert.Single(_log.Lines, l => l.Contains("ovs: not available on this host", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CollectAsync_DumpWithoutStatistics_ReportsTheMissingCountersAsAProblem()
    {
        // Arrange
        var runner = new FixtureCommandRunner()
            .Answer("ovs-ofctl show br-int", _directory.WriteFile("show", Show))
            .Answer("ovs-ofctl dump-flows br-int", _directory.WriteFile("flows", " table=71, priority=10,reg5=0x1,in_port=1 actions=resubmit(,93)\n"));
        var collector = new OvsFlowsCollector(new OvsCollectorOptions { Enabled = true }, runner, _log.Log, s_timeout);

        // Act
        var result = await collector.CollectAsync(CancellationToken.None);

        // Assert
        Assert.Equal(CollectStatus.Data, result.Status);
        Assert.Contains(result.Problems, p => p.Contains("1 flows without n_packets/n_bytes", StringComparison.Ordinal));
    }
}
