namespace Dashboard.Server.Tests.Reliability;

/// <summary>The outage and kill proofs measure recovery times: they run alone, not beside the rest of the suite.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "Reliability";
}
