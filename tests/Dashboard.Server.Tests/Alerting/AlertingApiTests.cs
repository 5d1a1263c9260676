using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Server.Alerting;
using Dashboard.Server.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Alerting;

public sealed class AlertingApiTests
{
    private const string WeComKey = "wecom-key-7f3e1c2a9b8d";
    private const string HookToken = "hook-token-5d4c3b2a";

    private static readonly TestChannel[] s_channels =
    [
        new("ops-hook", ChannelKinds.Webhook, "/webhook", HookToken),
        new("ops-wecom", ChannelKinds.WeCom, $"/wecom?key={WeComKey}", Language: "zh-CN"),
    ];

    [Fact]
    public async Task GetAlerts_ReaderTokenStateFiring_ListsTheFiringAlertsWithLabels()
    {
        // Arrange
        await using var h = await AlertingHarness.StartAsync(s_channels);
        await h.PushDirectorAsync("lvs-a", synRecv: 60, established: 2);
        await h.EvaluateAsync();
        using var reader = h.Server.CreateClient(await h.Server.CreateTokenAsync(KnownRoles.Reader));

        // Act
        var firing = await reader.GetFromJsonAsync<JsonElement>("api/v1/alerts?state=firing");
        var badState = await reader.GetAsync("api/v1/alerts?state=burning");
        var anonymous = await h.Server.CreateClient().GetAsync("api/v1/alerts");

        // Assert
        var vip = firing.EnumerateArray().Single(a => a.GetProperty("rule").GetString() == "SynRecvRatioHigh");
        Assert.Equal("firing", vip.GetProperty("state").GetString());
        Assert.Equal("lvs-a", vip.GetProperty("labels").GetProperty("director").GetString());
        Assert.Equal(AlertingHarness.Vip, vip.GetProperty("labels").GetProperty("vip").GetString());
        Assert.Equal(16, vip.GetProperty("fingerprint").GetString()!.Length);
        Assert.Equal(3, firing.GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Acknowledge_ReaderTokenThenOperatorLogin_OnlyTheOperatorMayAndHistoryRecordsIt()
    {
        // Arrange
        await using var h = await AlertingHarness.StartAsync(s_channels);
        await h.PushDirectorAsync("lvs-a", synRecv: 60, established: 2);
        await h.EvaluateAsync();
        var alert = (await h.Operations.ListAsync(new AlertQuery(State: AlertStates.Firing), default)).Single(a => a.Rule == "SynRecvRatioHigh");
        using var reader = h.Server.CreateClient(await h.Server.CreateTokenAsync(KnownRoles.Reader));
        using var viewer = await PersonClient.LogInAsync(h.Server, KnownRoles.Viewer);
        using var operatorClient = await PersonClient.LogInAsync(h.Server, KnownRoles.Operator);

        // Act
        var byReader = await reader.PostAsJsonAsync($"api/v1/alerts/{alert.Fingerprint}/ack", new { comment = "mine" });
        var byViewer = await viewer.PostAsJsonAsync($"api/v1/alerts/{alert.Fingerprint}/ack", new { comment = "mine" });
        var byOperator = await operatorClient.PostAsJsonAsync($"api/v1/alerts/{alert.Fingerprint}/ack", new { comment = "checking compute-07" });
        var unknown = await operatorClient.PostAsJsonAsync("api/v1/alerts/0000000000000000/ack", new { comment = "?" });
        var history = await reader.GetFromJsonAsync<JsonElement>($"api/v1/alerts/{alert.Id}/history");

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, byReader.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byViewer.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, byOperator.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var ack = history.EnumerateArray().Last();
        Assert.Equal("acknowledged", ack.GetProperty("change").GetString());
        Assert.Equal("checking compute-07", ack.GetProperty("detail").GetString());
        Assert.StartsWith("operator-", ack.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Silences_OperatorCreatesThenExpires_ListedWithAuthorAndEnd()
    {
        // Arrange
        await using var h = await AlertingHarness.StartAsync(s_channels);
        using var operatorClient = await PersonClient.LogInAsync(h.Server, KnownRoles.Operator);

        // Act
        var refused = await operatorClient.PostAsJsonAsync("api/v1/silences", new { matchers = "director=~\".*\"", comment = "all" });
        var created = await operatorClient.PostAsJsonAsync("api/v1/silences", new { matchers = "director=\"lvs-a\"", comment = "kernel upgrade", durationMinutes = 90 });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var listed = await operatorClient.GetFromJsonAsync<JsonElement>("api/v1/silences");
        var expired = await operatorClient.DeleteAsync($"api/v1/silences/{id}");
        var again = await operatorClient.DeleteAsync($"api/v1/silences/{id}");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var silence = listed.EnumerateArray().Single();
        Assert.Equal("director=\"lvs-a\"", silence.GetProperty("matchers").GetString());
        Assert.Equal("kernel upgrade", silence.GetProperty("comment").GetString());
        Assert.StartsWith("operator-", silence.GetProperty("createdBy").GetString());
        Assert.Equal(TimeSpan.FromMinutes(90), silence.GetProperty("endsAt").GetDateTimeOffset() - silence.GetProperty("startsAt").GetDateTimeOffset());
        Assert.True(silence.GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, expired.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Channels_AdminTestsThenFailures_SecretsNeverInApiLogsOrAttempts()
    {
        // Arrange: a receiver that repeats the request (URL key, bearer token) in its error answer.
        await using var h = await AlertingHarness.StartAsync(s_channels, ["--Logging:LogLevel:Default=Debug"]);
        using var admin = await PersonClient.LogInAsync(h.Server, KnownRoles.Admin);
        using var operatorClient = await PersonClient.LogInAsync(h.Server, KnownRoles.Operator);

        // Act: a test message to each channel that works, then a real incident while the receiver refuses and echoes.
        var testHook = await admin.PostAsync("api/v1/alerting/channels/ops-hook/test", null);
        var testWeCom = await admin.PostAsync("api/v1/alerting/channels/ops-wecom/test", null);
        h.Receiver.Mode = ReceiverMode.FailEchoingRequest;
        var failedTest = await admin.PostAsync("api/v1/alerting/channels/ops-wecom/test", null);
        await h.PushDirectorAsync("lvs-a", synRecv: 60, established: 2);
        await h.EvaluateAsync();
        await h.StepAsync(TimeSpan.FromSeconds(10));
        var channels = await admin.GetStringAsync("api/v1/alerting/channels");
        var byOperator = await operatorClient.GetAsync("api/v1/alerting/channels");
        var stored = await h.Server.Services.GetRequiredService<Dashboard.Server.Alerting.Delivery.OutboxRepository>().StatsAsync(default);

        // Assert: the test messages went out and the failures were seen...
        Assert.True((await testHook.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("succeeded").GetBoolean());
        Assert.True((await testWeCom.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("succeeded").GetBoolean());
        var failure = await failedTest.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(failure.GetProperty("succeeded").GetBoolean());
        Assert.Equal(400, failure.GetProperty("statusCode").GetInt32());
        Assert.Contains("Test message", h.Receiver.Accepted("/webhook").Single().Body);
        Assert.Contains("测试消息", h.Receiver.Accepted("/wecom").Single().Body);
        Assert.Equal(HttpStatusCode.Forbidden, byOperator.StatusCode);
        Assert.Contains("••••", channels);
        Assert.Contains(h.Logs.Lines, l => l.Contains("ops-wecom") && l.Contains("HTTP 400"));
        // ...and neither the WeCom key nor the bearer token is shown or logged anywhere.
        foreach (var text in new[] { channels, failure.GetRawText(), string.Join("\n", h.Logs.Lines), string.Join("\n", stored.Select(s => s.LastError)) })
        {
            Assert.DoesNotContain(WeComKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain(HookToken, text, StringComparison.Ordinal);
        }
    }
}
