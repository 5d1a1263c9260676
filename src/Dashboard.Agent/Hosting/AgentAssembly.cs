using Dashboard.Agent.Collectors;
using Dashboard.Agent.Commands;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Spool;
using Dashboard.Agent.Transport;

namespace Dashboard.Agent.Hosting;

/// <summary>The agent's parts built from validated options: collectors, cycle, spool, state and sender.</summary>
public sealed class AgentAssembly : IDisposable
{
    private readonly HttpClient _http;
    private readonly IReadOnlyList<ICollector> _collectors;

    private AgentAssembly(HttpClient http, IReadOnlyList<ICollector> collectors, CollectionCycle cycle, BatchSpool? spool, AgentState? state,
        BatchSender? sender)
    {
        _http = http;
        _collectors = collectors;
        Cycle = cycle;
        Spool = spool;
        State = state;
        Sender = sender;
    }

    public CollectionCycle Cycle { get; }
    public BatchSpool? Spool { get; }
    public AgentState? State { get; }

    /// <summary>Null for a dry run.</summary>
    public BatchSender? Sender { get; }

    public static AgentAssembly Create(AgentOptions options, string? token, AgentLog log, TimeProvider time, bool dryRun)
    {
        var http = AgentHttp.CreateClient();
        var collectors = CollectorSet.Create(options.Collectors, new ProcessCommandRunner(), http, options.CollectTimeout, log);
        var cycle = new CollectionCycle(collectors, options.Host, options.CollectTimeout, time, log);
        if (dryRun)
        {
            return new AgentAssembly(http, collectors, cycle, null, null, null);
        }

        var spool = BatchSpool.Open(options.SpoolDirectory, options.SpoolMaxBytes, options.SpoolMaxAge, time, log);
        var state = AgentState.Load(options.SpoolDirectory, spool.HighestSequence, time, log);
        var client = new IngestClient(http, options.Server!, token!);
        var sender = new BatchSender(client, IngestRetryPipeline.Create(RetryPolicy.From(options.Push)), spool, state, options.Interval, time, log);
        return new AgentAssembly(http, collectors, cycle, spool, state, sender);
    }

    public AgentRunner CreateRunner(AgentOptions options, TimeProvider time, AgentLog log) =>
        new(Cycle, Sender ?? throw new InvalidOperationException("a dry run sends nothing"), options.Interval, time, log);

    public void Dispose()
    {
        foreach (var collector in _collectors.OfType<IDisposable>())
        {
            collector.Dispose();
        }

        _http.Dispose();
    }
}
