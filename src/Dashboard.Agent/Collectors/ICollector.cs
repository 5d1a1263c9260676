namespace Dashboard.Agent.Collectors;

/// <summary>One source of samples. "Not available on this host" is <see cref="CollectResult.NoData"/>, not an error.</summary>
public interface ICollector
{
    string Name { get; }

    Task<CollectResult> CollectAsync(CancellationToken ct);
}
