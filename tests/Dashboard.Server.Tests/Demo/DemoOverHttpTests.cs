using System.Diagnostics;
using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using Dashboard.Core.Diagnosis;
using Dashboard.Server.Demo;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Server.Tests.Reliability;
using Xunit.Abstractions;

namespace Dashboard.Server.Tests.Demo;

/// <summary>
/// `Dashboard.Server --demo` as a user starts it (own data folder, free port): anonymous readers see both seed incidents
/// named at GET /api/v1/findings?active=true with the director, VIP, hypervisor and port (or NSX filter) of the write-ups. Both failures begin at
/// loop second 60 (<see cref="DemoTimeline.FailureStarts"/>), so the test takes about a minute and a half.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(ReliabilityCollection.Name)]
public sealed class DemoOverHttpTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Well past the failure's start, still inside the failing phase (it ends at loop second 240).</summary>
    private static readonly TimeSpan s_findingsWait = TimeSpan.FromSeconds(DemoTimeline.FixApplied - 10);
    private static readonly TimeSpan s_startWait = TimeSpan.FromMinutes(3);
    private readonly TemporaryDirectory _work = new();

    [Fact]
    public async Task Demo_OverHttp_BothSeedFindingsWithDirectorVipHypervisorAndPort()
    {
        // Arrange
        await using var server = BuiltServer.Start(_work.Path, null,
            "--demo", $"--Dashboard:DataDir={Path.Combine(_work.Path, "data")}");
        try
        {
            await server.WaitUntilReadyAsync(s_startWait);
            using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };

            // Act: poll the findings as a script would, without a token, until both seeds are named.
            var waited = Stopwatch.StartNew();
            List<JsonElement> findings = [];
            await Poll.HoldsWithinAsync(async () =>
            {
                using var response = await anonymous.GetAsync("api/v1/findings?active=true");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                findings = [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(f => f.Clone())];
                return HasBoth(findings);
            }, s_findingsWait);

            output.WriteLine($"both seed findings listed {waited.Elapsed.TotalSeconds:0} s after the server was ready: "
                + string.Join("; ", findings.Select(f => f.GetRawText())));

            // Assert: seed 1 on lvs-a's Zabbix VIP and the compute node's port; seed 2 on lvs-b's web VIP.
            Assert.True(HasBoth(findings), "not both seed findings within " + s_findingsWait + ":\n" + server.Tail());
            var forward = Assert.Single(findings, f => Field(f, "kind") == FindingKinds.DrForwardDrop);
            Assert.Equal(("lvs-a", "10.1.26.252:10051", "compute-07", "38833ad6-c"),
                (Field(forward, "director"), Field(forward, "vip"), Field(forward, "hypervisor"), Field(forward, "port")));
            var halfFlow = Assert.Single(findings, f => Field(f, "kind") == FindingKinds.StatefulHalfFlowDrop);
            Assert.Equal(("lvs-b", "10.29.7.10:80", "esxi-03", "nic-1371516-eth0-vmware-sfw.2"),
                (Field(halfFlow, "director"), Field(halfFlow, "vip"), Field(halfFlow, "hypervisor"), Field(halfFlow, "port")));
            Assert.All([forward, halfFlow], f => Assert.NotEqual(0, f.GetProperty("evidence").GetArrayLength()));
        }
        finally
        {
            // SIGTERM, so that the server stops the embedded PostgreSQL it started.
            await server.StopGracefullyAsync(s_startWait);
        }
    }

    private static bool HasBoth(List<JsonElement> findings) =>
        findings.Any(f => Field(f, "kind") == FindingKinds.DrForwardDrop) && findings.Any(f => Field(f, "kind") == FindingKinds.StatefulHalfFlowDrop);

    private static string? Field(JsonElement finding, string name) =>
        finding.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public void Dispose() => _work.Dispose();
}
