using System.Text.Json;
using Dashboard.Server.Alerting;
using Dashboard.Server.Diagnosis;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Alerting;

/// <summary>
/// Chat gets incidents, as Alertmanager's inhibit rules give them: while a finding's alert fires, the symptom alerts it
/// explains (the alerts page's folding rule) send nothing of their own and the cause's message counts them.
/// </summary>
public sealed class IncidentNotificationTests
{
    private const string Hook = "/webhook";
    private const string Slack = "/slack";
    private static readonly TestChannel[] s_channels = [new("ops-hook", ChannelKinds.Webhook, Hook), new("ops-slack", ChannelKinds.Slack, Slack)];

    /// <summary>
    /// Findings open and resolve at once; every symptom rule fires without delay; the director-wide finding's alert is off,
    /// so a SYN_RECV pile-up without hypervisor drops has no cause and stays a symptom alone.
    /// </summary>
    private static readonly string[] s_args =
    [
        "--Dashboard:Diagnosis:For=00:00:00", "--Dashboard:Diagnosis:ResolveAfter=00:00:00",
        $"--Dashboard:Alerting:Rules:{AlertingHarness.NextRuleIndex}:Name=AntiSpoofDrops",
        $"--Dashboard:Alerting:Rules:{AlertingHarness.NextRuleIndex}:For=00:00:00",
        $"--Dashboard:Alerting:Rules:{AlertingHarness.NextRuleIndex + 1}:Name=DirectorWideSynRecv",
        $"--Dashboard:Alerting:Rules:{AlertingHarness.NextRuleIndex + 1}:Enabled=false",
    ];

    [Fact]
    public async Task Notify_PileUpWithFindingSynRecvAndDropAlerts_OneMessageForTheIncidentNamingItsSymptoms()
    {
        // Arrange
        await using var h = await AlertingHarness.StartAsync(s_channels, s_args);
        var pileUp = new PileUp(h);

        // Act: seed incident one; the group waits, then everything flushes; five more minutes pass while it all fires.
        await pileUp.StartAsync();
        await h.EvaluateAsync();
        await h.StepAsync(TimeSpan.FromSeconds(10));
        var firing = await h.Operations.ListAsync(new AlertQuery(State: AlertStates.Firing), TestTimeout.Token());
        for (var i = 0; i < 5; i++)
        {
            await h.StepAsync(TimeSpan.FromMinutes(1));
        }

        // Assert: the finding and its four symptoms fire, and each chat got exactly one message, the cause's.
        Assert.Equal(["AntiSpoofDrops", "DrForwardDrop", "RealServerSynRecvRatioHigh", "RealServerSynRecvRatioHigh", "SynRecvRatioHigh"],
            firing.Select(a => a.Rule).Order(StringComparer.Ordinal));
        var message = Assert.Single(h.Receiver.Accepted(Hook)).Json;
        Assert.Equal("firing", message.GetProperty("status").GetString());
        var cause = Assert.Single(message.GetProperty("alerts").EnumerateArray());
        Assert.Equal("DrForwardDrop", cause.GetProperty("labels").GetProperty("alertname").GetString());
        Assert.Equal("4 symptoms: SynRecvRatioHigh, AntiSpoofDrops, RealServerSynRecvRatioHigh ×2",
            cause.GetProperty("annotations").GetProperty(Dashboard.Server.Alerting.Channels.WebhookFormatter.SymptomsAnnotation).GetString());
        var slack = Assert.Single(h.Receiver.Accepted(Slack)).Json;
        Assert.Contains("*Explains:* 4 symptoms: SynRecvRatioHigh, AntiSpoofDrops, RealServerSynRecvRatioHigh ×2", SlackText(slack));
        Assert.Equal(2, h.Receiver.Requests.Count);
    }

