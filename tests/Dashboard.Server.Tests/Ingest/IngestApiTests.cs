using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Dashboard.Core.Batches;
using Dashboard.Core.Keepalived;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Ingest;

public sealed class IngestApiTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private RunningDashboard Server => fixture.Server;

    [Fact]
    public async Task Ingest_SameHostAndSequenceTwice_StoredOnceAndSecondAcknowledgedAsDuplicate()
    {
        // Arrange
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director));
        var batch = TestBatches.Director("replay-director", 7, DateTimeOffset.UtcNow, synRecv: 3, established: 40);

        // Act
        var first = await RunningDashboard.PushAsync(agent, batch);
        var second = await RunningDashboard.PushAsync(agent, batch);

        // Assert
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("stored", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal("duplicate", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(2, await CountAsync("select count(*) from ipvs_rs_samples where director = 'replay-director'"));
        Assert.Equal(1, await CountAsync("select count(*) from ingest_batches where host = 'replay-director'"));
    }

    [Fact]
    public async Task Ingest_KeepalivedHealthChecks_StoredPerRealServerAndChangeTimeMovesOnlyOnAFlip()
    {
        // Arrange: three checked real servers, then the second one goes down.
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director));
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-1);
        AgentBatch Checks(long sequence, DateTimeOffset at, bool secondUp) => new()
        {
            Host = "checks-director",
            Sequence = sequence,
            CollectedAt = at,
            Keepalived = new KeepalivedState
            {
                RealServers =
                [
                    new() { Virtual = "10.1.26.252:10051", Address = "10.1.26.139:10051", Up = true },
                    new() { Virtual = "10.1.26.252:10051", Address = "10.1.26.140:10051", Up = secondUp },
                    new() { Virtual = "10.1.26.252:10051", Address = "10.1.26.141:10051", Up = true },
                ],
            },
        };

        // Act
        await RunningDashboard.PushAsync(agent, Checks(1, t0, secondUp: true));
        var response = await RunningDashboard.PushAsync(agent, Checks(2, t0.AddSeconds(5), secondUp: false));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var conn = await Server.Services.GetRequiredService<DashboardDatabase>().DataSource.OpenConnectionAsync();
        var rows = (await conn.QueryAsync<(string Address, bool Up, DateTime Changed, DateTime Updated)>("""
            select address, up, changed_at, updated_at from keepalived_real_servers where host = 'checks-director' order by address
            """)).ToList();
        Assert.Equal(["10.1.26.139:10051", "10.1.26.140:10051", "10.1.26.141:10051"], rows.Select(r => r.Address));
        Assert.Equal([true, false, true], rows.Select(r => r.Up));
        Assert.All(rows, r => Assert.Equal(t0.AddSeconds(5).UtcDateTime, r.Updated, TimeSpan.FromMilliseconds(1)));
        Assert.Equal(t0.UtcDateTime, rows[0].Changed, TimeSpan.FromMilliseconds(1));
        Assert.Equal(t0.AddSeconds(5).UtcDateTime, rows[1].Changed, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Ingest_VrrpInstancesPushedThreeTimes_KeepOneTransitionPerChangeAndTheLatestState()
    {
        // Arrange: two instances come up, then VI_2 hands over to its peer, then nothing changes.
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director));
        var now = DateTimeOffset.UtcNow;
        var t0 = now.AddMinutes(-1).AddTicks(-(now.UtcTicks % TimeSpan.TicksPerSecond));
        AgentBatch Vrrp(long sequence, DateTimeOffset at, string second, int? secondPriority) => new()
        {
            Host = "vrrp-director",
            Sequence = sequence,
            CollectedAt = at,
            AgentVersion = "1.4.0",
            Keepalived = new KeepalivedState
            {
                Instances =
                [
                    new() { Name = "VI_1", State = "MASTER", Priority = 150, MasterRouter = "10.1.26.41" },
                    new() { Name = "VI_2", State = second, Priority = secondPriority },
                ],
            },
        };

        // Act
        await RunningDashboard.PushAsync(agent, Vrrp(1, t0, "MASTER", 100));
        await RunningDashboard.PushAsync(agent, Vrrp(2, t0.AddSeconds(5), "BACKUP", null));
        var last = await RunningDashboard.PushAsync(agent, Vrrp(3, t0.AddSeconds(10), "BACKUP", null));

        // Assert
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        await using var conn = await Server.Services.GetRequiredService<DashboardDatabase>().DataSource.OpenConnectionAsync();
        var transitions = (await conn.QueryAsync<(string Name, string? From, string To, DateTime At)>("""
            select name, from_state, to_state, at from keepalived_transitions where host = 'vrrp-director' order by at, name
            """)).ToList();
        Assert.Equal([("VI_1", null, "MASTER"), ("VI_2", null, "MASTER"), ("VI_2", "MASTER", "BACKUP")],
            transitions.Select(t => (t.Name, t.From, t.To)));
        Assert.Equal(t0.AddSeconds(5).UtcDateTime, transitions[2].At, TimeSpan.FromMilliseconds(1));
        var instances = (await conn.QueryAsync<(string Name, string State, int? Priority, string? Master, DateTime Changed, DateTime Updated)>("""
            select name, state, priority, master_router, changed_at, updated_at from keepalived_instances where host = 'vrrp-director' order by name
            """)).ToList();
        Assert.Equal([("VI_1", "MASTER", (int?)150, (string?)"10.1.26.41"), ("VI_2", "BACKUP", null, null)],
            instances.Select(i => (i.Name, i.State, i.Priority, i.Master)));
        Assert.Equal((t0.UtcDateTime, t0.AddSeconds(5).UtcDateTime), (instances[0].Changed, instances[1].Changed));
        Assert.All(instances, i => Assert.Equal(t0.AddSeconds(10).UtcDateTime, i.Updated, TimeSpan.FromMilliseconds(1)));
        var host = await conn.QuerySingleAsync<(string Role, string Version, DateTime LastCollected)>(
            "select role, agent_version, last_collected from hosts where name = 'vrrp-director'");
        Assert.Equal((KnownRoles.Director, "1.4.0"), (host.Role, host.Version));
        Assert.Equal(t0.AddSeconds(10).UtcDateTime, host.LastCollected, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Vips_AfterDirectorBatch_ShowCountsByStateAndRatio()
    {
        // Arrange
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director));
        using var reader = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Reader));

        // Act
        await RunningDashboard.PushAsync(agent, TestBatches.Director("vips-director", 1, DateTimeOffset.UtcNow, synRecv: 30, established: 10));
        var vips = await reader.GetFromJsonAsync<JsonElement>("api/v1/vips?director=vips-director");

        // Assert
        var vip = Assert.Single(vips.EnumerateArray());
        Assert.Equal("10.1.26.252:10051", vip.GetProperty("virtual").GetString());
        var rs = vip.GetProperty("realServers")[0];
        Assert.Equal(30, rs.GetProperty("byState").GetProperty("SYN_RECV").GetInt64());
        Assert.Equal(0.75, rs.GetProperty("synRecvRatio").GetDouble(), 3);
    }

    [Fact]
    public async Task HypervisorDrops_CounterGoesDown_ReportedAsResetNeverNegative()
    {
        // Arrange
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Hypervisor));
        using var reader = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Reader));
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        await RunningDashboard.PushAsync(agent, TestBatches.Hypervisor("reset-compute", 1, at, antiSpoofPackets: 1000));

        // Act: counters zeroed (iptables -Z or a reload) and 50 drops since.
        await RunningDashboard.PushAsync(agent, TestBatches.Hypervisor("reset-compute", 2, at.AddSeconds(10), antiSpoofPackets: 50));
        var drops = await reader.GetFromJsonAsync<JsonElement>("api/v1/hypervisors/reset-compute/drops");

        // Assert
        var rule = drops.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("dropKind").GetString() == "anti-spoof");
        Assert.True(rule.GetProperty("reset").GetBoolean());
        Assert.Equal(5.0, rule.GetProperty("packetsPerSecond").GetDouble(), 3);
    }

    [Fact]
    public async Task Ingest_RuleTextRerendered_KeepsOneRuleIdentity()
    {
        // Arrange
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Hypervisor));
        var at = DateTimeOffset.UtcNow.AddMinutes(-2);

        // Act: the same rule (same identity) rendered with another spec text.
        await RunningDashboard.PushAsync(agent, TestBatches.Hypervisor("identity-compute", 1, at, 10, spec: "-m comment --comment x"));
        await RunningDashboard.PushAsync(agent, TestBatches.Hypervisor("identity-compute", 2, at.AddSeconds(5), 20, spec: "-m   comment"));

        // Assert
        Assert.Equal(1, await CountAsync("select count(*) from iptables_rules where host = 'identity-compute' and drop_kind = 'anti-spoof'"));
        Assert.Equal(2, await CountAsync("""
            select count(*) from iptables_rule_samples s join iptables_rules r on r.id = s.rule_id
            where r.host = 'identity-compute' and r.drop_kind = 'anti-spoof'
            """));
    }

    [Fact]
    public async Task Ingest_MalformedJson_400WithLineAndNothingStored()
    {
        // Arrange
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director));
        var before = await CountAsync("select count(*) from ingest_batches");
        var body = "{\n  \"host\": \"bad\",\n  \"sequence\": 1,\n  \"collectedAt\": \"2026-01-01T00:00:00Z\",\n  \"ipvs\": { \"connections\": { \"connections\": \"many\" } }\n}";

        // Act
        var response = await agent.PostAsync("api/v1/ingest", new StringContent(body, Encoding.UTF8, "application/json"));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        Assert.Equal(5, error.GetProperty("line").GetInt64());
        Assert.Equal("$.ipvs.connections.connections", error.GetProperty("field").GetString());
        Assert.Equal(before, await CountAsync("select count(*) from ingest_batches"));
    }

    [Theory]
    [InlineData("{\"host\":\"n\",\"sequence\":1,\"collectedAt\":\"2026-01-01T00:00:00Z\",\"nsx\":{\"filters\":[{\"name\":\"f\",\"counters\":{\"drop\":-5}}]}}", "$.nsx.filters[0].counters.drop")]
    [InlineData("{\"host\":\"n\",\"sequence\":1,\"collectedAt\":\"2026-01-01T00:00:00Z\",\"nsx\":{\"filters\":[{\"name\":\"f\",\"counters\":{\"drop\":NaN}}]}}", "$.nsx.filters[0].counters.drop")]
    [InlineData("{\"host\":\"n\",\"sequence\":1,\"collectedAt\":\"2026-01-01T00:00:00Z\",\"nsx\":{\"filters\":[{\"name\":\"f\",\"counters\":{\"drop\":99999999999999999999999}}]}}", "$.nsx.filters[0].counters.drop")]
    public async Task Ingest_BadCounter_400NamesTheField(string body, string field)
    {
        // Arrange
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Nsx));

        // Act
        var response = await agent.PostAsync("api/v1/ingest", new StringContent(body, Encoding.UTF8, "application/json"));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Ingest_CollectedAtFarInTheFuture_400OnCollectedAt()
    {
        // Arrange
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director));

        // Act
        var response = await RunningDashboard.PushAsync(agent, TestBatches.Director("future", 1, DateTimeOffset.UtcNow.AddHours(2), 0, 1));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("collectedAt", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("lvsd_not-a-real-token-at-all-000000000000000000")]
    [InlineData("garbage")]
    public async Task Ingest_WithoutValidToken_401(string? token)
    {
        // Arrange
        using var client = Server.CreateClient(token);

        // Act
        var response = await RunningDashboard.PushAsync(client, TestBatches.Director("anon", 1, DateTimeOffset.UtcNow, 0, 1));

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Ingest_RevokedToken_401()
    {
        // Arrange
        var name = $"revoked-{Guid.NewGuid():N}";
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director, name));
        await new TokenRepository(Server.Services.GetRequiredService<DashboardDatabase>().DataSource).RevokeAsync(name, TestTimeout.Token());
        Server.Services.GetRequiredService<TokenValidator>().Forget();

        // Act
        var response = await RunningDashboard.PushAsync(agent, TestBatches.Director("revoked", 1, DateTimeOffset.UtcNow, 0, 1));

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Ingest_TokenUsed_ListedWithItsLastUseAndAnUnusedOneAsNever()
    {
        // Arrange
        var (used, unused) = ($"used-{Guid.NewGuid():N}", $"unused-{Guid.NewGuid():N}");
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director, used));
        await Server.CreateTokenAsync(KnownRoles.Director, unused);
        var before = DateTime.UtcNow.AddSeconds(-1);

        // Act
        var response = await RunningDashboard.PushAsync(agent, TestBatches.Director("last-used", 1, DateTimeOffset.UtcNow, 0, 1));
        var tokens = await new TokenRepository(Server.Services.GetRequiredService<DashboardDatabase>().DataSource).ListAsync(TestTimeout.Token());

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(tokens.Single(t => t.Name == used).LastUsedAt!.Value, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Null(tokens.Single(t => t.Name == unused).LastUsedAt);
    }

    [Fact]
    public async Task Ingest_ReaderToken_403AndDirectorTokenCannotRead()
    {
        // Arrange
        using var reader = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Reader));
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director));

        // Act
        var ingest = await RunningDashboard.PushAsync(reader, TestBatches.Director("reader", 1, DateTimeOffset.UtcNow, 0, 1));
        var read = await agent.GetAsync("api/v1/vips");

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, ingest.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
    }

    [Fact]
    public async Task Ingest_GzipBody_Accepted()
    {
        // Arrange
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director));
        var json = JsonSerializer.SerializeToUtf8Bytes(TestBatches.Director("gzip-director", 1, DateTimeOffset.UtcNow, 1, 2), Core.Batches.DashboardJsonContext.Default.AgentBatch);
        var content = new ByteArrayContent(Gzip(json));
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        // Act
        var response = await agent.PostAsync("api/v1/ingest", content);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, await CountAsync("select count(*) from ipvs_rs_samples where director = 'gzip-director'"));
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var conn = await Server.Services.GetRequiredService<DashboardDatabase>().DataSource.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<long>(sql);
    }
}
