using System.Diagnostics;
using System.Runtime.Versioning;
using Dashboard.Agent.Transport;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Server.Tests.Lab;
using Xunit.Abstractions;

namespace Dashboard.Server.Tests.Reliability;

/// <summary>
/// The server process killed with SIGKILL while real agents and fast pushers load it, then started again on the same
/// address and database: every batch the server acknowledged before the kill is stored, nothing is stored twice, and the
/// agents' spools drain so that every batch they numbered is stored.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(ReliabilityCollection.Name)]
public sealed class ServerKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int AgentCount = 3;
    private const int PusherCount = 4;
    private const int LoadAcknowledgements = 200;
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private readonly PostgresDatabaseFixture _database = new();
    private readonly TemporaryDirectory _work = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _work.Dispose();
    }

    [Fact]
    public async Task Ingest_ServerKilledWithSigkillUnderLoad_EveryAcknowledgedBatchStoredExactlyOnce()
    {
        // Arrange: the built server as its own process; the pushers go as fast as it answers, so the per-token limit is lifted.
        string[] unlimited = ["--Dashboard:Ingest:MaxRequestsPerMinutePerToken=1000000"];
        var server = BuiltServer.Start(_work.Path, _database.ConnectionString, unlimited);
        ServerProcess? restarted = null;
        var agents = new List<InProcessAgent>();
        using var stopPushers = new CancellationTokenSource();
        var pushing = Task.CompletedTask;
        try
        {
            await server.WaitUntilReadyAsync(s_startTimeout);
            var tokens = new TokenRepository(_database.DataSource);
            for (var i = 0; i < AgentCount; i++)
            {
                var token = await tokens.CreateAsync($"kill-agent-{i}", KnownRoles.Director, Dashboard.Server.Ingest.HostScope.Any, TestTimeout.Token());
                agents.Add(await InProcessAgent.StartAsync(Path.Combine(_work.Path, $"agent-{i}"), $"kill-lvs-{i}", server.BaseAddress, token, intervalSeconds: 1));
            }

            var pushers = new List<AcknowledgingPusher>();
            for (var i = 0; i < PusherCount; i++)
            {
                pushers.Add(new AcknowledgingPusher(server.BaseAddress, await tokens.CreateAsync($"kill-pusher-{i}", KnownRoles.Director, Dashboard.Server.Ingest.HostScope.Any, TestTimeout.Token()), $"kill-push-{i}"));
            }

            pushing = Task.WhenAll(pushers.Select(p => Task.Run(() => p.RunAsync(stopPushers.Token))));
            int Acknowledged() => pushers.Sum(p => p.Acknowledged.Count);
            await Poll.UntilAsync($"{LoadAcknowledgements} pushes acknowledged and 2 batches from each agent before the kill",
                () => Acknowledged() >= LoadAcknowledgements && agents.All(a => Delivered(a.Reports) >= 2), detail: () => $"{Acknowledged()} pushes acknowledged; {Describe(agents)}");

            // Act: kill -9 mid-load, then the same binary again on the same port and database.
            var acknowledgedAtKill = Acknowledged();
            var unansweredAtKill = pushers.Sum(p => p.Unanswered);
            var reportsAtKill = agents.Select(a => a.Reports.Count).ToArray();
            await server.KillHardAsync();
            var down = Stopwatch.StartNew();
            // The server stays away until every agent has given up its retries and spooled a batch.
            var spooled = await Poll.HoldsWithinAsync(() => agents.Select((a, i) => a.Reports.Skip(reportsAtKill[i]).Any(r => r.Outcome == DeliveryOutcome.Spooled)).All(s => s));
            restarted = server.StartAgain();
            await restarted.WaitUntilReadyAsync(s_startTimeout);
            var downtime = down.Elapsed;
            var acknowledgedAtRestart = Acknowledged();
            var unansweredWhileDown = pushers.Sum(p => p.Unanswered) - unansweredAtKill;
            var reportsAtRestart = agents.Select(a => a.Reports.Count).ToArray();
            var loadAfter = await Poll.HoldsWithinAsync(() => Acknowledged() >= acknowledgedAtRestart + LoadAcknowledgements);
            await stopPushers.CancelAsync();
            await pushing;
            var drained = await Poll.HoldsWithinAsync(() => agents.Select((a, i) => a.IsDrained && a.Reports.Count > reportsAtRestart[i]).All(d => d));
            foreach (var agent in agents)
            {
                await agent.StopAsync();
            }

            var onces = new List<(int ExitCode, string Error)>();
            foreach (var agent in agents)
            {
                onces.Add(await agent.RunOnceAsync());
            }

            var pushed = new List<StoredBatches>();
            foreach (var pusher in pushers)
            {
                pushed.Add(await StoredBatches.ReadAsync(_database.DataSource, pusher.Host));
            }

            var collected = new List<StoredBatches>();
            foreach (var agent in agents)
            {
                collected.Add(await StoredBatches.ReadAsync(_database.DataSource, agent.Host));
            }

            // Figures
            var duplicates = pushers.Sum(p => p.Acknowledged.Count(a => a.Status == "duplicate"));
            output.WriteLine($"server pid {server.Id} killed with SIGKILL after {acknowledgedAtKill} pusher acknowledgements; "
                + $"restarted as pid {restarted.Id}, ready {downtime.TotalSeconds:0.0} s after the kill; {unansweredWhileDown} pushes unanswered meanwhile; "
                + $"{duplicates} acknowledged as duplicate after the restart (stored before the kill, answer lost)");
            output.WriteLine("pusher        acknowledged  stored  acked-not-stored  stored-not-acked  repeated  sample-rows");
            for (var i = 0; i < pushers.Count; i++)
            {
                var acked = pushers[i].Acknowledged.Select(a => a.Sequence).ToHashSet();
                output.WriteLine($"{pushers[i].Host,-13} {acked.Count,12}  {pushed[i].Sequences.Count,6}  {acked.Except(pushed[i].Sequences).Count(),16}  "
                    + $"{pushed[i].Sequences.Except(acked).Count(),16}  {pushed[i].Repeated.Count,8}  {pushed[i].SampleRows,11}");
            }

            output.WriteLine("agent         delivered  spooled  stored  first..last                    gaps  repeated  sample-rows");
            for (var i = 0; i < agents.Count; i++)
            {
                var reports = agents[i].Reports;
                var (first, last) = (reports[0].Sequence, agents[i].LastSequence);
                output.WriteLine($"{agents[i].Host,-13} {Delivered(reports),9}  {reports.Count(r => r.Outcome == DeliveryOutcome.Spooled),7}  {collected[i].Sequences.Count,6}  "
                    + $"{first}..{last}  {collected[i].GapsBetween(first, last).Count,4}  {collected[i].Repeated.Count,8}  {collected[i].SampleRows,11}");
            }

            // Assert: the kill landed under load, the agents spooled, and the load went on after the restart.
            Assert.True(unansweredWhileDown > 0, "no push saw the server gone: the kill did not happen under load");
            Assert.True(spooled, "not every agent spooled while the server was down: " + Describe(agents));
            Assert.True(loadAfter, $"only {Acknowledged() - acknowledgedAtRestart} pushes acknowledged after the restart");

            // Assert: every acknowledged batch is stored, once, with its samples (and nothing unacknowledged slipped in).
            for (var i = 0; i < pushers.Count; i++)
            {
                var acked = pushers[i].Acknowledged.Select(a => a.Sequence).ToList();
                Assert.Equal(acked.Distinct().Order(), acked);
                Assert.Equal(acked, pushed[i].Sequences);
                Assert.Empty(pushed[i].Repeated);
                Assert.Equal(0, pushed[i].BatchesWithoutSamples);
                Assert.Equal(2 * pushed[i].Sequences.Count, pushed[i].SampleRows);
            }

            // Assert: the real agents spooled through the kill and every batch they numbered is stored once.
            Assert.True(drained, $"spools not drained within {Poll.DefaultLimit} of the restart: " + Describe(agents));
            Assert.All(onces, once => Assert.True(once.ExitCode == 0, once.Error));
            for (var i = 0; i < agents.Count; i++)
            {
                var (agent, batches) = (agents[i], collected[i]);
                var (first, last) = (agent.Reports[0].Sequence, agent.LastSequence);
                Assert.DoesNotContain(agent.Reports, r => r.Outcome == DeliveryOutcome.Dropped);
                Assert.Empty(batches.GapsBetween(first, last));
                Assert.Empty(batches.Repeated);
                Assert.Equal(last - first + 1, batches.Sequences.Count);
                Assert.Equal(0, batches.BatchesWithoutSamples);
                Assert.Equal(LabDirectorTable.RealServers.Length * batches.Sequences.Count, batches.SampleRows);
            }
        }
        finally
        {
            await stopPushers.CancelAsync();
            await pushing;
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }

            await server.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }

    private static int Delivered(IEnumerable<DeliveryReport> reports) => reports.Count(r => r.Outcome == DeliveryOutcome.Delivered);

    private static string Describe(IEnumerable<InProcessAgent> agents) =>
        string.Join("; ", agents.Select(a => $"{a.Host}: {a.Reports.Count} reports, last {a.Reports.LastOrDefault()}, log {a.Log}"));
}
