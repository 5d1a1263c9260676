using System.Text.Json;
using Dapper;
using Dashboard.Server.Alerting;
using Dashboard.Server.Diagnosis;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Alerting;

public sealed class AlertLifecycleTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Hook = "/webhook";
    private static readonly TestChannel[] s_webhook = [new("ops-hook", ChannelKinds.Webhook, Hook)];

    /// <summary>
    /// Ten minutes of the manual clock, evaluated every 5 s, the pile-up flipping every <paramref name="flipEverySteps"/> steps.
    /// Every 5 s (120 flips): each group lives 5 s, less than group_wait (10 s), and is dropped empty before its first flush,
    /// so no message at all. Every 15 s (40 flips): a message at 15 s (group_wait), the opposite state 5 s after each
    /// group_interval (60 s), and an empty group dropped one group_interval after its resolved message, so that the next
    /// pile-up waits group_wait again: 15, 80, 165, 230, 315, 380, 465, 530 s, eight messages.
    /// </summary>
    [Theory]
    [InlineData(1, new int[0])]
    [InlineData(3, new[] { 15, 80, 165, 230, 315, 380, 465, 530 })]
    public async Task Notify_ConditionFlapsForTenMinutes_ExactlyTheMessagesTheGroupingRulesAllow(int flipEverySteps, int[] expectedSecondsAfterStart)
    {
        // Arrange
        await using var h = await AlertingHarness.StartAsync(s_webhook);
        var start = h.Clock!.GetUtcNow();

        // Act: 120 evaluations 5 s apart; the pile-up comes and goes every flipEverySteps of them.
        var flips = 0;
        for (var step = 0; step < 120; step++)
        {
            if (step % flipEverySteps == 0)
            {
                var piledUp = step / flipEverySteps % 2 == 0;
                await h.PushDirectorAsync("lvs-a", synRecv: piledUp ? 60 : 0, established: piledUp ? 2 : 50);
                flips++;
            }

            await h.StepAsync(TimeSpan.FromSeconds(5));
        }

        // Assert: every flip seen by the engine (three alerts: the VIP's and each real server's), and exactly these messages.
        var changes = await StateChangesAsync(h);
        var accepted = h.Receiver.Accepted(Hook);
        // Stored to the microsecond: whole seconds after the start compare exactly.
        var sentAt = (await SentTimesAsync(h)).Select(t => (int)Math.Round((new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) - start).TotalSeconds)).ToList();
        output.WriteLine($"{flips} flips, {changes} state changes in 10 minutes -> {accepted.Count} messages at {string.Join(", ", sentAt)} s");
        Assert.Equal(120 / flipEverySteps, flips);
        Assert.Equal(3 * flips, changes);
        Assert.Equal(expectedSecondsAfterStart, sentAt);
        Assert.Equal(expectedSecondsAfterStart.Length, accepted.Count);
        Assert.Equal(expectedSecondsAfterStart.Select((_, i) => i % 2 == 0 ? "firing" : "resolved"), accepted.Select(r => r.Json.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Silence_MatchingTheIncident_NoMessageUntilItIsExpired()
    {
        // Arrange
        await using var h = await AlertingHarness.StartAsync(s_webhook);
        var (id, error) = await h.Operations.SilenceAsync("director=\"lvs-a\", alertname=~\".*SynRecv.*\"", "maintenance of lvs-a", null, null,
            TimeSpan.FromHours(1), "alice", TestTimeout.Token());
        Assert.Null(error);

        // Act
        await h.PushDirectorAsync("lvs-a", synRecv: 60, established: 2);
        await h.EvaluateAsync();
        await h.StepAsync(TimeSpan.FromSeconds(10));
        await h.StepAsync(TimeSpan.FromMinutes(2));
        var whileSilenced = h.Receiver.Accepted(Hook).Count;
        var listed = await h.Operations.ListAsync(new AlertQuery(State: AlertStates.Firing), TestTimeout.Token());
        Assert.True(await h.Operations.ExpireSilenceAsync(id!.Value, TestTimeout.Token()));
        await h.StepAsync(TimeSpan.FromSeconds(1));

        // Assert
        Assert.Equal(0, whileSilenced);
        Assert.All(listed, a => Assert.Equal([id.Value], a.SilencedBy));
        var message = Assert.Single(h.Receiver.Accepted(Hook));
        Assert.Equal(3, message.Json.GetProperty("alerts").GetArrayLength());
    }

    [Fact]
    public async Task Acknowledge_AllAlertsOfOneGroup_OnlyTheOtherGroupRepeatsAndItsMessageShowsTheAck()
    {
        // Arrange: two incidents firing and notified, on a webhook and on Slack.
        await using var h = await AlertingHarness.StartAsync([.. s_webhook, new("ops-slack", ChannelKinds.Slack, "/slack")]);
        await h.PushDirectorAsync("lvs-a", synRecv: 60, established: 2);
        await h.PushDirectorAsync("lvs-b", synRecv: 60, established: 2);
        await h.EvaluateAsync();
        await h.StepAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, h.Receiver.Accepted(Hook).Count);
        var firing = await h.Operations.ListAsync(new AlertQuery(State: AlertStates.Firing), TestTimeout.Token());

        // Act: every alert of lvs-a acknowledged, one of lvs-b; four hours pass.
        foreach (var alert in firing.Where(a => a.Labels["director"] == "lvs-a"))
        {
            Assert.True(await h.Operations.AcknowledgeAsync(alert.Fingerprint, "alice", "on it", TestTimeout.Token()));
        }

        var vipAlertB = firing.Single(a => a.Labels["director"] == "lvs-b" && a.Rule == "SynRecvRatioHigh");
        Assert.True(await h.Operations.AcknowledgeAsync(vipAlertB.Fingerprint, "bob", "looking at the hypervisor", TestTimeout.Token()));
        await h.StepAsync(TimeSpan.FromHours(4));

        // Assert
        var repeats = h.Receiver.Accepted(Hook).Skip(2).ToList();
        var repeat = Assert.Single(repeats);
        Assert.Contains("lvs-b", repeat.Json.GetProperty("groupKey").GetString());
        var slackRepeat = h.Receiver.Accepted("/slack").Last().Json;
        var slackText = string.Join("\n", slackRepeat.GetProperty("blocks").EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "section").Select(b => b.GetProperty("text").GetProperty("text").GetString()));
        Assert.Contains("still firing", slackRepeat.GetProperty("text").GetString());
        Assert.Contains("Acknowledged by bob: looking at the hypervisor", slackText);
        var history = await h.Operations.HistoryAsync(vipAlertB.Id, TestTimeout.Token());
        Assert.Equal(["firing", "acknowledged"], history.Select(e => e.Change));
        Assert.Equal("bob", history[1].Actor);
    }

    [Fact]
    public async Task Finding_OpensThenResolves_AlertFiresWithLikelyCauseThenResolves()
    {
        // Arrange: findings open and resolve at once; the threshold rules stay quiet so only the finding speaks.
        await using var h = await AlertingHarness.StartAsync(s_webhook,
        [
            "--Dashboard:Diagnosis:For=00:00:00", "--Dashboard:Diagnosis:ResolveAfter=00:00:00",
            "--Dashboard:Alerting:Rules:1:Enabled=false", "--Dashboard:Alerting:Rules:2:Enabled=false",
            $"--Dashboard:Alerting:Rules:{AlertingHarness.NextRuleIndex}:Name=AntiSpoofDrops",
            $"--Dashboard:Alerting:Rules:{AlertingHarness.NextRuleIndex}:Enabled=false",
        ]);
        var diagnosis = h.Server.Services.GetRequiredService<DiagnosisService>();
        using var hypervisor = h.Server.CreateClient(await h.Server.CreateTokenAsync(KnownRoles.Hypervisor));
        var t = DateTimeOffset.UtcNow.AddMinutes(-2);

        // Act: seed incident one (Neutron anti-spoof drops what the director forwards).
        await RunningDashboard.PushAsync(hypervisor, TestBatches.Hypervisor("compute-07", 1, t, 1000));
        await RunningDashboard.PushAsync(hypervisor, TestBatches.Hypervisor("compute-07", 2, t.AddSeconds(10), 1600));
        await h.PushDirectorAsync("lvs-a", synRecv: 60, established: 2);
        await diagnosis.EvaluateAsync(TestTimeout.Token());
        await h.EvaluateAsync();
        await h.StepAsync(TimeSpan.FromSeconds(10));
        await RunningDashboard.PushAsync(hypervisor, TestBatches.Hypervisor("compute-07", 3, t.AddSeconds(20), 1600));
        await h.PushDirectorAsync("lvs-a", synRecv: 0, established: 50);
        await diagnosis.EvaluateAsync(TestTimeout.Token());
        await h.StepAsync(TimeSpan.FromSeconds(1));
        await h.StepAsync(TimeSpan.FromMinutes(1));

        // Assert
        var messages = h.Receiver.Accepted(Hook).Select(r => r.Json).ToList();
        Assert.Equal(["firing", "resolved"], messages.Select(m => m.GetProperty("status").GetString()));
        var fired = Single(messages[0], "DrForwardDrop");
        Assert.Equal("dr-forward-drop", fired.GetProperty("labels").GetProperty("finding").GetString());
        Assert.Equal("38833ad6-c", fired.GetProperty("labels").GetProperty("port").GetString());
        Assert.Equal("compute-07", fired.GetProperty("labels").GetProperty("hypervisor").GetString());
        Assert.Equal("critical", fired.GetProperty("labels").GetProperty("severity").GetString());
        Assert.StartsWith("The director rewrites only the destination MAC", fired.GetProperty("annotations").GetProperty("remediation").GetString());
        Assert.EndsWith("does not allow.", fired.GetProperty("annotations").GetProperty("remediation").GetString());
        Assert.Equal("0001-01-01T00:00:00Z", fired.GetProperty("endsAt").GetString());
        var resolved = Single(messages[1], "DrForwardDrop");
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.True(DateTimeOffset.Parse(resolved.GetProperty("endsAt").GetString()!) > DateTimeOffset.Parse(resolved.GetProperty("startsAt").GetString()!));
    }

    [Fact]
    public async Task Rules_ThresholdRaisedInSettingsThenLoweredInUiThenReset_FiresOnlyWhileLowered()
    {
        // Arrange: settings raise the VIP rule's threshold above the pile-up's 97%.
        await using var h = await AlertingHarness.StartAsync(s_webhook,
            ["--Dashboard:Alerting:Rules:1:Threshold=0.99", "--Dashboard:Alerting:Rules:2:Enabled=false"]);
        var catalog = h.Server.Services.GetRequiredService<AlertRuleCatalog>();
        await h.PushDirectorAsync("lvs-a", synRecv: 60, established: 2);

        // Act
        await h.EvaluateAsync();
        var withSettings = await FiringRulesAsync(h);
        var rule = (await catalog.GetAsync(TestTimeout.Token())).Single(r => r.Name == "SynRecvRatioHigh");
        await catalog.SaveAsync(rule with { Threshold = 0.5 }, "admin", h.Clock!.GetUtcNow(), TestTimeout.Token());
        await h.EvaluateAsync();
        var withUiEdit = await FiringRulesAsync(h);
        await catalog.ResetAsync("SynRecvRatioHigh", TestTimeout.Token());
        await h.EvaluateAsync();
        var afterReset = await FiringRulesAsync(h);

        // Assert
        Assert.Equal(AlertRuleSources.Settings, rule.Source);
        Assert.Equal(0.99, rule.Threshold);
        Assert.Empty(withSettings);
        Assert.Equal(["SynRecvRatioHigh"], withUiEdit);
        Assert.Empty(afterReset);
    }

    [Fact]
    public async Task Dispatch_TwentyFiveNotificationsToDingTalkAtOnce_FoldedIntoDigestWithinTwentyPerMinute()
    {
        // Arrange: twenty-five incidents at once on a DingTalk robot (20 messages per minute).
        await using var h = await AlertingHarness.StartAsync([new("ding", ChannelKinds.DingTalk, "/dingtalk?access_token=t", Language: "zh-CN")],
            ["--Dashboard:Alerting:Rules:2:Enabled=false"]);
        for (var i = 1; i <= 25; i++)
        {
            await h.PushDirectorAsync($"lvs-{i:00}", synRecv: 60, established: 2);
        }

        // Act
        await h.EvaluateAsync();
        await h.StepAsync(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 6; i++)
        {
            await h.StepAsync(TimeSpan.FromSeconds(20));
        }

        // Assert: one digest carries all of them; every notification was delivered exactly once, inside it.
        var messages = h.Receiver.Accepted("/dingtalk");
        var digest = Assert.Single(messages);
        var text = digest.Json.GetProperty("markdown").GetProperty("text").GetString()!;
        Assert.Contains("25 条通知合并为一条", text);
        for (var i = 1; i <= 25; i++)
        {
            Assert.Contains($"lvs-{i:00}", text);
        }

        var rows = await h.OutboxAsync("ding");
        Assert.Equal(25, rows.Count);
        Assert.Single(rows, r => r.Status == "sent");
        Assert.Equal(24, rows.Count(r => r.Status == "folded"));
    }

    private static JsonElement Single(JsonElement message, string alertname) =>
        message.GetProperty("alerts").EnumerateArray().Single(a => a.GetProperty("labels").GetProperty("alertname").GetString() == alertname);

    private static async Task<List<string>> FiringRulesAsync(AlertingHarness h) =>
        (await h.Operations.ListAsync(new AlertQuery(State: AlertStates.Firing), TestTimeout.Token())).Select(a => a.Rule).ToList();

    private static async Task<int> StateChangesAsync(AlertingHarness h)
    {
        await using var conn = await h.Server.Services.GetRequiredService<DashboardDatabase>().DataSource.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<int>("select count(*) from alert_events where change in ('firing', 'resolved')");
    }

    private static async Task<List<DateTime>> SentTimesAsync(AlertingHarness h)
    {
        await using var conn = await h.Server.Services.GetRequiredService<DashboardDatabase>().DataSource.OpenConnectionAsync();
        return (await conn.QueryAsync<DateTime>("select created_at from alert_outbox order by id")).ToList();
    }
}
