using Dashboard.Server.Demo;
using Dashboard.Server.Storage;
using Npgsql;

namespace Dashboard.Benchmarks.Soak;

/// <summary>
/// N simulated agents, six in ten LVS directors (one in eight of them replaying the forwarded-SYN drop), three in ten
/// Neutron compute nodes and one in ten ESXi hosts, each with its own token made through the token store.
/// </summary>
public sealed class SimulatedFleet : IAsyncDisposable
{
    public static readonly TimeSpan PushInterval = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private SimulatedFleet(IReadOnlyList<SimulatedAgent> agents, PushCounters counters)
    {
        Agents = agents;
        Counters = counters;
        // Each host starts at its own point of the scenario loop, so the fleet's load is the same at every moment of a run.
        var random = new Random(20);
        var now = DateTimeOffset.UtcNow;
        _running = Task.WhenAll(agents.Select((agent, i) =>
        {
            var loopStart = now - TimeSpan.FromSeconds(random.NextDouble() * DemoTimeline.LoopSeconds);
            return Task.Run(() => agent.RunAsync(PushInterval, PushInterval * i / Math.Max(1, agents.Count), loopStart, counters, _stop.Token));
        }));
    }

    public IReadOnlyList<SimulatedAgent> Agents { get; }

    public PushCounters Counters { get; }

    public int Directors => Agents.Count(a => a.Name.StartsWith("sim-lvs-", StringComparison.Ordinal));

    public static async Task<SimulatedFleet> StartAsync(Uri server, string connectionString, int count)
    {
        var hosts = Enumerable.Range(0, count).Select(CreateHost).ToList();
        var agents = new List<SimulatedAgent>();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var tokens = new TokenRepository(dataSource);
        var run = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss");
        foreach (var host in hosts)
        {
            agents.Add(new SimulatedAgent(host, await tokens.CreateAsync($"{host.Name}-{run}", host.Role, Dashboard.Server.Ingest.HostScope.ForHost(host.Name), CancellationToken.None), server));
        }

        return new SimulatedFleet(agents, new PushCounters());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }

    private static IDemoHost CreateHost(int i) => (i % 10) switch
    {
        < 6 => Director(i),
        < 9 => new DemoComputeNode($"sim-compute-{i:000}"),
        _ => new DemoEsxiHost($"sim-esxi-{i:000}"),
    };

    private static DemoDirector Director(int i)
    {
        var virtuals = new List<DemoVirtual>
        {
            new($"10.{200 + i / 250}.{i % 250}.10:443", "wlc", 60, Enumerable.Range(21, 6).Select(h => $"10.{200 + i / 250}.{i % 250}.{h}:443").ToList()),
        };
        if (i % 2 == 0)
        {
            virtuals.Add(new($"10.{200 + i / 250}.{i % 250}.11:10051", "sh", 40, Enumerable.Range(31, 8).Select(h => $"10.{200 + i / 250}.{i % 250}.{h}:10051").ToList()));
        }

        Func<double, DirectorBehaviour> behaviour = i % 8 == 0
            ? t => DemoTimeline.PhaseAt(t) == DemoPhase.Failing ? new DirectorBehaviour(0.8, 0.1) : DirectorBehaviour.Healthy
            : _ => DirectorBehaviour.Healthy;
        return new DemoDirector($"sim-lvs-{i:000}", "VI_1", virtuals, behaviour);
    }
}
