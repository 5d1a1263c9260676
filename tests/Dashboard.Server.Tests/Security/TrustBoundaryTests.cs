using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Dashboard.Core.Batches;
using Dashboard.Core.Diagnosis;
using Dashboard.Core.Iptables;
using Dashboard.Server.Diagnosis;
using Dashboard.Server.Ingest;
using Dashboard.Server.Live;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Security;

/// <summary>
/// Issue #23's hostile tester, rows 1–5 and 11: an agent speaks only for its own hosts and kinds of data, sequences belong to
/// the token that sent them, clocks are checked, and out-of-range or look-alike values stop at the edge.
/// </summary>
public sealed class TrustBoundaryTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private RunningDashboard Server => fixture.Server;

    [Fact]
    public async Task Ingest_DirectorTokenOfOneHostPostsForAnotherHostOrKind_403NamingHostAndTokenAndNothingStored()
    {
        // Arrange: the director token of lvs-a, as `token create --name lvs-a --role director` makes it.
        var name = $"lvs-a-{Guid.NewGuid():N}"[..16];
        var otherDirector = $"lvs-b-{Guid.NewGuid():N}"[..16];
        var hypervisor = $"hv-1-{Guid.NewGuid():N}"[..16];
        using var director = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director, name, HostScope.ForHost(name)));
        using var compute = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Hypervisor, $"{hypervisor}-token", HostScope.ForHost(hypervisor)));
        var now = DateTimeOffset.UtcNow;

        // Act
        var own = await RunningDashboard.PushAsync(director, TestBatches.Director(name, 1, now, synRecv: 0, established: 5));
        var otherHost = await RunningDashboard.PushAsync(director, TestBatches.Director(otherDirector, 1, now, synRecv: 60, established: 2));
        var rawOtherHost = await director.PostAsync($"api/v1/ingest/raw/ipvsadm-conn?host={otherDirector}",
            new StringContent("IPVS connection entries\npro expire state       source             virtual            destination\nTCP 00:59  SYN_RECV    10.0.0.1:40000     10.1.26.252:10051  10.1.26.139:10051\n"));
        var foreignKind = await RunningDashboard.PushAsync(director, TestBatches.Hypervisor(name, 2, now, antiSpoofPackets: 10_600_000));
        var hypervisorSendsIpvs = await RunningDashboard.PushAsync(compute, TestBatches.Director(hypervisor, 1, now, synRecv: 60, established: 2));
        var hypervisorOwn = await RunningDashboard.PushAsync(compute, TestBatches.Hypervisor(hypervisor, 2, now, antiSpoofPackets: 5));

        // Assert
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, hypervisorOwn.StatusCode);
        foreach (var (response, host) in new[] { (otherHost, otherDirector), (rawOtherHost, otherDirector), (foreignKind, name), (hypervisorSendsIpvs, hypervisor) })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
            Assert.Contains($"'{host}'", detail, StringComparison.Ordinal);
            Assert.Contains("token '", detail, StringComparison.Ordinal);
        }

        Assert.Contains("iptables", (await foreignKind.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync<long>("select count(*) from ingest_batches where host = @host", new { host = otherDirector }));
        Assert.Equal(1L, await ScalarAsync<long>("select count(*) from ingest_batches where host = @host", new { host = name }));
        Assert.Equal("hypervisor", await ScalarAsync<string>("select role from hosts where name = @host", new { host = hypervisor }));
        Assert.Null(Server.Services.GetRequiredService<LiveStore>().Host(otherDirector));
    }

    [Fact]
    public async Task Ingest_PatternAndListTokens_SpeakForTheirHostsOnly()
    {
        // Arrange
        var prefix = $"p{Guid.NewGuid():N}"[..10];
        using var pattern = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Hypervisor, scope: new HostScope([], $"{prefix}-hv-*")));
        using var list = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director, scope: new HostScope([$"{prefix}-a", $"{prefix}-b"], null)));
        var now = DateTimeOffset.UtcNow;

        // Act
        var inPattern = await RunningDashboard.PushAsync(pattern, TestBatches.Hypervisor($"{prefix}-hv-7", 1, now, 1));
        var outsidePattern = await RunningDashboard.PushAsync(pattern, TestBatches.Hypervisor($"{prefix}-esx-7", 1, now, 1));
        var inList = await RunningDashboard.PushAsync(list, TestBatches.Director($"{prefix}-b", 1, now, 0, 3));
        var outsideList = await RunningDashboard.PushAsync(list, TestBatches.Director($"{prefix}-c", 1, now, 0, 3));

        // Assert
        Assert.Equal(HttpStatusCode.OK, inPattern.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, outsidePattern.StatusCode);
        Assert.Equal(HttpStatusCode.OK, inList.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, outsideList.StatusCode);
    }

    [Fact]
    public async Task Ingest_TokenMadeBeforeScopes_AcceptedUntilBoundThenOnlyForItsHosts()
    {
        // Arrange: a token as migration 0015 leaves one made before it (no hosts, no pattern).
        var name = $"legacy-{Guid.NewGuid():N}"[..16];
        var tokens = new TokenRepository(Server.Services.GetRequiredService<DashboardDatabase>().DataSource);
        using var legacy = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director, name));
        await ExecuteAsync("update api_tokens set hosts = null, host_pattern = null where name = @name", new { name });
        Server.Services.GetRequiredService<TokenValidator>().Forget();
        var now = DateTimeOffset.UtcNow;

        // Act
        var unbound = await RunningDashboard.PushAsync(legacy, TestBatches.Director($"{name}-x", 1, now, 0, 3));
        Assert.True(await tokens.BindAsync(name, HostScope.ForHost($"{name}-y"), TestTimeout.Token()));
        var listed = (await tokens.ListAsync(TestTimeout.Token())).Single(t => t.Name == name);
        var bound = await PollStatusAsync(() => RunningDashboard.PushAsync(legacy, TestBatches.Director($"{name}-x", 2, now, 0, 3)), HttpStatusCode.Forbidden);
        var boundOwn = await RunningDashboard.PushAsync(legacy, TestBatches.Director($"{name}-y", 1, now, 0, 3));

        // Assert
        Assert.Equal(HttpStatusCode.OK, unbound.StatusCode);
        Assert.Equal([$"{name}-y"], listed.Hosts ?? []);
        Assert.True(bound, "after `token bind` the token still spoke for another host");
        Assert.Equal(HttpStatusCode.OK, boundOwn.StatusCode);
    }

    [Fact]
    public async Task Ingest_RequireBoundTokensSet_UnboundTokenRefusedWithTheBindCommandBoundOneAccepted()
    {
        // Arrange: the end of the migration: every agent token was bound, and unbound ones are refused from now on.
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Auth:RequireBoundTokens=true"]);
        using var legacy = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director, "old-agent"));
        using var bound = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director, "lvs-d", HostScope.ForHost("lvs-d")));
        await using (var conn = await server.Services.GetRequiredService<DashboardDatabase>().DataSource.OpenConnectionAsync())
        {
            await conn.ExecuteAsync("update api_tokens set hosts = null, host_pattern = null where name = 'old-agent'");
        }

        server.Services.GetRequiredService<TokenValidator>().Forget();

        // Act
        var refused = await RunningDashboard.PushAsync(legacy, TestBatches.Director("lvs-d", 1, DateTimeOffset.UtcNow, 0, 3));
        var accepted = await RunningDashboard.PushAsync(bound, TestBatches.Director("lvs-d", 1, DateTimeOffset.UtcNow, 0, 3));

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("token bind old-agent --host lvs-d", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Ingest_AnotherTokenSentTheHostsSequencesFirst_TheHostsOwnBatchesAreStillStored()
    {
        // Arrange
        var host = $"lvs-c-{Guid.NewGuid():N}"[..16];
        using var intruder = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director));
        using var own = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director, host, HostScope.ForHost(host)));
        var now = DateTimeOffset.UtcNow;
        for (var sequence = 1; sequence <= 5; sequence++)
        {
            (await RunningDashboard.PushAsync(intruder, TestBatches.Director(host, sequence, now.AddSeconds(-60 + sequence), 0, 1))).EnsureSuccessStatusCode();
        }

        // Act
        var answers = new List<string>();
        for (var sequence = 1; sequence <= 5; sequence++)
        {
            var response = await RunningDashboard.PushAsync(own, TestBatches.Director(host, sequence, now.AddSeconds(-30 + sequence), 0, 7));
            answers.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!);
        }

        var replay = await RunningDashboard.PushAsync(own, TestBatches.Director(host, 5, now, 0, 7));

        // Assert
        Assert.All(answers, a => Assert.Equal("stored", a));
        Assert.Equal("duplicate", (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(5L, await ScalarAsync<long>("select count(*) from ingest_batches where host = @host and token_name = @host", new { host }));
    }

    [Theory]
    [InlineData("sequence", 9223372036854775807L, 0L)]
    [InlineData("sequence", 9007199254740992L, 0L)]
    [InlineData("droppedBatches", 1L, 9223372036854775000L)]
    [InlineData("droppedBatches", 1L, -1L)]
    public async Task Ingest_OutOfRangeNumbers_400NamingTheFieldAndLaterPushesStillStored(string field, long sequence, long dropped)
    {
        // Arrange
        var host = $"range-{Guid.NewGuid():N}"[..16];
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director));
        var batch = TestBatches.Director(host, sequence, DateTimeOffset.UtcNow, 0, 1);
        batch.DroppedBatches = dropped;

        // Act
        var refused = await RunningDashboard.PushAsync(agent, batch);
        var small = TestBatches.Director(host, 2, DateTimeOffset.UtcNow, 0, 1);
        small.DroppedBatches = 3;
        var next = await RunningDashboard.PushAsync(agent, small);
        var after = await RunningDashboard.PushAsync(agent, TestBatches.Director(host, 3, DateTimeOffset.UtcNow, 0, 1));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(field, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Ingest_DroppedBatchesSummedPastBigint_SaturatesInsteadOf500()
    {
        // Arrange: a host row whose count is already at the top of bigint (as years of a broken spool would leave it).
        var host = $"sat-{Guid.NewGuid():N}"[..16];
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director));
        (await RunningDashboard.PushAsync(agent, TestBatches.Director(host, 1, DateTimeOffset.UtcNow, 0, 1))).EnsureSuccessStatusCode();
        await ExecuteAsync("update hosts set dropped_batches = 9223372036854775000 where name = @host", new { host });
        var batch = TestBatches.Director(host, 2, DateTimeOffset.UtcNow, 0, 1);
        batch.DroppedBatches = BatchValidator.MaxDroppedBatches;

        // Act
        var response = await RunningDashboard.PushAsync(agent, batch);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(long.MaxValue, await ScalarAsync<long>("select dropped_batches from hosts where name = @host", new { host }));
    }

    [Fact]
    public async Task Ingest_BatchNineMinutesAhead_StoredAtReceiptLiveViewFollowsTheNextBatchAndClockSkewFindingNamesHostAndOffset()
    {
        // Arrange
        var host = $"lvs-b-{Guid.NewGuid():N}"[..16];
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director, host, HostScope.ForHost(host)));
        var live = Server.Services.GetRequiredService<LiveStore>();
        var sent = DateTimeOffset.UtcNow;

        // Act: a healthy batch from a clock 9 minutes fast, then the host's real pile-up with an honest clock.
        var future = await RunningDashboard.PushAsync(agent, TestBatches.Director(host, 1, sent.AddMinutes(9), synRecv: 0, established: 40));
        var afterFuture = live.Host(host)!;
        var skewed = live.ClockOffsets.GetValueOrDefault(host);
        await Server.Services.GetRequiredService<DiagnosisService>().EvaluateAsync(TestTimeout.Token());
        var finding = Server.Services.GetRequiredService<DiagnosisService>().Open.SingleOrDefault(f => f.Latest.Kind == FindingKinds.ClockSkew && f.Latest.Director == host);
        var real = await RunningDashboard.PushAsync(agent, TestBatches.Director(host, 2, DateTimeOffset.UtcNow, synRecv: 60, established: 2));
        var afterReal = live.Host(host)!;
        var storedAt = await ScalarAsync<DateTime>("select collected_at from ingest_batches where host = @host and sequence = 1", new { host });

        // Assert
        Assert.Equal(HttpStatusCode.OK, future.StatusCode);
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        Assert.True(afterFuture.CollectedAt <= DateTimeOffset.UtcNow, $"the live view shows {afterFuture.CollectedAt:O}, in the future");
        Assert.True(new DateTimeOffset(storedAt, TimeSpan.Zero) < sent.AddMinutes(1), $"stored as of {storedAt:O}, not at receipt");
        Assert.InRange(skewed.TotalSeconds, 500, 560);
        Assert.NotNull(finding);
        Assert.Contains(host, finding!.Latest.Summary, StringComparison.Ordinal);
        Assert.Contains(finding.Latest.Evidence, e => e.Label == "Clock offset" && e.Value.StartsWith("+5", StringComparison.Ordinal));
        Assert.Equal(2, afterReal.Sequence);
        Assert.Equal(60.0 / 62, afterReal.Virtuals[0].SynRecvRatio, 3);
        Assert.False(live.ClockOffsets.ContainsKey(host), "the honest batch did not clear the host's clock offset");
    }

    [Theory]
    [InlineData("negative count", "ipvs.connections.connections", "$.ipvs.connections.connections")]
    [InlineData("negative state", "byState", "$.ipvs.connections.destinations[0].byState.SYN_RECV")]
    [InlineData("markup in VIP", "vip", "$.ipvs.services.services[0].virtual")]
    [InlineData("bidi override in host", "host-bidi", "host")]
    [InlineData("zero-width space in host", "host-zw", "host")]
    [InlineData("negative active connections", "activeConn", "$.ipvs.services.services[0].destinations[0].activeConn")]
    public async Task Ingest_HostileValue_400NamingTheFieldAndNothingStored(string why, string what, string field)
    {
        // Arrange
        var host = $"val-{Guid.NewGuid():N}"[..16];
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(KnownRoles.Director));
        var batch = TestBatches.Director(host, 1, DateTimeOffset.UtcNow, synRecv: 3, established: 5,
            vip: what == "vip" ? "10.7.0.1:80<img src=x onerror=alert(1)>" : "10.1.26.252:10051");
        switch (what)
        {
            case "ipvs.connections.connections": batch.Ipvs!.Connections!.Connections = -5; break;
            case "byState": batch.Ipvs!.Connections!.Destinations[0].ByState["SYN_RECV"] = -1; break;
            case "host-bidi": batch.Host = "\u202Ea-svl"; break;
            case "host-zw": batch.Host = "lvs\u200B-a"; break;
            case "activeConn": batch.Ipvs!.Services!.Services[0].Destinations[0].ActiveConn = -2; break;
        }

        // Act
        var response = await RunningDashboard.PushAsync(agent, batch);

        // Assert
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {(int)response.StatusCode}");
        var fields = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains(field, fields);
        Assert.Equal(0L, await ScalarAsync<long>("select count(*) from ingest_batches where host = @host", new { host = batch.Host }));
    }

    [Fact]
    public async Task Ingest_PastMaxHostsAndHostsPerToken_429NamingTheLimitCountedForAdminsAndAFinding()
    {
        // Arrange: a server of its own with small limits.
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Limits:MaxHosts=4", "--Dashboard:Limits:MaxHostsPerToken=3"]);
        using var fleet = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        using var second = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        using var genuine = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director, "lvs-new", HostScope.ForHost("lvs-new")));
        using var admin = await Alerting.PersonClient.LogInAsync(server, KnownRoles.Admin);
        var now = DateTimeOffset.UtcNow;

        // Act
        var statuses = new List<HttpStatusCode>();
        var perToken = "";
        for (var i = 0; i < 4; i++)
        {
            using var response = await RunningDashboard.PushAsync(fleet, TestBatches.Director($"made-up-{i}", 1, now, 0, 1));
            statuses.Add(response.StatusCode);
            perToken = await response.Content.ReadAsStringAsync();
        }

        var knownAgain = await RunningDashboard.PushAsync(fleet, TestBatches.Director("made-up-0", 2, now, 0, 1));
        statuses.Add((await RunningDashboard.PushAsync(second, TestBatches.Director("made-up-9", 1, now, 0, 1))).StatusCode);
        var full = await RunningDashboard.PushAsync(genuine, TestBatches.Director("lvs-new", 1, now, synRecv: 60, established: 2));
        var limits = await admin.GetFromJsonAsync<JsonElement>("api/v1/limits");
        var limitsAsViewer = await (await Alerting.PersonClient.LogInAsync(server, KnownRoles.Viewer)).GetAsync("api/v1/limits");
        await server.Services.GetRequiredService<DiagnosisService>().EvaluateAsync(TestTimeout.Token());
        var finding = server.Services.GetRequiredService<DiagnosisService>().Open.SingleOrDefault(f => f.Latest.Kind == FindingKinds.LimitReached);

        // Assert
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, (HttpStatusCode)429, HttpStatusCode.OK], statuses);
        Assert.Contains("Dashboard:Limits:MaxHostsPerToken", perToken, StringComparison.Ordinal);
        Assert.Contains("made-up-3", perToken, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, knownAgain.StatusCode);
        Assert.Equal((HttpStatusCode)429, full.StatusCode);
        Assert.Contains("Dashboard:Limits:MaxHosts", await full.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var refusals = limits.GetProperty("refusals").EnumerateArray().ToDictionary(r => r.GetProperty("limit").GetString()!, r => r.GetProperty("refused").GetInt64());
        Assert.Equal(1, refusals["Dashboard:Limits:MaxHosts"]);
        Assert.Equal(1, refusals["Dashboard:Limits:MaxHostsPerToken"]);
        Assert.Equal(HttpStatusCode.Forbidden, limitsAsViewer.StatusCode);
        Assert.NotNull(finding);
        Assert.Contains("Dashboard:Limits:MaxHosts", finding!.Latest.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LiveStore_HostUnseenForTheRetention_LeavesAndFreesItsPlace()
    {
        // Arrange
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Limits:MaxHosts=1"]);
        using var agent = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        (await RunningDashboard.PushAsync(agent, TestBatches.Director("old-host", 1, DateTimeOffset.UtcNow, 0, 1))).EnsureSuccessStatusCode();
        var live = server.Services.GetRequiredService<LiveStore>();
        var refusedWhileThere = await RunningDashboard.PushAsync(agent, TestBatches.Director("new-host", 1, DateTimeOffset.UtcNow, 0, 1));
        await using (var conn = await server.Services.GetRequiredService<DashboardDatabase>().DataSource.OpenConnectionAsync())
        {
            await conn.ExecuteAsync("update hosts set last_seen = now() - interval '15 days' where name = 'old-host'");
        }

        // Act
        var gone = live.ForgetUnseenSince(DateTimeOffset.UtcNow.AddSeconds(1));
        await server.Services.GetRequiredService<SilentHostSweeper>().SweepAsync(TestTimeout.Token());
        var admitted = await RunningDashboard.PushAsync(agent, TestBatches.Director("new-host", 1, DateTimeOffset.UtcNow, 0, 1));
        await using var check = await server.Services.GetRequiredService<DashboardDatabase>().DataSource.OpenConnectionAsync();
        var hostRows = (await check.QueryAsync<string>("select name from hosts order by name")).ToList();

        // Assert
        Assert.Equal((HttpStatusCode)429, refusedWhileThere.StatusCode);
        Assert.Equal(1, gone);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Null(live.Host("old-host"));
        Assert.Equal(["new-host"], hostRows);
    }

    private async Task<T> ScalarAsync<T>(string sql, object args)
    {
        await using var conn = await Server.Services.GetRequiredService<DashboardDatabase>().DataSource.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException($"no value: {sql}");
    }

    private async Task ExecuteAsync(string sql, object args)
    {
        await using var conn = await Server.Services.GetRequiredService<DashboardDatabase>().DataSource.OpenConnectionAsync();
        await conn.ExecuteAsync(sql, args);
    }

    private static Task<bool> PollStatusAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode wanted) => Poll.HoldsWithinAsync(async () =>
    {
        using var response = await send();
        return response.StatusCode == wanted;
    });
}
