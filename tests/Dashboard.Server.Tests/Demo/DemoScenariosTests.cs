using Dashboard.Core.Diagnosis;
using Dashboard.Server.Demo;
using Dashboard.Server.Diagnosis;
using Dashboard.Server.Hosting;
using Dashboard.Server.Live;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Demo;

/// <summary>The demo replays both seed incidents: the diagnosis must name each during its failure and nothing while healthy.</summary>
public sealed class DemoScenariosTests
{
    [Theory]
    [InlineData(40, new string[0])]
    [InlineData(150, new[] { FindingKinds.DrForwardDrop, FindingKinds.StatefulHalfFlowDrop })]
    [InlineData(330, new string[0])]
    public void Fleet_AtLoopSecond_DiagnosisNamesExactlyTheSeedFailures(int loopSecond, string[] expected)
    {
        // Arrange: play the fleet from the loop's start, batch by batch, into a live store.
        var start = new DateTimeOffset(2026, 11, 11, 20, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(start);
        var live = new LiveStore(new StaticOptionsMonitor<DashboardOptions>(new DashboardOptions()), clock);
        var fleet = DemoScenarios.CreateFleet();
        for (var t = 0; t <= loopSecond; t += 5)
        {
            clock.SetUtcNow(start.AddSeconds(t));
            foreach (var host in fleet)
            {
                var push = host.NextPush(clock.GetUtcNow(), t, t / 5 + 1);
                var batch = push.Batch ?? ParseRaw(push, host.Name, clock.GetUtcNow());
                live.Apply(batch, host.Role, clock.GetUtcNow());
            }
        }

        // Act
        var findings = new Diagnoser(new DiagnosisSettings()).Evaluate(FleetViewBuilder.Build(live, new Dictionary<string, (string, DateTimeOffset)>()));

        // Assert
        Assert.Equal(expected.Order(), findings.Select(f => f.Kind).Order());
    }

    private static Core.Batches.AgentBatch ParseRaw(DemoPush push, string host, DateTimeOffset at)
    {
        Assert.True(Core.Parsing.KnownFormats.TryParse(push.RawFormat!, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(push.RawText!)), out var parsed));
        var batch = new Core.Batches.AgentBatch { Host = host, CollectedAt = at };
        parsed!.AddTo(batch);
        return batch;
    }
}
