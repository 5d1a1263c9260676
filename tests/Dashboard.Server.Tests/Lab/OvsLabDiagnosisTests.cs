using System.Diagnostics;
using Dashboard.Core.Diagnosis;
using Dashboard.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dashboard.Server.Tests.Lab;

/// <summary>
/// Seed 1 with Neutron's Open vSwitch firewall driver (issue 24): tests/lab/ovs-lab.sh plugs the lab's VMs into a real
/// Open vSwitch (userspace datapath) whose br-int carries the driver's anti-spoof flows. The director's forwarded SYNs
/// die on its port's table 71 catch-all in real OpenFlow counters; the real agent's ovs collector reads them with
/// `ovs-ofctl show`, `ovs-vsctl list Interface` and `dump-flows`, and the real server's diagnosis must name dr-forward-drop through the OVS path
/// and clear it once the allowed address pair (the fix) is in. The director's IPVS table is generated as in the iptables lab.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class OvsLabDiagnosisTests(ITestOutputHelper output) : IAsyncLifetime
{
    private LabNetwork _lab = null!;
    private LabAgents _agents = null!;

    public async Task InitializeAsync()
    {
        _lab = await LabNetwork.StartAsync($"ov{Environment.ProcessId % 10000}", TestTimeout.Token(180), "ovs-lab.sh");
        // The lab's private Open vSwitch: br-int's management socket, and its OVSDB socket next to it for ovs-vsctl.
        var target = _lab.UpOutput.Split('\n')[^1];
        _agents = await LabAgents.StartAsync("""
            "Ovs": { "Enabled": true, "Bridges": [ "TARGET" ], "OvsdbRemote": "REMOTE" }
            """.Replace("TARGET", target).Replace("REMOTE", target.Replace("br-int.mgmt", "db.sock", StringComparison.Ordinal)));
    }

    public async Task DisposeAsync()
    {
        await _agents.DisposeAsync();
        await _lab.DisposeAsync();
    }

    /// <summary>
    /// Broken: only the port's own IP/MAC pairs may leave it, and what the director forwards carries the client's address.
    /// Fixed: the allowed address pair 0.0.0.0/0 on the director port, as Neutron renders it.
    /// </summary>
    [Fact]
    public Task Issue24_OvsLabBrokenThenFixed_DrForwardDropThroughOpenFlowNamedWithin30sAndResolvedWithin60s() =>
        _agents.BrokenThenFixedAsync(_lab, healthyCycles: 3, CycleAsync, output.WriteLine, finding =>
        {
            Assert.Contains(finding.Latest.Evidence, e =>
                e.Label.StartsWith("lab-compute br-int table 71 #", StringComparison.Ordinal)
                && e.Value.StartsWith("Drop traffic without an IP/MAC allow rule (OVS firewall", StringComparison.Ordinal));
            Assert.Contains(finding.Latest.ConfirmCommands, c => c.Contains("ovs-ofctl dump-flows br-int table=71", StringComparison.Ordinal));
            var directorPort = _agents.Live.Host(LabAgents.HypervisorHost)!.NeutronPorts.Single(p => p.Port == "38833ad6-c");
            Assert.Equal(("tap38833ad6-c6", "38833ad6-c6d2-4b1e-9f3a-5c0e7d21b8a4", "fa:16:3e:c4:20:c7", (ulong?)1),
                (directorPort.Device, directorPort.PortId, directorPort.Mac, directorPort.OfPort));
        });

    [Fact]
    public async Task OvsLabStrayReplies_ConntrackInvalidDropsCountedOnTheIngressFlowWithoutDrForwardDrop()
    {
        var live = _agents.Live;
        await _lab.ScenarioAsync("fixed");

        // Replies nobody asked for reach the director's port: its conntrack has no entry and cannot open one with a SYN-ACK.
        var waited = Stopwatch.StartNew();
        Dashboard.Server.Live.RuleLive? invalid = null;
        while (invalid is null && waited.Elapsed < TimeSpan.FromSeconds(45))
        {
            await _lab.StrayAsync(20);
            await CycleAsync(clients: 3);
            invalid = live.Host(LabAgents.HypervisorHost)?.Rules.FirstOrDefault(r => r.Rule.DropKind == "conntrack-invalid" && r.PacketsPerSecond > 0);
        }

        Assert.NotNull(invalid);
        Assert.Equal(("br-int table 82", (string?)null), (invalid.Rule.Chain, invalid.Rule.NeutronPort));
        Assert.Contains("ct_state=+inv+trk", invalid.Rule.Spec, StringComparison.Ordinal);
        Assert.DoesNotContain(live.Host(LabAgents.HypervisorHost)!.Rules, r => r.Rule.DropKind == "anti-spoof" && r.PacketsPerSecond > 0);
        Assert.DoesNotContain(_agents.Diagnosis.Open, f => f.Latest.Kind == FindingKinds.DrForwardDrop);
    }

    private async Task CycleAsync(int clients) => output.WriteLine(await _agents.CycleAsync(async () =>
    {
        var (ok, failed) = await _lab.TrafficAsync(clients, TimeSpan.FromSeconds(1));
        return (ok, failed, $"ok={ok} failed={failed}");
    }));
}