    [Fact]
    public async Task Notify_SymptomWithNoCause_SentAsItsOwnMessageBesideTheIncident()
    {
        // Arrange: incident one on lvs-a, and a pile-up on lvs-b whose hypervisor drops nothing.
        await using var h = await AlertingHarness.StartAsync(s_channels, s_args);
        var pileUp = new PileUp(h);
        using var director = h.Server.CreateClient(await h.Server.CreateTokenAsync(KnownRoles.Director, "lvs-b-agent"));

        // Act
        await pileUp.StartAsync();
        var lonely = TestBatches.Director("lvs-b", 1, DateTimeOffset.UtcNow.AddMinutes(-1), 60, 2, "10.29.7.10:80", "10.29.7.11:80");
        (await RunningDashboard.PushAsync(director, lonely)).EnsureSuccessStatusCode();
        await pileUp.DiagnoseAsync();
        await h.EvaluateAsync();
        await h.StepAsync(TimeSpan.FromSeconds(10));
        await h.StepAsync(TimeSpan.FromMinutes(2));

        // Assert: two messages, the incident's cause alone and lvs-b's two alerts in their own.
        var messages = h.Receiver.Accepted(Hook).Select(r => r.Json).ToList();
        Assert.Equal(2, messages.Count);
        var incident = messages.Single(m => m.GetProperty("groupKey").GetString()!.Contains("lvs-a", StringComparison.Ordinal));
        Assert.Equal(["DrForwardDrop"], Rules(incident));
        var alone = messages.Single(m => m.GetProperty("groupKey").GetString()!.Contains("lvs-b", StringComparison.Ordinal));
        Assert.Equal("firing", alone.GetProperty("status").GetString());
        Assert.Equal(["RealServerSynRecvRatioHigh", "SynRecvRatioHigh"], Rules(alone));
        Assert.All(alone.GetProperty("alerts").EnumerateArray(),
            a => Assert.False(a.GetProperty("annotations").TryGetProperty(Dashboard.Server.Alerting.Channels.WebhookFormatter.SymptomsAnnotation, out _)));
        Assert.Equal(2, h.Receiver.Accepted(Slack).Count);
    }

    [Fact]
    public async Task Notify_CauseResolvesWhileSymptomFires_SymptomThenSentOnItsOwnAndSymptomsResolvedUnderTheCauseSendNothing()
    {
        // Arrange: incident one notified (one message).
        await using var h = await AlertingHarness.StartAsync(s_channels, s_args);
        var pileUp = new PileUp(h);
        await pileUp.StartAsync();
        await h.EvaluateAsync();
        await h.StepAsync(TimeSpan.FromSeconds(10));
        Assert.Single(h.Receiver.Accepted(Hook));

        // Act: the pile-up clears (the finding and the SYN_RECV alerts resolve) while the port keeps dropping.
        await pileUp.ClearSynRecvKeepDroppingAsync();
        await h.StepAsync(TimeSpan.FromSeconds(1));
        var withinGroupInterval = h.Receiver.Accepted(Hook).Count;
        await h.StepAsync(TimeSpan.FromMinutes(1));
        await h.StepAsync(TimeSpan.FromMinutes(2));

        // Assert: one group_interval later the drop alert fires on its own, beside the cause's resolve and without the
        // SYN_RECV symptoms that resolved under the cause; nothing else.
        Assert.Equal(1, withinGroupInterval);
        var messages = h.Receiver.Accepted(Hook).Select(r => r.Json).ToList();
        Assert.Equal(2, messages.Count);
        var alerts = messages[1].GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal("firing", messages[1].GetProperty("status").GetString());
        Assert.Equal(["AntiSpoofDrops"], Rules(alerts.Where(a => a.GetProperty("status").GetString() == "firing")));
        Assert.Equal(["DrForwardDrop"], Rules(alerts.Where(a => a.GetProperty("status").GetString() == "resolved")));
        Assert.Equal(2, alerts.Count);
        Assert.Equal(2, h.Receiver.Accepted(Slack).Count);
        var firing = await h.Operations.ListAsync(new AlertQuery(State: AlertStates.Firing), TestTimeout.Token());
        Assert.Equal(["AntiSpoofDrops"], firing.Select(a => a.Rule));
    }

