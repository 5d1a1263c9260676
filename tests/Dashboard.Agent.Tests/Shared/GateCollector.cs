using Dashboard.Agent.Collectors;
using Dashboard.Core.Keepalived;

namespace Dashboard.Agent.Tests.Shared;

/// <summary>A collector whose cycle the test holds open, to stop the agent in the middle of a collection.</summary>
public sealed class GateCollector : ICollector
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "gate";

    public Task Started => _started.Task;

    public void Release() => _release.TrySetResult();

    public async Task<CollectResult> CollectAsync(CancellationToken ct)
    {
        _started.TrySetResult();
        await _release.Task;
        return CollectResult.Data([static batch => batch.Keepalived = new KeepalivedState
        {
            Instances = [new VrrpInstance { Name = "VI_1", State = "MASTER" }],
        }], []);
    }
}
