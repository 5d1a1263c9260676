using Dashboard.Agent.Hosting;
using Dashboard.Core.Batches;

namespace Dashboard.Agent.Collectors;

/// <summary>Runs every collector side by side and gathers what they read into one batch.</summary>
public sealed class CollectionCycle
{
    private readonly IReadOnlyList<ICollector> _collectors;
    private readonly string _host;
    private readonly TimeSpan _collectorTimeout;
    private readonly TimeProvider _time;
    private readonly AgentLog _log;
    private readonly Dictionary<string, string> _lastProblem = new(StringComparer.Ordinal);

    public CollectionCycle(IReadOnlyList<ICollector> collectors, string host, TimeSpan collectorTimeout, TimeProvider time, AgentLog log)
    {
        _collectors = collectors;
        _host = host;
        _collectorTimeout = collectorTimeout;
        _time = time;
        _log = log;
    }

    /// <summary>A batch with Host and CollectedAt; Sequence and DroppedBatches are the sender's.</summary>
    public async Task<AgentBatch> CollectAsync(CancellationToken ct)
    {
        var batch = new AgentBatch { Host = _host, CollectedAt = _time.GetUtcNow() };
        var results = await Task.WhenAll(_collectors.Select(c => RunAsync(c, ct)));
        for (var i = 0; i < _collectors.Count; i++)
        {
            Report(_collectors[i].Name, results[i]);
            results[i].AddTo(batch);
        }

        return batch;
    }

    private async Task<CollectResult> RunAsync(ICollector collector, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_collectorTimeout);
        try
        {
            return await collector.CollectAsync(deadline.Token).WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return CollectResult.Failed($"no result within {_collectorTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return CollectResult.Failed($"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Problems are logged when they change, so a lasting one does not fill the journal every cycle.</summary>
    private void Report(string collector, CollectResult result)
    {
        var problem = string.Join("; ", result.Problems);
        _lastProblem.TryGetValue(collector, out var last);
        if (problem == (last ?? ""))
        {
            return;
        }

        _lastProblem[collector] = problem;
        if (problem.Length == 0)
        {
            _log.Info($"{collector}: collecting normally again");
        }
        else if (result.Status == CollectStatus.Failed)
        {
            _log.Error($"{collector}: {problem}");
        }
        else
        {
            _log.Warning($"{collector}: {problem}");
        }
    }
}
