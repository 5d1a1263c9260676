using System.Diagnostics;
using System.Net;
using System.Text;
using Dashboard.Server.Api;
using Dashboard.Server.Ingest;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Ingest;

public sealed class IngestLimitsTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Ingest_BodyOverLimit_413()
    {
        // Arrange
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Ingest:MaxBodyBytes=4096"]);
        using var agent = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        var body = "{\"host\":\"" + new string('x', 8000) + "\"}";

        // Act
        var response = await agent.PostAsync("api/v1/ingest", new StringContent(body, Encoding.UTF8, "application/json"));

        // Assert
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Ingest_GzipBomb_413WithoutInflatingIt()
    {
        // Arrange: 200 MB of zeros squeezed into ~200 KB.
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Ingest:MaxBodyBytes=1048576"]);
        using var agent = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        var bomb = IngestApiTests.Gzip(new byte[200 * 1024 * 1024]);
        var content = new ByteArrayContent(bomb);
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        var before = GC.GetTotalAllocatedBytes(precise: false);

        // Act
        var response = await agent.PostAsync("api/v1/ingest", content);

        // Assert: refused, and the server allocated nowhere near the inflated size.
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(GC.GetTotalAllocatedBytes(precise: false) - before < 100L * 1024 * 1024, "the bomb was inflated");
    }

    [Fact]
    public async Task Ingest_MoreThanPerTokenRate_429WithRetryAfter()
    {
        // Arrange
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Ingest:MaxRequestsPerMinutePerToken=3"]);
        using var agent = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        using var other = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        var at = DateTimeOffset.UtcNow;

        // Act
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 4; i++)
        {
            statuses.Add((await RunningDashboard.PushAsync(agent, TestBatches.Director("rate", i, at.AddSeconds(i), 0, 1))).StatusCode);
        }

        var limited = await RunningDashboard.PushAsync(agent, TestBatches.Director("rate", 5, at.AddSeconds(5), 0, 1));
        var otherToken = await RunningDashboard.PushAsync(other, TestBatches.Director("rate-other", 1, at, 0, 1));

        // Assert
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter is not null, "429 without Retry-After");
        Assert.Equal(HttpStatusCode.OK, otherToken.StatusCode);
    }

    [Fact]
    public async Task Ingest_DatabaseStopped_503WithRetryAfterThenResumes()
    {
        // Arrange: a server on its own PostgreSQL, which the test stops and starts.
        await using var own = await OwnDatabaseServer.StartAsync();
        var server = own.Server;
        using var agent = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        var at = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(agent, TestBatches.Director("outage", 1, at, 0, 1))).StatusCode);

        // Act
        await own.StopDatabaseAsync();
        var during = await RunningDashboard.PushAsync(agent, TestBatches.Director("outage", 2, at.AddSeconds(5), 0, 1));
        await own.StartDatabaseAgainAsync();
        var stopwatch = Stopwatch.StartNew();
        HttpResponseMessage after;
        do
        {
            after = await RunningDashboard.PushAsync(agent, TestBatches.Director("outage", 2, at.AddSeconds(5), 0, 1));
        }
        while (after.StatusCode == HttpStatusCode.ServiceUnavailable && stopwatch.Elapsed < TimeSpan.FromMinutes(3));
        output.WriteLine($"ingest resumed {stopwatch.Elapsed.TotalSeconds:0.00} s after PostgreSQL's restart");

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.NotNull(during.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Ingest_EveryWriteTurnTaken_503WithRetryAfterThenStoredOnceFree()
    {
        // Arrange: one write turn, held by the test, so a push waits its 5 s for a turn and gives up.
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Ingest:MaxConcurrentWrites=1"]);
        using var agent = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        var ingest = server.Services.GetRequiredService<IngestService>();
        var held = await ingest.EnterAsync(TestTimeout.Token());
        Assert.NotNull(held);
        var at = DateTimeOffset.UtcNow;

        // Act
        var during = await RunningDashboard.PushAsync(agent, TestBatches.Director("turns", 1, at, 0, 1));
        held.Dispose();
        var after = await RunningDashboard.PushAsync(agent, TestBatches.Director("turns", 1, at, 0, 1));

        // Assert: refused while saturated and nothing stored, so the same sequence is stored afterwards, not a duplicate.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.NotNull(during.Headers.RetryAfter);
        Assert.Contains("saturated", await during.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains("\"stored\"", await after.Content.ReadAsStringAsync());
        using var free = await ingest.EnterAsync(TestTimeout.Token());
        Assert.NotNull(free);
    }
}
