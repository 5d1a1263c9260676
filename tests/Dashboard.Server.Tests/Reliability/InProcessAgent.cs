using System.Collections;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using Dashboard.Agent.Cli;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Hosting;
using Dashboard.Agent.Spool;
using Dashboard.Agent.Transport;
using Dashboard.Server.Tests.Lab;

namespace Dashboard.Server.Tests.Reliability;

/// <summary>
/// A real director agent in this process: its own config file, token file, spool folder and generated /proc/net/ip_vs*
/// tables, built by the same loader and assembly as `dashboard-agent run`. It is stopped by a token, not by SIGTERM,
/// because a signal would also stop every server this test process hosts; every delivery report is recorded.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class InProcessAgent : IAsyncDisposable
{
    private readonly List<DeliveryReport> _reports = [];
    private readonly TextWriter _log = TextWriter.Synchronized(new StringWriter(CultureInfo.InvariantCulture));
    private readonly CancellationTokenSource _stopping = new();
    private AgentAssembly? _assembly;
    private Task _running = Task.CompletedTask;

    private InProcessAgent(string host, string configFile, string spoolDirectory)
    {
        Host = host;
        ConfigFile = configFile;
        SpoolDirectory = spoolDirectory;
    }

    public string Host { get; }
    public string ConfigFile { get; }
    public string SpoolDirectory { get; }

    /// <summary>Every batch the agent numbered, in order, with what became of it (delivered, spooled or dropped).</summary>
    public IReadOnlyList<DeliveryReport> Reports
    {
        get
        {
            lock (_reports)
            {
                return [.. _reports];
            }
        }
    }

    public string Log => _log.ToString() ?? "";

    /// <summary>The last batch went out and nothing waits in the spool.</summary>
    public bool IsDrained => Reports is [.., { Outcome: DeliveryOutcome.Delivered, SpoolCount: 0 }];

    /// <summary>The last sequence the agent handed out, from its durable state file.</summary>
    public long LastSequence => long.Parse(
        File.ReadLines(Path.Combine(SpoolDirectory, AgentState.FileName)).First(l => l.StartsWith("sequence ", StringComparison.Ordinal))["sequence ".Length..],
        CultureInfo.InvariantCulture);

    /// <summary>Batches waiting in the spool folder right now.</summary>
    public int SpooledFiles => Directory.EnumerateFiles(SpoolDirectory).Count(f => Path.GetFileName(f) != AgentState.FileName);

    public static async Task<InProcessAgent> StartAsync(string folder, string host, Uri server, string token, int intervalSeconds)
    {
        Directory.CreateDirectory(folder);
        var director = new LabDirectorTable(Path.Combine(folder, "proc"));
        director.Record(DateTimeOffset.UtcNow, ok: 8, failed: 1);
        director.Write(DateTimeOffset.UtcNow);
        var tokenFile = Path.Combine(folder, "token");
        await File.WriteAllTextAsync(tokenFile, token + "\n");
        var spool = Path.Combine(folder, "spool");
        var config = Path.Combine(folder, "agent.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "Server": "{{server.ToString().TrimEnd('/')}}",
              "TokenFile": "{{tokenFile}}",
              "Host": "{{host}}",
              "IntervalSeconds": {{intervalSeconds}},
              "SpoolDirectory": "{{spool}}",
              "Collectors": { "Ipvs": { "Enabled": true, "ProcRoot": "{{director.ProcRoot}}" } }
            }
            """, Encoding.UTF8);

        var agent = new InProcessAgent(host, config, spool);
        agent.Start();
        return agent;
    }

    /// <summary>Stops the timer; a batch collected while stopping is spooled, as `run` does on SIGTERM.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await _running;
        _assembly?.Dispose();
        _assembly = null;
    }

    /// <summary>`dashboard-agent once` on the same config: replays what the stop left in the spool, then sends one last batch.</summary>
    public async Task<(int ExitCode, string Error)> RunOnceAsync()
    {
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = await AgentCommandLine.RunAsync(["once", "--config", ConfigFile], new AgentConsole(Stream.Null, Stream.Null, error));
        return (code, error.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stopping.Dispose();
    }

    private void Start()
    {
        // No DASHBOARD_AGENT__ variables of the machine leak into the test's configuration.
        var configuration = AgentConfigurationLoader.Load(ConfigFile, [], forSending: true, environment: new Hashtable());
        if (!configuration.Succeeded)
        {
            throw new InvalidOperationException($"agent {Host}: {configuration.Describe()}");
        }

        var log = new AgentLog(_log);
        _assembly = AgentAssembly.Create(configuration.Options!, configuration.Token, log, TimeProvider.System, dryRun: false);
        var runner = _assembly.CreateRunner(configuration.Options!, TimeProvider.System, log);
        runner.Delivered += report =>
        {
            lock (_reports)
            {
                _reports.Add(report);
            }
        };
        _running = Task.Run(() => runner.RunAsync(_stopping.Token));
    }
}
