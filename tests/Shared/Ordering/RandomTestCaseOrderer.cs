using Xunit.Abstractions;
using Xunit.Sdk;

namespace Dashboard.Testing;

/// <summary>Runs a class's test cases in an order drawn from <see cref="TestOrderSeed"/>, so no test can lean on another's leftovers.</summary>
internal sealed class RandomTestCaseOrderer(IMessageSink diagnostics) : ITestCaseOrderer
{
    private readonly int? _seed = TestOrderSeed.Read(diagnostics);

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        _seed is { } seed ? testCases.OrderBy(t => TestOrderSeed.Rank(seed, t.UniqueID)).ToList() : testCases;
}
