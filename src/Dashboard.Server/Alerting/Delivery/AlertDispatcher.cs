using Dashboard.Server.Alerting.Channels;
using Dashboard.Server.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Alerting.Delivery;

/// <summary>
/// Sends the outbox: per channel, under a per-channel lock and row locks taken with SKIP LOCKED, within the channel's
/// rate limit (beyond it, due messages fold into one digest), retrying failures with exponential backoff and jitter.
/// A row is marked sent in the transaction that holds its lock, so a crash before the commit sends it again at most
/// once more, and a clean stop finishes the request under way before it leaves.
/// </summary>
public sealed class AlertDispatcher(
    DashboardDatabase database,
    OutboxRepository outbox,
    ChannelCatalog channels,
    ChannelSender sender,
    AlertLinks links,
    IOptionsMonitor<AlertingOptions> options,
    [FromKeyedServices(AlertingServices.ClockKey)] TimeProvider clock,
    ILogger<AlertDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 50;

    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Looks at the outbox now instead of at the next poll.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another caller woke it first.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (Storage.DatabaseFaults.IsUnavailable(e))
            {
                logger.LogWarning("Alert dispatch paused, database unavailable: {Reason}", e.Message);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Alert dispatch failed; retrying at the next poll");
            }

            try
            {
                await _wake.WaitAsync(options.CurrentValue.Delivery.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Sends what is due now on every channel; returns the number of messages sent.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken stopping)
    {
        var due = await outbox.DueChannelsAsync(AlertClock.Now(clock), stopping);
        if (due.Count == 0)
        {
            return 0;
        }

        // Channels are independent: one that times out must not hold back the others.
        var known = await channels.AllAsync(stopping);
        var sent = await Task.WhenAll(due.Select(name => DispatchChannelAsync(name, known.FirstOrDefault(c => c.Name == name), stopping)));
        return sent.Sum();
    }

    private async Task<int> DispatchChannelAsync(string name, AlertChannel? channel, CancellationToken stopping)
    {
        // Past this point nothing is cancelled: a request once made is recorded.
        await using var conn = await database.DataSource.OpenConnectionAsync(stopping);
        await using var tx = await conn.BeginTransactionAsync(CancellationToken.None);
        await OutboxRepository.LockChannelAsync(conn, tx, name);
        var now = AlertClock.Now(clock);
        var rows = await OutboxRepository.ClaimAsync(conn, tx, name, now, BatchSize);
        if (rows.Count == 0)
        {
            await tx.CommitAsync(CancellationToken.None);
            return 0;
        }

        if (channel is null || !channel.Enabled || sender.Formatter(channel.Kind) is not { } formatter)
        {
            await OutboxRepository.FailAllAsync(conn, tx, rows.Select(r => r.Id).ToList(), channel is null ? "channel no longer exists" : "channel disabled");
            await tx.CommitAsync(CancellationToken.None);
            return 0;
        }

        var limits = ChannelRateLimit.For(channel.Kind);
        var recent = limits.Count > 0 ? await OutboxRepository.RecentAttemptsAsync(conn, tx, name, now - ChannelRateLimit.Longest(limits)) : [];
        var remaining = ChannelRateLimit.Remaining(limits, recent, now);
        int sent;
        if (remaining == 0)
        {
            await OutboxRepository.DeferAsync(conn, tx, rows.Select(r => r.Id).ToList(), ChannelRateLimit.NextFree(limits, recent, now));
            sent = 0;
        }
        else if (rows.Count > remaining && rows.Count > 1 && formatter.CanDigest)
        {
            sent = await SendDigestAsync(conn, tx, channel, rows, now);
        }
        else
        {
            sent = await SendEachAsync(conn, tx, channel, rows, remaining, limits, recent, now, stopping);
        }

        await tx.CommitAsync(CancellationToken.None);
        return sent;
    }

    private async Task<int> SendEachAsync(Npgsql.NpgsqlConnection conn, Npgsql.NpgsqlTransaction tx, AlertChannel channel, List<OutboxRow> rows,
        int remaining, IReadOnlyList<ChannelRateLimit> limits, List<DateTimeOffset> recent, DateTimeOffset now, CancellationToken stopping)
    {
        var sent = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (stopping.IsCancellationRequested)
            {
                break;
            }

            if (sent >= remaining)
            {
                await OutboxRepository.DeferAsync(conn, tx, rows.Skip(i).Select(r => r.Id).ToList(), ChannelRateLimit.NextFree(limits, recent, now));
                break;
            }

            var message = MessageBuilder.Build(row.Notification, channel.Language, options.CurrentValue.MaxAlertsPerMessage);
            var result = await sender.SendAsync(channel, new ChannelPayload(message, row.Notification, row.Id), now);
            await OutboxRepository.RecordAttemptAsync(conn, tx, row.Id, channel.Name, now, result);
            recent.Add(now);
            if (result.Succeeded)
            {
                await OutboxRepository.MarkSentAsync(conn, tx, row.Id, now);
                sent++;
                continue;
            }

            var retryAt = await RecordFailureAsync(conn, tx, channel, row, result, now);
            if (result.Retryable)
            {
                // The channel is in trouble: the rest wait with the failed one, in order.
                await OutboxRepository.DeferAsync(conn, tx, rows.Skip(i + 1).Select(r => r.Id).ToList(), retryAt);
                break;
            }
        }

        return sent;
    }

    private async Task<int> SendDigestAsync(Npgsql.NpgsqlConnection conn, Npgsql.NpgsqlTransaction tx, AlertChannel channel, List<OutboxRow> rows,
        DateTimeOffset now)
    {
        var lead = rows[0];
        var message = MessageBuilder.Digest(rows.Select(r => r.Notification).ToList(), channel.Language, $"{links.Base}/alerts");
        var result = await sender.SendAsync(channel, new ChannelPayload(message, lead.Notification, lead.Id), now);
        await OutboxRepository.RecordAttemptAsync(conn, tx, lead.Id, channel.Name, now, result);
        if (result.Succeeded)
        {
            await OutboxRepository.MarkSentAsync(conn, tx, lead.Id, now);
            await OutboxRepository.MarkFoldedAsync(conn, tx, rows.Skip(1).Select(r => r.Id).ToList(), lead.Id, now);
            logger.LogInformation("Channel {Channel}: {Count} notifications folded into one digest (rate limit)", channel.Name, rows.Count);
            return 1;
        }

        var retryAt = await RecordFailureAsync(conn, tx, channel, lead, result, now);
        await OutboxRepository.DeferAsync(conn, tx, rows.Skip(1).Select(r => r.Id).ToList(), retryAt);
        return 0;
    }

    private async Task<DateTimeOffset> RecordFailureAsync(Npgsql.NpgsqlConnection conn, Npgsql.NpgsqlTransaction tx, AlertChannel channel, OutboxRow row,
        DeliveryResult result, DateTimeOffset now)
    {
        var delivery = options.CurrentValue.Delivery;
        var giveUp = !result.Retryable || now - row.CreatedAt >= delivery.GiveUpAfter;
        var retryAt = now + RetrySchedule.Delay(row.Attempts + 1, delivery, Random.Shared.NextDouble(), result.RetryAfter);
        await OutboxRepository.MarkFailedAttemptAsync(conn, tx, row.Id, result.Error ?? "failed", retryAt, giveUp);
        if (giveUp)
        {
            logger.LogError("Channel {Channel}: notification {Id} not delivered, giving up after {Attempts} attempts: {Error}",
                channel.Name, row.Id, row.Attempts + 1, result.Error);
        }
        else
        {
            logger.LogWarning("Channel {Channel}: notification {Id} attempt {Attempt} failed ({Error}); next at {RetryAt:O}",
                channel.Name, row.Id, row.Attempts + 1, result.Error, retryAt);
        }

        return retryAt;
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
