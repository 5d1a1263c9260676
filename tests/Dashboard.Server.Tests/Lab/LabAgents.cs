using System.Diagnostics;
using System.Text;
using Dashboard.Agent.Cli;
using Dashboard.Core.Diagnosis;
using Dashboard.Server.Diagnosis;
using Dashboard.Server.Live;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Lab;

/// <summary>
/// A real server and the lab's two real agents, run once per cycle as their timers would: the director's reads the
/// generated IPVS table (LabDirectorTable), the compute node's reads the lab's firewall with the collector it is given.
/// </summary>
public sealed class LabAgents : IAsyncDisposable
{
    public const string DirectorHost = "lab-director";
    public const string HypervisorHost = "lab-compute";
    private static readonly TimeSpan s_cycle = TimeSpan.FromSeconds(2);

    /// <summary>Only ends a lab that never names (or never clears) a failure: how long it took is printed, not asserted.</summary>
    private static readonly TimeSpan s_generousWait = TimeSpan.FromMinutes(3);
    private readonly TemporaryDirectory _work;
    private readonly string _directorConfig;
    private readonly string _hypervisorConfig;

    private LabAgents(TemporaryDirectory work, RunningDashboard server, LabDirectorTable director, string directorConfig, string hypervisorConfig)
    {
        (_work, Server, Director, _directorConfig, _hypervisorConfig) = (work, server, director, directorConfig, hypervisorConfig);
    }

    public RunningDashboard Server { get; }
    public LabDirectorTable Director { get; }
    public DiagnosisService Diagnosis => Server.Services.GetRequiredService<DiagnosisService>();
    public LiveStore Live => Server.Services.GetRequiredService<LiveStore>();

    /// <param name="hypervisorCollectors">The compute node agent's "Collectors" members, as JSON.</param>
    public static async Task<LabAgents> StartAsync(string hypervisorCollectors)
    {
        var work = new TemporaryDirectory();
        var server = await RunningDashboard.StartAsync();
        var director = new LabDirectorTable(Path.Combine(work.Path, "proc"));
        var directorConfig = await WriteConfigAsync(work, server, DirectorHost, KnownRoles.Director, $$"""
            "Ipvs": { "Enabled": true, "ProcRoot": "{{director.ProcRoot}}" }
            """);
        var hypervisorConfig = await WriteConfigAsync(work, server, HypervisorHost, KnownRoles.Hypervisor, hypervisorCollectors);
        return new LabAgents(work, server, director, directorConfig, hypervisorConfig);
    }

    /// <summary>
    /// One cycle: the test's real client attempts (answered and failed, and how to describe them), recorded in the
    /// director's table; then both agents collect and push once. Returns a line of what the server now holds.
    /// </summary>
    public async Task<string> CycleAsync(Func<Task<(int Ok, int Failed, string Described)>> attempts)
    {
        var started = Stopwatch.StartNew();
        var (ok, failed, described) = await attempts();
        Director.Record(DateTimeOffset.UtcNow, ok, failed);
        Director.Write(DateTimeOffset.UtcNow);
        await RunAgentAsync(_hypervisorConfig);
        await RunAgentAsync(_directorConfig);
        var vip = Live.Host(DirectorHost)?.Virtuals.FirstOrDefault();
        var drops = Live.Host(HypervisorHost)?.Rules.Where(r => r.Rule.DropKind is not null && r.PacketsPerSecond > 0)
            .Select(r => $"{r.Rule.Chain}#{r.Rule.Position}:{r.Rule.DropKind}={r.PacketsPerSecond:0.#}");
        var line = $"{DateTime.UtcNow:HH:mm:ss.f} traffic {described}; vip SYN_RECV {vip?.SynRecv}/{vip?.Connections}; drops {string.Join(',', drops ?? [])}; open {string.Join(',', Diagnosis.Open.Select(f => f.Latest.Kind))}";
        var rest = s_cycle - started.Elapsed;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }

        return line;
    }

    /// <summary>
    /// The seed's story on a lab: while fixed, cycles raise nothing; once broken, dr-forward-drop is named for the director's
    /// port (then <paramref name="named"/> checks what this lab shows of it); once fixed again, it clears and no other pile-up
    /// finding stays. How long naming and clearing took is printed, not asserted.
    /// </summary>
    /// <param name="cycle">One cycle with this many client attempts.</param>
    public async Task BrokenThenFixedAsync(LabNetwork lab, int healthyCycles, Func<int, Task> cycle, Action<string> print, Action<TrackedFinding> named)
    {
        await lab.ScenarioAsync("fixed");
        for (var i = 0; i < healthyCycles; i++)
        {
            await cycle(3);
        }

        Assert.DoesNotContain(Diagnosis.Open, f => f.Latest.Kind != FindingKinds.CounterReset);

        await lab.ScenarioAsync("broken");
        TrackedFinding? finding = null;
        var toName = await UntilAsync(() => (finding = Diagnosis.Open.FirstOrDefault(f => f.Latest.Kind == FindingKinds.DrForwardDrop)) is not null, () => cycle(6));
        print($"dr-forward-drop named {toName.TotalSeconds:0.0} s after the first dropped SYN");
        Assert.NotNull(finding);
        Assert.Equal((DirectorHost, "10.1.26.252:10051", HypervisorHost, "38833ad6-c"),
            (finding.Latest.Director, finding.Latest.Vip, finding.Latest.Hypervisor, finding.Latest.Port));
        named(finding);

        await lab.ScenarioAsync("fixed");
        var toResolve = await UntilAsync(() => !Diagnosis.Open.Any(f => f.Latest.Kind == FindingKinds.DrForwardDrop), () => cycle(6));
        print($"dr-forward-drop resolved {toResolve.TotalSeconds:0.0} s after the fix");
        Assert.DoesNotContain(Diagnosis.Open, f => f.Latest.Kind is FindingKinds.DrForwardDrop or FindingKinds.StatefulHalfFlowDrop or FindingKinds.DirectorWideSynRecv);
    }

    /// <summary>Runs cycles until the condition holds (or a generous limit passes) and returns how long that took.</summary>
    private static async Task<TimeSpan> UntilAsync(Func<bool> condition, Func<Task> cycle)
    {
        var waited = Stopwatch.StartNew();
        while (!condition() && waited.Elapsed < s_generousWait)
        {
            await cycle();
        }

        return waited.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _work.Dispose();
    }

    private static async Task RunAgentAsync(string config)
    {
        var error = new StringWriter();
        var code = await AgentCommandLine.RunAsync(["once", "--config", config], new AgentConsole(Stream.Null, Stream.Null, error));
        Assert.True(code == 0, $"agent once exited {code}: {error}");
    }

    private static async Task<string> WriteConfigAsync(TemporaryDirectory work, RunningDashboard server, string host, string role, string collectors)
    {
        var folder = Path.Combine(work.Path, host);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "token"), await server.CreateTokenAsync(role) + "\n");
        var config = Path.Combine(folder, "agent.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "Server": "{{server.BaseAddress.ToString().TrimEnd('/')}}",
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
