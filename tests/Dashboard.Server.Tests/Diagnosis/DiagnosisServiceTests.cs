using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Server.Diagnosis;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Diagnosis;

public sealed class DiagnosisServiceTests
{
    [Fact]
    public async Task Findings_SeedOnePushedThenFixed_OpensDrForwardDropThenResolvesWithHistory()
    {
        // Arrange: no hold times, so one evaluation decides.
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Diagnosis:For=00:00:00", "--Dashboard:Diagnosis:ResolveAfter=00:00:00"]);
        using var director = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        using var hypervisor = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Hypervisor));
        using var reader = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Reader));
        var diagnosis = server.Services.GetRequiredService<DiagnosisService>();
        var t = DateTimeOffset.UtcNow.AddMinutes(-1);
        var seedServers = new[] { "10.1.26.139:10051", "10.1.26.140:10051" };

        // Act: the compute node's anti-spoof counter rises 600 in 10 s while every real server piles up.
        await RunningDashboard.PushAsync(hypervisor, TestBatches.Hypervisor("compute-07", 1, t, 1000));
        await RunningDashboard.PushAsync(hypervisor, TestBatches.Hypervisor("compute-07", 2, t.AddSeconds(10), 1600));
        await RunningDashboard.PushAsync(director, TestBatches.Director("lvs-a", 1, t.AddSeconds(10), synRecv: 60, established: 2, realServers: seedServers));
        await diagnosis.EvaluateAsync(TestTimeout.Token());
        var active = await reader.GetFromJsonAsync<JsonElement>("api/v1/findings?active=true");

        // Assert
        var finding = active.EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "dr-forward-drop");
        Assert.Equal("lvs-a", finding.GetProperty("director").GetString());
        Assert.Equal("10.1.26.252:10051", finding.GetProperty("vip").GetString());
        Assert.Equal("38833ad6-c", finding.GetProperty("port").GetString());
        Assert.Contains(finding.GetProperty("evidence").EnumerateArray(), e =>
            e.GetProperty("label").GetString() == "compute-07 neutron-openvswi-s38833ad6-c #2" && e.GetProperty("value").GetString()!.Contains("60/s"));

        // Act: the fix; the counter stops and connections complete.
        await RunningDashboard.PushAsync(hypervisor, TestBatches.Hypervisor("compute-07", 3, t.AddSeconds(20), 1600));
        await RunningDashboard.PushAsync(director, TestBatches.Director("lvs-a", 2, t.AddSeconds(20), synRecv: 0, established: 50, realServers: seedServers));
        await diagnosis.EvaluateAsync(TestTimeout.Token());
        var after = await reader.GetFromJsonAsync<JsonElement>("api/v1/findings?active=true");
        var history = await reader.GetFromJsonAsync<JsonElement>("api/v1/findings?kind=dr-forward-drop");

        // Assert
        Assert.DoesNotContain(after.EnumerateArray(), f => f.GetProperty("kind").GetString() == "dr-forward-drop");
        var stored = Assert.Single(history.EnumerateArray());
        Assert.NotEqual(JsonValueKind.Null, stored.GetProperty("resolvedAt").ValueKind);
    }

    [Fact]
    public async Task Issue24_HypervisorDumpWithoutCounters_OpensCountersMissingInsteadOfShowingZeroDrops()
    {
        // Arrange
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Diagnosis:For=00:00:00", "--Dashboard:Diagnosis:ResolveAfter=00:00:00",
            "--Dashboard:Auth:AnonymousRole=viewer"]);
        using var hypervisor = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Hypervisor));
        using var reader = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Reader));
        var diagnosis = server.Services.GetRequiredService<DiagnosisService>();
        var batch = TestBatches.Hypervisor("compute-09", 1, DateTimeOffset.UtcNow.AddSeconds(-5), 1000);
        foreach (var rule in batch.Iptables!.SelectMany(d => d.Tables).SelectMany(t => t.Chains).SelectMany(c => c.Rules))
        {
            (rule.PacketCount, rule.ByteCount) = (null, null);
        }

        // Act
        await RunningDashboard.PushAsync(hypervisor, batch);
        await diagnosis.EvaluateAsync(TestTimeout.Token());
        var active = await reader.GetFromJsonAsync<JsonElement>("api/v1/findings?active=true");
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await server.CreateClient().GetStringAsync("hypervisor?name=compute-09"));

        // Assert
        var finding = active.EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "counters-missing");
        Assert.Equal("compute-09", finding.GetProperty("hypervisor").GetString());
        Assert.Contains("counters missing", finding.GetProperty("summary").GetString());
        Assert.Equal("counters missing", page.QuerySelector("[data-counters-missing]")?.TextContent);
        Assert.StartsWith("2 rules came without counters", page.QuerySelector("[data-counters-missing-detail]")?.TextContent);
    }
}
