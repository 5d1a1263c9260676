using Xunit.Abstractions;
using Xunit.Sdk;

namespace Dashboard.Testing;

/// <summary>Starts the test collections (classes, or named collections) in an order drawn from <see cref="TestOrderSeed"/>.</summary>
internal sealed class RandomTestCollectionOrderer(IMessageSink diagnostics) : ITestCollectionOrderer
{
    private readonly int? _seed = TestOrderSeed.Read(diagnostics);

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        _seed is { } seed ? testCollections.OrderBy(c => TestOrderSeed.Rank(seed, c.DisplayName)).ToList() : testCollections;
}
