using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Components.Tests.Infrastructure;

/// <summary>
/// A page rendered against a real running server (real PostgreSQL, live store, diagnosis and alerting): what the context
/// does not register itself comes from the server's services. Data arrives as agents send it, through the ingest API.
/// </summary>
public abstract class PageTest(PileUpServer fixture) : ComponentTest
{
    protected static readonly string[] SeedServers = Enumerable.Range(136, 8).Select(i => $"10.1.26.{i}:10051").ToArray();

    protected RunningDashboard Server => fixture.Server;

    protected T Get<T>() where T : notnull => Server.Services.GetRequiredService<T>();

    public override Task InitializeAsync()
    {
        Ctx.Services.AddFallbackServiceProvider(Server.Services);
        return Task.CompletedTask;
    }

    /// <summary>Signs the context in with a role, as the cookie or a token would.</summary>
    protected void SignIn(string role, string name = "oncall")
    {
        Auth.SetAuthorized(name);
        Auth.SetRoles(role);
        Auth.SetClaims(new System.Security.Claims.Claim(DashboardPolicies.AuthKindClaim, DashboardPolicies.UserKind));
        Auth.SetPolicies(role switch
        {
            KnownRoles.Admin => [DashboardPolicies.View, DashboardPolicies.Operate, DashboardPolicies.Administer],
            KnownRoles.Operator => [DashboardPolicies.View, DashboardPolicies.Operate],
            _ => [DashboardPolicies.View],
        });
    }

    protected async Task PushDirectorAsync(string host, int pushes, DateTimeOffset start, Func<int, long> synRecv, Func<int, long> established,
        string vip = "10.1.26.252:10051", params string[] realServers)
    {
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director));
        for (var i = 0; i < pushes; i++)
        {
            var response = await RunningDashboard.PushAsync(agent, TestBatches.Director(host, i + 1, start.AddSeconds(5 * i), synRecv(i), established(i), vip, realServers));
            response.EnsureSuccessStatusCode();
        }
    }

    protected async Task PushHypervisorAsync(string host, int pushes, DateTimeOffset start, Func<int, ulong> antiSpoofPackets)
    {
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Hypervisor));
        for (var i = 0; i < pushes; i++)
        {
            var response = await RunningDashboard.PushAsync(agent, TestBatches.Hypervisor(host, i + 1, start.AddSeconds(5 * i), antiSpoofPackets(i)));
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>The demo's seed-1 pile-up: compute-07's anti-spoof rule drops what lvs-a forwards to eight real servers.</summary>
    protected async Task SeedPileUpAsync()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-60);
        await PushHypervisorAsync("compute-07", 6, start, i => (ulong)(1000 + 300 * i));
        await PushDirectorAsync("lvs-a", 6, start, i => 10 * i, i => 40 - 6 * i, realServers: SeedServers);
        await Get<Dashboard.Server.Diagnosis.DiagnosisService>().EvaluateAsync(TestTimeout.Token());
    }
}
