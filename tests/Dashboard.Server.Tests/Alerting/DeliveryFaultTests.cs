using Dashboard.Server.Alerting;
using Dashboard.Server.Alerting.Delivery;

namespace Dashboard.Server.Tests.Alerting;

public sealed class DeliveryFaultTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Hook = "/webhook";
    private static readonly TestChannel[] s_webhook = [new("ops-hook", ChannelKinds.Webhook, Hook)];

    [Theory]
    [InlineData(ReceiverMode.Fail)]
    [InlineData(ReceiverMode.Hang)]
    public async Task Dispatch_ReceiverDownForTwoMinutesThenBack_EachAcceptedOnceOnBackoffScheduleAndEveryAttemptCountedAsACopy(ReceiverMode outage)
    {
        // Arrange: a pile-up fires; the receiver is down from the start.
        await using var h = await AlertingHarness.StartAsync(s_webhook);
        var downUntil = h.Clock!.GetUtcNow() + TimeSpan.FromMinutes(2);
        h.Receiver.Mode = outage;
        await h.PushDirectorAsync("lvs-a", synRecv: 60, established: 2);
        await h.EvaluateAsync();

        // Act: group_wait passes, the firing notification is queued and its first attempt fails.
        await h.StepAsync(TimeSpan.FromSeconds(10));
        var delays = new List<TimeSpan>();
        var resolvedQueued = false;
        while (h.Clock.GetUtcNow() < downUntil)
        {
            var pending = (await h.OutboxAsync("ops-hook")).Where(r => r.Status == "pending").ToList();
            var lead = pending[0];
            var next = new DateTimeOffset(DateTime.SpecifyKind(lead.NextAttemptAt, DateTimeKind.Utc));
            delays.Add(next - h.Clock.GetUtcNow());
            if (!resolvedQueued && h.Clock.GetUtcNow() > downUntil - TimeSpan.FromSeconds(75))
            {
                // The condition clears during the outage: a resolved notification queues behind the firing one.
                await h.PushDirectorAsync("lvs-a", synRecv: 0, established: 50);
                resolvedQueued = true;
            }

            await h.StepAsync(next - h.Clock.GetUtcNow());
        }

        h.Receiver.Mode = ReceiverMode.Answer;
        for (var i = 0; i < 20 && (await h.OutboxAsync("ops-hook")).Any(r => r.Status == "pending"); i++)
        {
            await h.StepAsync(TimeSpan.FromMinutes(1));
        }

        output.WriteLine($"retry delays (s): {string.Join(", ", delays.Select(d => d.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))}");
        // Assert: every notification was accepted exactly once, firing first; each was tried while the receiver was down.
        var accepted = h.Receiver.Accepted(Hook);
        Assert.Equal(["firing", "resolved"], accepted.Select(r => r.Json.GetProperty("status").GetString()));
        Assert.Equal(accepted.Count, accepted.Select(r => r.Header(ChannelSender.NotificationHeader)).Distinct().Count());
        var rows = await h.OutboxAsync("ops-hook");
        Assert.All(rows, r => Assert.Equal("sent", r.Status));
        Assert.True(h.Receiver.Received(Hook).Count(r => !r.Accepted) >= 4, "the outage should have cost several attempts");
        // At least once, not exactly once: a hung request (status 0) reached the receiver too, so every attempt is a copy
        // the chat may show; copies per message are bounded by the attempts the outbox counted, never more.
        var copies = h.Receiver.Received(Hook).GroupBy(r => r.Header(ChannelSender.NotificationHeader)).ToDictionary(g => g.Key!, g => g.Count());
        output.WriteLine($"{outage}: arrivals per message (outbox id: copies/attempts): "
            + string.Join(", ", rows.Select(r => $"{r.Id}: {copies.GetValueOrDefault(r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))}/{r.Attempts}")));
        Assert.Equal(rows.Select(r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), copies.Keys.Order());
        Assert.All(rows, r => Assert.Equal(r.Attempts, copies[r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        Assert.True(copies.Values.Max() >= 2, "the outage should have made the firing message arrive more than once");
        // Exponential backoff with jitter: attempt n waits between half and all of min(5 min, 2 s · 2^(n-1)).
        for (var n = 1; n <= Math.Min(delays.Count, 6); n++)
        {
            var ceiling = Math.Min(300, 2 * Math.Pow(2, n - 1));
            Assert.InRange(delays[n - 1].TotalSeconds, ceiling / 2 - 0.001, ceiling + 0.001);
        }
    }

    [Fact]
    public async Task Dispatch_ServerRestartsWithMessagePending_MessageArrivesOnceAndAlertKeepsFiring()
    {
        // Arrange: real clock, short backoff, no group wait; the receiver fails, so the firing notification stays pending.
        await using var h = await AlertingHarness.StartAsync(s_webhook,
            ["--Dashboard:Alerting:GroupWait=00:00:00", "--Dashboard:Alerting:Delivery:InitialBackoff=00:00:00.200", "--Dashboard:Alerting:Delivery:MaxBackoff=00:00:00.500"],
            manualClock: false);
        h.Receiver.Mode = ReceiverMode.Fail;
        await h.PushDirectorAsync("lvs-a", synRecv: 60, established: 2);
        await h.EvaluateAsync();
        await h.DispatchAsync();
        Assert.Equal("pending", Assert.Single(await h.OutboxAsync("ops-hook")).Status);

        // Act: restart with the message pending; the receiver recovers; the new instance evaluates and dispatches again and again.
        await h.RestartAsync();
        h.Receiver.Mode = ReceiverMode.Answer;
        await h.Receiver.WaitForAsync(r => r.Path == Hook && r.Accepted, TimeSpan.FromSeconds(30));
        for (var i = 0; i < 3; i++)
        {
            await h.EvaluateAsync();
            await h.DispatchAsync();
        }

        // Assert: exactly one message; the live store is empty after the restart, but the alert is not resolved for that.
        var accepted = Assert.Single(h.Receiver.Accepted(Hook));
        Assert.Equal("firing", accepted.Json.GetProperty("status").GetString());
        Assert.Equal("sent", Assert.Single(await h.OutboxAsync("ops-hook")).Status);
        Assert.Contains(await h.Operations.ListAsync(new AlertQuery(State: AlertStates.Firing), default), a => a.Rule == "SynRecvRatioHigh");
    }

    [Fact]
    public async Task Dispatch_TwoInstancesOnOneDatabase_EachNotificationSentOnce()
    {
        // Arrange: ten directors pile up, ten groups, ten notifications queued; a second server instance shares the database.
        await using var h = await AlertingHarness.StartAsync(s_webhook,
            ["--Dashboard:Alerting:GroupWait=00:00:00", "--Dashboard:Alerting:Delivery:InitialBackoff=00:00:00.200", "--Dashboard:Alerting:Delivery:MaxBackoff=00:00:00.500"],
            manualClock: false);
        h.Receiver.Mode = ReceiverMode.Fail;
        for (var i = 1; i <= 10; i++)
        {
            await h.PushDirectorAsync($"lvs-{i:00}", synRecv: 60, established: 2);
        }

        await h.EvaluateAsync();
        await using var second = await Infrastructure.RunningDashboard.StartAsync(
            [$"--Dashboard:Alerting:Channels:0:Name=ops-hook", "--Dashboard:Alerting:Channels:0:Kind=webhook",
             $"--Dashboard:Alerting:Channels:0:Url={h.Receiver.Url(Hook)}", "--Dashboard:Diagnosis:For=01:00:00"],
            connectionString: h.Server.ConnectionString);
        var otherDispatcher = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<AlertDispatcher>(second.Services);
        Assert.Equal(10, (await h.OutboxAsync("ops-hook")).Count);

        // Act: the receiver recovers; both instances dispatch at once, besides their own background loops, until all arrived.
        h.Receiver.Mode = ReceiverMode.Answer;
        var allArrived = h.Receiver.WaitForAsync(_ => h.Receiver.Accepted(Hook).Count >= 10, TimeSpan.FromSeconds(30));
        await Task.WhenAll(h.DispatchAsync(), otherDispatcher.DispatchDueAsync(Infrastructure.TestTimeout.Token()), h.DispatchAsync(),
            otherDispatcher.DispatchDueAsync(Infrastructure.TestTimeout.Token()));
        await allArrived;
        await Task.WhenAll(h.DispatchAsync(), otherDispatcher.DispatchDueAsync(Infrastructure.TestTimeout.Token()));

        // Assert
        var ids = h.Receiver.Accepted(Hook).Select(r => r.Header(ChannelSender.NotificationHeader)).ToList();
        Assert.Equal(10, ids.Count);
        Assert.Equal(10, ids.Distinct().Count());
        Assert.All(await h.OutboxAsync("ops-hook"), r => Assert.Equal("sent", r.Status));
    }
}
