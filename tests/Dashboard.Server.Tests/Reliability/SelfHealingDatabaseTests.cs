using System.Diagnostics;
using System.Net;
using System.Runtime.Versioning;
using Dashboard.Server.Hosting;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Alerting;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Dashboard.Server.Tests.Reliability;

/// <summary>
/// Issue #23 row 7: the embedded PostgreSQL stopped with `-m immediate` is started again by the server itself, and /healthz
/// turns 503 when a database stays unreachable past the configured time, so a supervisor restarts what cannot recover.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(ReliabilityCollection.Name)]
public sealed class SelfHealingDatabaseTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EmbeddedPostgres_StoppedImmediate_RestartedByTheServerAndIngestResumes()
    {
        // Arrange: the server with its own embedded PostgreSQL, as `dotnet run` without a connection string.
        using var work = new TemporaryDirectory();
        var logs = new RecordingLoggerProvider();
        await using var app = DashboardApp.Build(["--urls=http://127.0.0.1:0", $"--Dashboard:DataDir={work.Path}", "--Logging:LogLevel:Default=Warning"],
            b => b.Logging.AddProvider(logs));
        await app.StartAsync(TestTimeout.Token());
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");
        var database = app.Services.GetRequiredService<DashboardDatabase>();
        var token = await new TokenRepository(database.DataSource).CreateAsync("lvs-heal", KnownRoles.Director, Dashboard.Server.Ingest.HostScope.ForHost("lvs-heal"), TestTimeout.Token());
        using var agent = new HttpClient { BaseAddress = address };
        agent.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(agent, TestBatches.Director("lvs-heal", 1, DateTimeOffset.UtcNow, 0, 3))).StatusCode);
        var first = database.EmbeddedProcessId!.Value;

        // Act: what `pg_ctl stop -m immediate` does (SIGQUIT to the postmaster).
        using (var kill = Process.Start("kill", ["-QUIT", first.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var down = Stopwatch.StartNew();
        var ready = await Poll.HoldsWithinAsync(async () =>
        {
            using var response = await agent.GetAsync("readyz");
            return response.StatusCode == HttpStatusCode.OK && database.EmbeddedRestarts > 0;
        });

        var readyAfter = down.Elapsed;
        var push = await RunningDashboard.PushAsync(agent, TestBatches.Director("lvs-heal", 2, DateTimeOffset.UtcNow, 0, 3));
        output.WriteLine($"embedded PostgreSQL {first} stopped immediate; restarted as {database.EmbeddedProcessId}, /readyz 200 again after {readyAfter.TotalSeconds:0.0} s");
        await app.StopAsync(TestTimeout.Token());

        // Assert
        Assert.True(ready, $"the server did not restart its embedded PostgreSQL within {Poll.DefaultLimit}");
        Assert.NotEqual(first, database.EmbeddedProcessId);
        Assert.Equal(HttpStatusCode.OK, push.StatusCode);
        Assert.Contains(logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Restarted the embedded PostgreSQL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Healthz_DatabaseUnreachablePastTheLimit_503ThenOkWhenItIsBack()
    {
        // Arrange: an external PostgreSQL the server cannot restart.
        await using var own = await OwnDatabaseServer.StartAsync(["--Dashboard:Database:UnhealthyAfterSeconds=3"]);
        var server = own.Server;
        using var client = server.CreateClient();
        var healthyBefore = (await client.GetAsync("healthz")).StatusCode;

        // Act
        await own.StopDatabaseAsync();
        var stopped = Stopwatch.StartNew();
        var firstWhileDown = (await client.GetAsync("healthz")).StatusCode;
        var body = "";
        var unhealthy = await Poll.HoldsWithinAsync(async () =>
        {
            using var response = await client.GetAsync("healthz");
            body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.ServiceUnavailable;
        });

        var unhealthyAfter = stopped.Elapsed;
        await own.StartDatabaseAgainAsync();
        var back = Stopwatch.StartNew();
        var healthyAgain = await Poll.HoldsWithinAsync(async () =>
        {
            using var response = await client.GetAsync("healthz");
            return response.StatusCode == HttpStatusCode.OK;
        });

        output.WriteLine($"/healthz 503 {unhealthyAfter.TotalSeconds:0.0} s after the database stopped (limit 3 s); 200 again {back.Elapsed.TotalSeconds:0.0} s after it was back");

        // Assert
        Assert.Equal(HttpStatusCode.OK, healthyBefore);
        Assert.Equal(HttpStatusCode.OK, firstWhileDown);
        Assert.True(unhealthy, $"/healthz stayed 200 for {Poll.DefaultLimit} with the database down");
        Assert.Contains("unreachable", body, StringComparison.Ordinal);
        Assert.True(healthyAgain, "/healthz did not turn 200 again once the database was back");
    }
}