    [Fact]
    public async Task Notify_SymptomNotifiedThenItsCauseFires_SymptomSendsNothingMoreAndOnlyTheCauseRepeats()
    {
        // Arrange: the port drops before anything piles up: the drop alert has no cause and is sent.
        await using var h = await AlertingHarness.StartAsync(s_channels, s_args);
        var pileUp = new PileUp(h);
        await pileUp.DropOnlyAsync();
        await h.EvaluateAsync();
        await h.StepAsync(TimeSpan.FromSeconds(10));
        var before = h.Receiver.Accepted(Hook).Select(r => r.Json).ToList();

        // Act: the pile-up follows, the finding's alert fires; then a group_interval and a repeat_interval pass.
        await pileUp.PileUpAsync();
        await h.EvaluateAsync();
        await h.StepAsync(TimeSpan.FromSeconds(10));
        await h.StepAsync(TimeSpan.FromMinutes(1));
        await h.StepAsync(TimeSpan.FromHours(4));

        // Assert: the drop alert once; then the incident's cause (counting the drop alert) and its repeat, nothing else.
        Assert.Equal(["AntiSpoofDrops"], Rules(Assert.Single(before)));
        var messages = h.Receiver.Accepted(Hook).Select(r => r.Json).ToList();
        Assert.Equal(3, messages.Count);
        Assert.All(messages.Skip(1), m => Assert.Equal(["DrForwardDrop"], Rules(m)));
        Assert.All(messages.Skip(1), m => Assert.Equal("firing", m.GetProperty("status").GetString()));
        Assert.Contains("AntiSpoofDrops", messages[1].GetProperty("alerts")[0].GetProperty("annotations")
            .GetProperty(Dashboard.Server.Alerting.Channels.WebhookFormatter.SymptomsAnnotation).GetString());
        Assert.Equal(3, h.Receiver.Accepted(Slack).Count);
    }

    private static List<string> Rules(JsonElement message) => Rules(message.GetProperty("alerts").EnumerateArray());

    private static List<string> Rules(IEnumerable<JsonElement> alerts) =>
        alerts.Select(a => a.GetProperty("labels").GetProperty("alertname").GetString()!).Order(StringComparer.Ordinal).ToList();

    private static string SlackText(JsonElement message) => string.Join("\n", message.GetProperty("blocks").EnumerateArray()
        .Where(b => b.GetProperty("type").GetString() == "section").Select(b => b.GetProperty("text").GetProperty("text").GetString()));

    /// <summary>Seed incident one through the real ingest API: compute-07's anti-spoof rule drops 60/s, lvs-a piles up.</summary>
    private sealed class PileUp(AlertingHarness h)
    {
        private readonly DateTimeOffset _start = DateTimeOffset.UtcNow.AddMinutes(-2);
        private long _sequence;
        private ulong _dropped = 1000;
        private string? _token;

        public async Task StartAsync()
        {
            await DropOnlyAsync(diagnose: false);
            await PileUpAsync();
        }

        public async Task DropOnlyAsync(bool diagnose = true)
        {
            await PushHypervisorAsync();
            await PushHypervisorAsync();
            if (diagnose)
            {
                await DiagnoseAsync();
            }
        }

        public async Task PileUpAsync()
        {
            await h.PushDirectorAsync("lvs-a", synRecv: 60, established: 2);
            await DiagnoseAsync();
        }

        public async Task ClearSynRecvKeepDroppingAsync()
        {
            await PushHypervisorAsync();
            await h.PushDirectorAsync("lvs-a", synRecv: 0, established: 50);
            await DiagnoseAsync();
        }

        public Task DiagnoseAsync() => h.Server.Services.GetRequiredService<DiagnosisService>().EvaluateAsync(TestTimeout.Token());

        private async Task PushHypervisorAsync()
        {
            _token ??= await h.Server.CreateTokenAsync(KnownRoles.Hypervisor);
            using var client = h.Server.CreateClient(_token);
            _sequence++;
            var response = await RunningDashboard.PushAsync(client, TestBatches.Hypervisor("compute-07", _sequence, _start.AddSeconds(10 * _sequence), _dropped));
            response.EnsureSuccessStatusCode();
            _dropped += 600;
        }
    }
}
