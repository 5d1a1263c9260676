using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using Dapper;
using Dashboard.Server.Ingest;
using Dashboard.Server.Alerting.Delivery;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Server.Tests.Reliability;
using Xunit.Abstractions;

namespace Dashboard.Server.Tests.Alerting;

/// <summary>
/// The server process killed with SIGKILL while its POST to the chat receiver is in flight, before the outbox row is
/// marked sent, then started again on the same database: the message arrives, and at most twice.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(ReliabilityCollection.Name)]
public sealed class DeliveryCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Hook = "/webhook";

    /// <summary>The copies one message may reach the receiver with across one crash: the send before it, the send after.</summary>
    private const int MaxCopiesAcrossCrash = 2;

    private static readonly TimeSpan s_wait = TimeSpan.FromMinutes(3);
    private readonly PostgresDatabaseFixture _database = new();
    private readonly TemporaryDirectory _work = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _work.Dispose();
    }

    [Fact]
    public async Task Dispatch_ServerKilledBetweenPostAndMarkSent_MessageArrivesAtLeastOnceAndAtMostTwice()
    {
        // Arrange: the built server as its own process, its webhook channel at a receiver that holds every request open.
        await using var receiver = await ChatReceiver.StartAsync();
        receiver.Mode = ReceiverMode.Hold;
        string[] args =
        [
            "--Dashboard:Alerting:Channels:0:Name=ops-hook", "--Dashboard:Alerting:Channels:0:Kind=webhook",
            $"--Dashboard:Alerting:Channels:0:Url={receiver.Url(Hook)}",
            "--Dashboard:Alerting:GroupWait=00:00:00", "--Dashboard:Diagnosis:For=01:00:00",
            "--Dashboard:Alerting:Rules:0:Name=AgentSilent", "--Dashboard:Alerting:Rules:0:Enabled=false",
            "--Dashboard:Alerting:Rules:1:Name=SynRecvRatioHigh", "--Dashboard:Alerting:Rules:1:For=00:00:00",
            "--Dashboard:Alerting:Rules:2:Name=RealServerSynRecvRatioHigh", "--Dashboard:Alerting:Rules:2:For=00:00:00",
            // The held request must still be in flight when the kill comes, however slow the machine.
            "--Dashboard:Alerting:Delivery:Timeout=00:10:00",
            "--Dashboard:Alerting:Delivery:InitialBackoff=00:00:00.200", "--Dashboard:Alerting:Delivery:MaxBackoff=00:00:00.500",
        ];
        var server = BuiltServer.Start(_work.Path, _database.ConnectionString, args);
        ServerProcess? restarted = null;
        try
        {
            await server.WaitUntilReadyAsync(s_wait);
            var token = await new TokenRepository(_database.DataSource).CreateAsync("crash-director", KnownRoles.Director, HostScope.Any, TestTimeout.Token());
            using (var client = new HttpClient { BaseAddress = server.BaseAddress })
            {
                client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                var pushed = await RunningDashboard.PushAsync(client, TestBatches.Director("lvs-a", 1, DateTimeOffset.UtcNow, synRecv: 60, established: 2));
                pushed.EnsureSuccessStatusCode();
            }

            // Act: the firing message reaches the receiver and is held; the server dies with the request in flight.
            var inFlight = Stopwatch.StartNew();
            await receiver.WaitForAsync(r => r.Path == Hook, s_wait);
            output.WriteLine($"first POST arrived {inFlight.Elapsed.TotalSeconds:0.0} s after the push");
            var beforeKill = await OutboxAsync();
            await server.KillHardAsync();
            receiver.Mode = ReceiverMode.Answer;
            receiver.Release();
            restarted = server.StartAgain();
            await restarted.WaitUntilReadyAsync(s_wait);
            var waited = Stopwatch.StartNew();
            var sent = await Poll.HoldsWithinAsync(async () => (await OutboxAsync()).All(r => r.Status == "sent"), s_wait);
            output.WriteLine($"marked sent {waited.Elapsed.TotalSeconds:0.0} s after the restart was ready");

            // Assert: before the kill the row was pending (the POST was not yet marked); after the restart it is sent.
            var row = Assert.Single(beforeKill);
            Assert.Equal("pending", row.Status);
            Assert.True(sent, "the message was not marked sent after the restart:\n" + restarted.Tail());
            var id = row.Id.ToString(CultureInfo.InvariantCulture);
            var copies = receiver.Received(Hook).Where(r => r.Header(ChannelSender.NotificationHeader) == id).ToList();
            output.WriteLine($"outbox row {id}: {copies.Count} copies reached the receiver across the SIGKILL ({copies.Count(r => r.Accepted)} answered 2xx)");
            Assert.Equal(receiver.Received(Hook).Count, copies.Count);
            Assert.Equal("firing", copies[0].Json.GetProperty("status").GetString());
            Assert.InRange(copies.Count, 1, MaxCopiesAcrossCrash);
            Assert.True(copies[^1].Accepted, "the copy sent after the restart was not answered with success");
            // The message had reached the receiver before the kill, so the one resend makes exactly the bound.
            Assert.Equal(MaxCopiesAcrossCrash, copies.Count);
            Assert.All(copies, c => Assert.Equal(copies[0].Body, c.Body));
        }
        finally
        {
            await server.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }

    private async Task<List<OutboxState>> OutboxAsync()
    {
        const string sql = """
            select id, sequence, status, attempts, next_attempt_at as "NextAttemptAt", notification->>'status' as "NotificationStatus"
            from alert_outbox where channel = @channel order by id
            """;
        await using var conn = await _database.DataSource.OpenConnectionAsync();
        return (await conn.QueryAsync<OutboxState>(sql, new { channel = "ops-hook" })).ToList();
    }
}
