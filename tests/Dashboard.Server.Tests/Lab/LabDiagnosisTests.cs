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
/// Seed 1 against a real kernel: the lab's compute node drops the director's forwarded SYNs in real netfilter counters,
/// the real agent collects them (`ip netns exec … iptables-save -c`) and pushes to the real server, whose diagnosis must
/// name the failure and clear it after the fix (how long each took is printed; the figures belong in the README, not in an
/// assertion on a shared machine). The kernel has no IPVS, so the director's table is
/// generated from the lab's real client attempts (see LabDirectorTable) and read by the real agent's IPVS collector.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LabDiagnosisTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan s_cycle = TimeSpan.FromSeconds(2);

    /// <summary>A client that gets no SYN-ACK within this long counts as a SYN_RECV entry; one connected but slow is answered.</summary>
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_generousWait = TimeSpan.FromMinutes(3);
    private readonly TemporaryDirectory _work = new();
    private LabNetwork _lab = null!;
    private RunningDashboard _server = null!;
    private LabDirectorTable _director = null!;
    private string _directorConfig = "";
    private string _hypervisorConfig = "";

    public async Task InitializeAsync()
    {
        _lab = await LabNetwork.StartAsync($"dg{Environment.ProcessId % 10000}", TestTimeout.Token(180));
        _server = await RunningDashboard.StartAsync();
        _director = new LabDirectorTable(Path.Combine(_work.Path, "proc"));
        _directorConfig = await WriteConfigAsync("lab-director", KnownRoles.Director, """
            "Ipvs": { "Enabled": true, "ProcRoot": "PROC" }
            """.Replace("PROC", _director.ProcRoot));
        _hypervisorConfig = await WriteConfigAsync("lab-compute", KnownRoles.Hypervisor, """
            "Iptables": { "Enabled": true, "Command": "SAVE", "HostNamespace": false, "Namespaces": [ "NS" ], "Tables": [ "filter" ] }
            """.Replace("NS", _lab.Prefix + "-compute").Replace("SAVE", _lab.SaveCommand));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _lab.DisposeAsync();
        _work.Dispose();
    }

    [Fact]
    public async Task Lab_SeedOneBrokenThenFixed_DrForwardDropNamedThenResolvedAndHealthyRaisesNothing()
    {
        var diagnosis = _server.Services.GetRequiredService<DiagnosisService>();

        // Healthy: the fix is in, clients are answered; nothing may be raised.
        await _lab.ScenarioAsync("fixed");
        for (var i = 0; i < 4; i++)
        {
            await CycleAsync(clients: 3);
        }

        Assert.DoesNotContain(diagnosis.Open, f => f.Latest.Kind != FindingKinds.CounterReset);

        // Broken: the seed's compute node, the director's forwarded SYNs die on its port's anti-spoof rule.
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
            e.Label.StartsWith("lab-compute neutron-openvswi-s38833ad6-c #", StringComparison.Ordinal)
            && e.Value.StartsWith("Drop traffic without an IP/MAC allow rule.", StringComparison.Ordinal));

        // Fixed: an ACCEPT in neutron-openvswi-local, as the seed's team did.
        await _lab.ScenarioAsync("fixed");
        var fixApplied = Stopwatch.StartNew();
        while (diagnosis.Open.Any(f => f.Latest.Kind == FindingKinds.DrForwardDrop) && fixApplied.Elapsed < s_generousWait)
        {
            await CycleAsync(clients: 6);
        }

        var resolved = fixApplied.Elapsed;
        output.WriteLine($"dr-forward-drop resolved {resolved.TotalSeconds:0.0} s after the fix");
        Assert.DoesNotContain(diagnosis.Open, f => f.Latest.Kind == FindingKinds.DrForwardDrop);
        Assert.DoesNotContain(diagnosis.Open, f => f.Latest.Kind is FindingKinds.DrForwardDrop or FindingKinds.StatefulHalfFlowDrop or FindingKinds.DirectorWideSynRecv);
    }

    /// <summary>Real client attempts, then both agents collect and push once, as their timers would.</summary>
    private async Task CycleAsync(int clients)
    {
        var started = Stopwatch.StartNew();
        // A slow answer on a busy machine is still a completed handshake: only a client never connected is SYN_RECV.
        var (answered, slow, notConnected) = await _lab.AttemptsAsync(clients, s_connectTimeout);
        var (ok, failed) = (answered + slow, notConnected);
        _director.Record(DateTimeOffset.UtcNow, ok, failed);
        _director.Write(DateTimeOffset.UtcNow);
        await RunAgentAsync(_hypervisorConfig);
        await RunAgentAsync(_directorConfig);
        var live = _server.Services.GetRequiredService<Dashboard.Server.Live.LiveStore>();
        var vip = live.Host("lab-director")?.Virtuals.FirstOrDefault();
        var drop = live.Host("lab-compute")?.Rules.Where(r => r.Rule.DropKind is not null && r.PacketsPerSecond > 0).Select(r => $"{r.Rule.Chain}:{r.Rule.DropKind}={r.PacketsPerSecond:0.#}");
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.f} traffic ok={answered} slow={slow} not-connected={notConnected}; vip SYN_RECV {vip?.SynRecv}/{vip?.Connections}; drops {string.Join(',', drop ?? [])}; open {string.Join(',', _server.Services.GetRequiredService<DiagnosisService>().Open.Select(f => f.Latest.Kind))}");
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
