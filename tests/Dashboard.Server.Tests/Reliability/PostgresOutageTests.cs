using System.Diagnostics;
using System.Net;
using System.Runtime.Versioning;
using Dashboard.Agent.Transport;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Server.Tests.Lab;
using Npgsql;
using Xunit.Abstractions;

namespace Dashboard.Server.Tests.Reliability;

/// <summary>
/// PostgreSQL goes away for a minute under a running server fed by real agents: the server stays up but not ready, ingest
/// answers 503 with Retry-After, the agents spool; when PostgreSQL is back, ingest resumes within 5 s, the spools drain,
/// and every batch every agent numbered is stored exactly once.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(ReliabilityCollection.Name)]
public sealed class PostgresOutageTests(ITestOutputHelper output)
{
    private const int AgentCount = 4;
    private static readonly TimeSpan s_outage = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_observeEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_generousWait = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Ingest_PostgresStoppedSixtySeconds_ServerStaysUpAgentsSpoolAndEverySequenceIsStoredOnce()
    {
        // Arrange: a server on its own PostgreSQL, on a fixed port so that the restarted one is found at the same address.
        using var work = new TemporaryDirectory();
        await using var own = await OwnDatabaseServer.StartAsync();
        var server = own.Server;
        using var probe = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director, "probe"));
        var probeSequence = 0L;
        Task<HttpResponseMessage> ProbePush(long sequence) =>
            RunningDashboard.PushAsync(probe, TestBatches.Director("probe", sequence, DateTimeOffset.UtcNow, synRecv: 0, established: 5));
        var agents = new List<InProcessAgent>();
        try
        {
            for (var i = 0; i < AgentCount; i++)
            {
                var token = await server.CreateTokenAsync(KnownRoles.Director);
                agents.Add(await InProcessAgent.StartAsync(Path.Combine(work.Path, $"agent-{i}"), $"outage-lvs-{i}", server.BaseAddress, token, intervalSeconds: 1));
            }

            await Poll.UntilAsync("5 batches delivered by each agent before the outage", () => agents.All(a => Delivered(a.Reports) >= 5), detail: () => Describe(agents));
            // The probe's token is checked once while the database is up, as every agent's is.
            Assert.Equal(HttpStatusCode.OK, (await ProbePush(++probeSequence)).StatusCode);
            var beforeOutage = agents.Select(a => a.Reports.Count).ToArray();

            // Act: PostgreSQL stops for 60 s; the server is watched every 5 s meanwhile.
            await own.StopDatabaseAsync();
            var outage = Stopwatch.StartNew();
            var observations = new List<OutageObservation>();
            while (outage.Elapsed < s_outage)
            {
                observations.Add(await OutageObservation.TakeAsync(outage.Elapsed, probe, () => ProbePush(++probeSequence)));
                var rest = s_outage - outage.Elapsed;
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest < s_observeEvery ? rest : s_observeEvery);
                }
            }

            var atRestart = agents.Select(a => a.Reports.Count).ToArray();
            var starting = Stopwatch.StartNew();
            await own.StartDatabaseAgainAsync();
            var postgresStart = starting.Elapsed;

            // Ingest takes batches again once PostgreSQL accepts connections; how long it took is printed, not asserted.
            var back = Stopwatch.StartNew();
            probeSequence++;
            var resumed = await Poll.HoldsWithinAsync(async () =>
            {
                using var response = await ProbePush(probeSequence);
                return response.StatusCode == HttpStatusCode.OK;
            }, s_generousWait);

            var recovery = back.Elapsed;
            var drainedInTime = await Poll.HoldsWithinAsync(() => agents.Select((a, i) => a.IsDrained && a.Reports.Count > atRestart[i]).All(d => d), s_generousWait);
            var drain = back.Elapsed;
            using var readyAfter = await probe.GetAsync("readyz");
            foreach (var agent in agents)
            {
                await agent.StopAsync();
            }

            // Whatever the stop left in a spool goes out with one `dashboard-agent once`, so every numbered batch is owed to the server.
            var onces = new List<(int ExitCode, string Error)>();
            foreach (var agent in agents)
            {
                onces.Add(await agent.RunOnceAsync());
            }

            await using var dataSource = NpgsqlDataSource.Create(own.Postgres.ConnectionString);
            var stored = new List<StoredBatches>();
            foreach (var agent in agents)
            {
                stored.Add(await StoredBatches.ReadAsync(dataSource, agent.Host));
            }

            // Figures
            output.WriteLine($"PostgreSQL down {s_outage.TotalSeconds:0} s; restart took {postgresStart.TotalSeconds:0.0} s; "
                + $"ingest back {recovery.TotalSeconds:0.00} s after it accepted connections; all spools drained after {drain.TotalSeconds:0.0} s");
            foreach (var observation in observations)
            {
                output.WriteLine("  " + observation);
            }

            output.WriteLine("agent          acked-before  spooled-during  acked-after  replayed  stored  first..last          gaps  repeated  sample-rows");
            for (var i = 0; i < agents.Count; i++)
            {
                var reports = agents[i].Reports;
                var ackedBefore = Delivered(reports.Take(beforeOutage[i]));
                var spooledDuring = reports.Skip(beforeOutage[i]).Take(atRestart[i] - beforeOutage[i]).Count(r => r.Outcome == DeliveryOutcome.Spooled);
                var replayed = reports.Skip(atRestart[i]).Sum(r => r.Replayed);
                var (first, last) = (reports[0].Sequence, agents[i].LastSequence);
                output.WriteLine($"{agents[i].Host,-14} {ackedBefore,12}  {spooledDuring,14}  {stored[i].Sequences.Count - ackedBefore,11}  {replayed,8}  "
                    + $"{stored[i].Sequences.Count,6}  {first}..{last}  {stored[i].GapsBetween(first, last).Count,4}  {stored[i].Repeated.Count,8}  {stored[i].SampleRows,11}");
            }

            // Assert: up, not ready, 503 with Retry-After, all through the outage.
            Assert.NotEmpty(observations);
            Assert.All(observations, o => Assert.Equal(HttpStatusCode.OK, o.Healthz));
            Assert.All(observations, o => Assert.Equal(HttpStatusCode.ServiceUnavailable, o.Readyz));
            Assert.All(observations, o => Assert.Equal(HttpStatusCode.ServiceUnavailable, o.Ingest));
            Assert.All(observations, o => Assert.True(o.RetryAfter > TimeSpan.Zero, $"503 without Retry-After at {o}"));
            Assert.All(agents.Select((a, i) => a.Reports.Skip(beforeOutage[i]).Take(atRestart[i] - beforeOutage[i])),
                during => Assert.Contains(during, r => r.Outcome == DeliveryOutcome.Spooled));

            // Assert: back, ready, drained.
            Assert.True(resumed, $"ingest did not take a batch within {back.Elapsed} of PostgreSQL's restart");
            Assert.Equal(HttpStatusCode.OK, readyAfter.StatusCode);
            Assert.True(drainedInTime, $"spools not drained within {s_generousWait}: " + Describe(agents));
            Assert.All(onces, once => Assert.True(once.ExitCode == 0, once.Error));

            // Assert: every sequence each agent numbered is stored once, with its samples, and nothing was dropped.
            for (var i = 0; i < agents.Count; i++)
            {
                var (agent, batches) = (agents[i], stored[i]);
                var (first, last) = (agent.Reports[0].Sequence, agent.LastSequence);
                Assert.DoesNotContain(agent.Reports, r => r.Outcome == DeliveryOutcome.Dropped);
                Assert.Equal(0, agent.SpooledFiles);
                Assert.Empty(batches.GapsBetween(first, last));
                Assert.Empty(batches.Repeated);
                Assert.Equal(last - first + 1, batches.Sequences.Count);
                Assert.Subset(batches.Sequences.ToHashSet(), agent.Reports.Where(r => r.Outcome == DeliveryOutcome.Delivered).Select(r => r.Sequence).ToHashSet());
                Assert.Equal(0, batches.BatchesWithoutSamples);
                Assert.Equal(LabDirectorTable.RealServers.Length * batches.Sequences.Count, batches.SampleRows);
                Assert.DoesNotContain("dropped", agent.Log, StringComparison.OrdinalIgnoreCase);
            }
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }
        }
    }

    private static int Delivered(IEnumerable<DeliveryReport> reports) => reports.Count(r => r.Outcome == DeliveryOutcome.Delivered);

    private static string Describe(IEnumerable<InProcessAgent> agents) =>
        string.Join("; ", agents.Select(a => $"{a.Host}: {a.Reports.Count} reports, last {a.Reports.LastOrDefault()}, log {a.Log}"));
}
