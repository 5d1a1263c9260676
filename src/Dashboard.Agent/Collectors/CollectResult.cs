using Dashboard.Core.Batches;

namespace Dashboard.Agent.Collectors;

/// <summary>What one collector read in one cycle: contributions to the cycle's batch and problems to log.</summary>
public sealed class CollectResult
{
    private readonly IReadOnlyList<Action<AgentBatch>> _contributions;

    private CollectResult(CollectStatus status, IReadOnlyList<Action<AgentBatch>> contributions, IReadOnlyList<string> problems)
    {
        Status = status;
        _contributions = contributions;
        Problems = problems;
    }

    public static CollectResult NoData { get; } = new(CollectStatus.NoData, [], []);

    public CollectStatus Status { get; }

    public IReadOnlyList<string> Problems { get; }

    public static CollectResult Data(IReadOnlyList<Action<AgentBatch>> contributions, IReadOnlyList<string> problems) =>
        contributions.Count == 0 ? Failed(problems) : new(CollectStatus.Data, contributions, problems);

    public static CollectResult Failed(IReadOnlyList<string> problems) => new(CollectStatus.Failed, [], problems);

    public static CollectResult Failed(string problem) => Failed([problem]);

    public void AddTo(AgentBatch batch)
    {
        foreach (var contribute in _contributions)
        {
            contribute(batch);
        }
    }
}
