using System.Diagnostics;
using System.Text;
using Dashboard.Agent.Cli;
using Dashboard.Core.Diagnosis;
using Dashboard.Server.Diagnosis;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
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
    private static readonly TimeSpan s_cycle = TimeSpan.FromSeconds(2);
    // Only ends a lab that never names (or never clears) the drop: how long it took is printed, not asserted.
    private static readonly TimeSpan s_generousWait = TimeSpan.FromMinutes(3);
    private readonly TemporaryDirectory _work = new();
    private LabNetwork _lab = null!;
    private RunningDashboard _server = null!;
    private LabDirectorTable _director = null!;
    private string _directorConfig = "";
    private string _hypervisorConfig = "";

    public async Task InitializeAsync()
    {
        _lab = await LabNetwork.StartAsync($"ov{Environment.ProcessId % 10000}", TestTimeout.Token(180), "ovs-lab.sh");
        _server = await RunningDashboard.StartAsync();
        _director = new LabDirectorTable(Path.Combine(_work.Path, "proc"));
        _directorConfig = await WriteConfigAsync("lab-director", KnownRoles.Director, """
            "Ipvs": { "Enabled": true, "ProcRoot": "PROC" }
            """.Replace("PROC", _director.ProcRoot));
        // The lab's private Open vSwitch: br-int's management socket, and its OVSDB socket next to it for ovs-vsctl.
        var target = _lab.UpOutput.Split('\n')[^1];
        _hypervisorConfig = await WriteConfigAsync("lab-compute", KnownRoles.Hypervisor, """
            "Ovs": { "Enabled": true, "Bridges": [ "TARGET" ], "OvsdbRemote": "REMOTE" }
            """.Replace("TARGET", target).Replace("REMOTE", target.Replace("br-int.mgmt", "db.sock", StringComparison.Ordinal)));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _lab.DisposeAsync();
        _work.Dispose();
    }

    [Fact]
    public async Task Issue24_OvsLabBrokenThenFixed_DrForwardDropThroughOpenFlowNamedWithin30sAndResolvedWithin60s()
    {
        var diagnosis = _server.Services.GetRequiredService<DiagnosisService>();

        // Healthy: the director port allows 0.0.0.0/0, clients are answered; nothing may be raised.
        await _lab.ScenarioAsync("fixed");
        for (var i = 0; i < 3; i++)
        {
            await CycleAsync(clients: 3);
        }

        Assert.DoesNotContain(diagnosis.Open, f => f.Latest.Kind != FindingKinds.CounterReset);

        // Broken: only the port's own IP/MAC pairs may leave it; what the director forwards carries the client's address.
        await _lab.ScenarioAsync("broken");
        var firstDroppedSyn = Stopwatch.StartNew();
        TrackedFinding? finding = null;
        while (finding is null && firstDroppedSyn.Elapsed < s_generousWait)
        {
            await CycleAsync(clients: 6);
            finding = diagnosis.Open.FirstOrDefault(f => f.Latest.Kind == FindingKinds.DrForwardDrop);
        }

        var named = firstDroppedSyn.Elapsed;
        output.WriteLine($"dr-forward-drop named {named.TotalSeconds:0.0} s after the first dropped SYN");
        Assert.NotNull(finding);
        Assert.Equal(("lab-director", "10.1.26.252:10051", "lab-compute", "38833ad6-c"),
            (finding.Latest.Director, finding.Latest.Vip, finding.Latest.Hypervisor, finding.Latest.Port));
        Assert.Contains(finding.Latest.Evidence, e =>
            e.Label.StartsWith("lab-compute br-int table 71 #", StringComparison.Ordinal)
            && e.Value.StartsWith("Drop traffic without an IP/MAC allow rule (OVS firewall", StringComparison.Ordinal));
        Assert.Contains(finding.Latest.ConfirmCommands, c => c.Contains("ovs-ofctl dump-flows br-int table=71", StringComparison.Ordinal));
        var directorPort = _server.Services.GetRequiredService<Dashboard.Server.Live.LiveStore>().Host("lab-compute")!.NeutronPorts.Single(p => p.Port == "38833ad6-c");
        Assert.Equal(("tap38833ad6-c6", "38833ad6-c6d2-4b1e-9f3a-5c0e7d21b8a4", "fa:16:3e:c4:20:c7", (ulong?)1),
            (directorPort.Device, directorPort.PortId, directorPort.Mac, directorPort.OfPort));

        // Fixed: the allowed address pair 0.0.0.0/0 on the director port, as Neutron renders it.
        await _lab.ScenarioAsync("fixed");
        var fixApplied = Stopwatch.StartNew();
        while (diagnosis.Open.Any(f => f.Latest.Kind == FindingKinds.DrForwardDrop) && fixApplied.Elapsed < s_generousWait)
        {
            await CycleAsync(clients: 6);
        }

        var resolved = fixApplied.Elapsed;
        output.WriteLine($"dr-forward-drop resolved {resolved.TotalSeconds:0.0} s after the fix");
        Assert.DoesNotContain(diagnosis.Open, f => f.Latest.Kind is FindingKinds.DrForwardDrop or FindingKinds.StatefulHalfFlowDrop or FindingKinds.DirectorWideSynRecv);
    }

    [Fact]
    public async Task OvsLabStrayReplies_ConntrackInvalidDropsCountedOnTheIngressFlowWithoutDrForwardDrop()
    {
        var live = _server.Services.GetRequiredService<Dashboard.Server.Live.LiveStore>();
        var diagnosis = _server.Services.GetRequiredService<DiagnosisService>();
        await _lab.ScenarioAsync("fixed");

        // Replies nobody asked for reach the director's port: its conntrack has no entry and cannot open one with a SYN-ACK.
        var waited = Stopwatch.StartNew();
        Dashboard.Server.Live.RuleLive? invalid = null;
        while (invalid is null && waited.Elapsed < TimeSpan.FromSeconds(45))
        {
            await _lab.StrayAsync(20);
            await CycleAsync(clients: 3);
            invalid = live.Host("lab-compute")?.Rules.FirstOrDefault(r => r.Rule.DropKind == "conntrack-invalid" && r.PacketsPerSecond > 0);
        }

        Assert.NotNull(invalid);
        Assert.Equal(("br-int table 82", (string?)null), (invalid.Rule.Chain, invalid.Rule.NeutronPort));
        Assert.Contains("ct_state=+inv+trk", invalid.Rule.Spec, StringComparison.Ordinal);
        Assert.DoesNotContain(live.Host("lab-compute")!.Rules, r => r.Rule.DropKind == "anti-spoof" && r.PacketsPerSecond > 0);
        Assert.DoesNotContain(diagnosis.Open, f => f.Latest.Kind == FindingKinds.DrForwardDrop);
    }

    /// <summary>Real client attempts, then both agents collect and push once, as their timers would.</summary>
    private async Task CycleAsync(int clients)
    {
        var started = Stopwatch.StartNew();
        var (ok, failed) = await _lab.TrafficAsync(clients, TimeSpan.FromSeconds(1));
        _director.Record(DateTimeOffset.UtcNow, ok, failed);
        _director.Write(DateTimeOffset.UtcNow);
        await RunAgentAsync(_hypervisorConfig);
        await RunAgentAsync(_directorConfig);
        var live = _server.Services.GetRequiredService<Dashboard.Server.Live.LiveStore>();
        var vip = live.Host("lab-director")?.Virtuals.FirstOrDefault();
        var drops = live.Host("lab-compute")?.Rules.Where(r => r.Rule.DropKind is not null && r.PacketsPerSecond > 0)
            .Select(r => $"{r.Rule.Chain}#{r.Rule.Position}:{r.Rule.DropKind}={r.PacketsPerSecond:0.#}");
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.f} traffic ok={ok} failed={failed}; vip SYN_RECV {vip?.SynRecv}/{vip?.Connections}; drops {string.Join(',', drops ?? [])}; open {string.Join(',', _server.Services.GetRequiredService<DiagnosisService>().Open.Select(f => f.Latest.Kind))}");
        var rest = s_cycle - started.Elapsed;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }
    }

    private static async Task RunAgentAsync(string config)
    {
        var error = new StringWriter();
        var code = await AgentCommandLine.RunAsync(["once", "--config", config], new AgentConsole(Stream.Null, Stream.Null, error));
        Assert.True(code == 0, $"agent once exited {code}: {error}");
    }

    private async Task<string> WriteConfigAsync(string host, string role, string collectors)
    {
        var folder = Path.Combine(_work.Path, host);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "token"), await _server.CreateTokenAsync(role) + "\n");
        var config = Path.Combine(folder, "agent.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "Server": "{{_server.BaseAddress.ToString().TrimEnd('/')}}",
              "TokenFile": "{{Path.Combine(folder, "token")}}",
              "Host": "{{host}}",
              "IntervalSeconds": 2,
              "SpoolDirectory": "{{Path.Combine(folder, "spool")}}",
              "Collectors": { {{collectors}} }
            }
            """, Encoding.UTF8);
        return config;
    }
}
