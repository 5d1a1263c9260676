using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Server.Tests.Reliability;

namespace Dashboard.Server.Tests.Alerting;

/// <summary>
/// A channel of kind alertmanager against Debian's real Alertmanager: the alert shows in amtool, reaches a webhook
/// receiver through Alertmanager's own route, is re-sent while it fires, and resolves.
/// </summary>
public sealed class AlertmanagerChannelTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AlertmanagerChannel_SynRecvHighThenHealthy_AlertInAmtoolReachesReceiverThroughItsRouteIsResentAndResolves()
    {
        // Arrange: receiver ← Alertmanager ← dashboard, every hop on loopback.
        await using var receiver = await ChatReceiver.StartAsync();
        await using var alertmanager = await AlertmanagerServer.StartAsync(receiver.Url("/am-webhook"));
        await using var server = await RunningDashboard.StartAsync(
        [
            $"--Dashboard:PublicUrl={AlertingHarness.PublicUrl}",
            "--Dashboard:Diagnosis:For=01:00:00",
            "--Dashboard:Alerting:GroupWait=00:00:01",
            "--Dashboard:Alerting:GroupInterval=00:00:01",
            "--Dashboard:Alerting:Delivery:AlertmanagerResend=00:00:02",
            "--Dashboard:Alerting:Rules:0:Name=AgentSilent",
            "--Dashboard:Alerting:Rules:0:Enabled=false",
            "--Dashboard:Alerting:Rules:1:Name=SynRecvRatioHigh",
            "--Dashboard:Alerting:Rules:1:For=00:00:00",
            "--Dashboard:Alerting:Rules:2:Name=RealServerSynRecvRatioHigh",
            "--Dashboard:Alerting:Rules:2:Enabled=false",
            "--Dashboard:Alerting:Channels:0:Name=team-alertmanager",
            "--Dashboard:Alerting:Channels:0:Kind=alertmanager",
            $"--Dashboard:Alerting:Channels:0:Url={alertmanager.Url}",
        ]);
        using var director = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));

        // Act: the admin's "send test message" reaches Alertmanager's API as an alert already resolved.
        using (var admin = await PersonClient.LogInAsync(server, KnownRoles.Admin))
        {
            var test = await admin.PostAsync("api/v1/alerting/channels/team-alertmanager/test", null);
            Assert.Equal(HttpStatusCode.OK, test.StatusCode);
            Assert.True((await test.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("succeeded").GetBoolean(), await test.Content.ReadAsStringAsync());
            Assert.True(await alertmanager.ReceivedAsync("resolved") >= 1, "Alertmanager took no resolved test alert");
        }

        // Act: nine in ten connections stuck in SYN_RECV on the VIP.
        Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(director,
            TestBatches.Director("lvs-am", 1, DateTimeOffset.UtcNow, synRecv: 90, established: 10, AlertingHarness.Vip))).StatusCode);

        // Assert: amtool lists it with the dashboard's labels.
        await Poll.UntilAsync("amtool to list the alert", () => Query(alertmanager, "alertname=SynRecvRatioHigh").Any(a => a.GetValueOrDefault("director") == "lvs-am"),
            s_wait, () => "\n" + alertmanager.Log);
        var labels = Query(alertmanager, "alertname=SynRecvRatioHigh").Single();
        Assert.Equal(AlertingHarness.Vip, labels["vip"]);
        Assert.Equal("critical", labels["severity"]);

        // Assert: Alertmanager's route delivered it to the receiver, with the dashboard's link as generatorURL.
        await receiver.WaitForAsync(r => r.Path == "/am-webhook" && r.Json.GetProperty("status").GetString() == "firing", s_wait);
        var firing = receiver.Received("/am-webhook").First(r => r.Json.GetProperty("status").GetString() == "firing").Json;
        var alert = firing.GetProperty("alerts")[0];
        Assert.Equal("SynRecvRatioHigh", alert.GetProperty("labels").GetProperty("alertname").GetString());
        Assert.Equal("lvs-am", alert.GetProperty("labels").GetProperty("director").GetString());
        Assert.StartsWith($"{AlertingHarness.PublicUrl}/alerts?fingerprint=", alert.GetProperty("generatorURL").GetString());
        Assert.NotEqual(0, alert.GetProperty("annotations").EnumerateObject().Count());

        // Assert: re-sent while firing (every 2 s here), as its resolve_timeout needs.
        await Poll.UntilAsync("Alertmanager to take the firing alert 3 times or more", async () => await alertmanager.ReceivedAsync("firing") >= 3, s_wait);

        // Act: the VIP is healthy again.
        Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(director,
            TestBatches.Director("lvs-am", 2, DateTimeOffset.UtcNow, synRecv: 0, established: 100, AlertingHarness.Vip))).StatusCode);

        // Assert: resolved at Alertmanager (endsAt sent), so its route tells the receiver, and amtool lists it no more.
        await receiver.WaitForAsync(r => r.Path == "/am-webhook" && r.Json.GetProperty("status").GetString() == "resolved", s_wait);
        var resolved = receiver.Received("/am-webhook").First(r => r.Json.GetProperty("status").GetString() == "resolved").Json.GetProperty("alerts")[0];
        Assert.Equal("lvs-am", resolved.GetProperty("labels").GetProperty("director").GetString());
        Assert.True(resolved.GetProperty("endsAt").GetDateTimeOffset() > resolved.GetProperty("startsAt").GetDateTimeOffset());
        await Poll.UntilAsync("amtool to stop listing the resolved alert", () => Query(alertmanager, "alertname=SynRecvRatioHigh").Count == 0, s_wait);
    }

    private static List<Dictionary<string, string>> Query(AlertmanagerServer alertmanager, params string[] matchers) =>
        alertmanager.QueryAsync(matchers).GetAwaiter().GetResult();
}
