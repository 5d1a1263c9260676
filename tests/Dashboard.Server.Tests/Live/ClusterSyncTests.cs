using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Live;

public sealed class ClusterSyncTests
{
    [Fact]
    public async Task TwoInstances_BatchPushedToOne_TheOtherShowsItLive()
    {
        // Arrange: two servers on one database, as behind a load balancer.
        await using var a = await RunningDashboard.StartAsync();
        await using var b = await RunningDashboard.StartAsync(connectionString: a.ConnectionString);
        using var agent = a.CreateClient(await a.CreateTokenAsync(KnownRoles.Director));
        using var reader = b.CreateClient(await b.CreateTokenAsync(KnownRoles.Reader));

        // Act
        await RunningDashboard.PushAsync(agent, TestBatches.Director("lvs-sync", 1, DateTimeOffset.UtcNow, synRecv: 7, established: 21));

        // Assert
        var vip = await PollAsync(reader, "api/v1/vips?director=lvs-sync");
        Assert.Equal(14, vip.GetProperty("synRecv").GetInt64());
        Assert.Equal(0.25, vip.GetProperty("synRecvRatio").GetDouble(), 3);
    }

    [Fact]
    public async Task Restart_LastKnownStateShownBeforeAnyNewBatch()
    {
        // Arrange
        var server = await RunningDashboard.StartAsync();
        try
        {
            using (var agent = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Hypervisor)))
            {
                var at = DateTimeOffset.UtcNow.AddSeconds(-20);
                await RunningDashboard.PushAsync(agent, TestBatches.Hypervisor("compute-warm", 1, at, 100));
                await RunningDashboard.PushAsync(agent, TestBatches.Hypervisor("compute-warm", 2, at.AddSeconds(10), 400));
            }

            // Act
            server = await server.RestartAsync();
            using var reader = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Reader));
            var drops = await PollAsync(reader, "api/v1/hypervisors/compute-warm/drops", array: false);

            // Assert: counters and the rate between the last two stored batches, with the Neutron port known.
            var rule = drops.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("dropKind").GetString() == "anti-spoof");
            Assert.Equal(400UL, rule.GetProperty("packets").GetUInt64());
            Assert.Equal(30.0, rule.GetProperty("packetsPerSecond").GetDouble(), 3);
            Assert.Equal("38833ad6-c", rule.GetProperty("neutronPort").GetString());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<JsonElement> PollAsync(HttpClient client, string path, bool array = true)
    {
        JsonElement found = default;
        await Poll.UntilAsync($"{path} to answer with data", async () =>
        {
            using var response = await client.GetAsync(path);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (array && json.GetArrayLength() == 0)
            {
                return false;
            }

            found = array ? json[0] : json;
            return true;
        });
        return found;
    }
}
