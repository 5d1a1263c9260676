using System.Text.Json;
using Dapper;
using Dashboard.Server.Storage;
using Npgsql;

namespace Dashboard.Server.Alerting.Delivery;

/// <summary>The outbox and the delivery attempts; claiming takes row locks with SKIP LOCKED so two instances never send one row.</summary>
public sealed class OutboxRepository(DashboardDatabase database)
{
    public async Task<List<string>> DueChannelsAsync(DateTimeOffset now, CancellationToken ct)
    {
        const string sql = "select distinct channel from alert_outbox where status = 'pending' and next_attempt_at <= @now";
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<string>(new CommandDefinition(sql, new { now }, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// One sender per channel at a time across instances, so its rate limit is counted by one party; a second sender
    /// waits, then finds the rows already sent.
    /// </summary>
    public static async Task LockChannelAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string channel)
    {
        const string sql = "select pg_advisory_xact_lock(hashtextextended('alert-channel:' || @channel, 0))";
        await conn.ExecuteAsync(new CommandDefinition(sql, new { channel }, tx));
    }

    public static async Task<List<OutboxRow>> ClaimAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string channel, DateTimeOffset now, int limit)
    {
        const string sql = """
            select id, group_key, sequence, channel, notification::text as notification, created_at, attempts
            from alert_outbox
            where channel = @channel and status = 'pending' and next_attempt_at <= @now
            order by id
            limit @limit
            for update skip locked
            """;
        var rows = await conn.QueryAsync<(long Id, string GroupKey, int Sequence, string Channel, string Notification, DateTime CreatedAt, int Attempts)>(
            new CommandDefinition(sql, new { channel, now, limit }, tx));
        return rows.Select(r => new OutboxRow(r.Id, r.GroupKey, r.Sequence, r.Channel,
            JsonSerializer.Deserialize<AlertNotification>(r.Notification, AlertingJson.Options)!,
            new DateTimeOffset(DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc)), r.Attempts)).ToList();
    }

    public static async Task<List<DateTimeOffset>> RecentAttemptsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string channel, DateTimeOffset since)
    {
        const string sql = "select at from alert_delivery_attempts where channel = @channel and at > @since";
        var rows = await conn.QueryAsync<DateTime>(new CommandDefinition(sql, new { channel, since }, tx));
        return rows.Select(at => new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))).ToList();
    }

    public static async Task RecordAttemptAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long? outboxId, string channel, DateTimeOffset at,
        Channels.DeliveryResult result)
    {
        const string sql = """
            insert into alert_delivery_attempts (outbox_id, channel, at, status_code, succeeded, error)
            values (@outboxId, @channel, @at, @status, @succeeded, @error)
            """;
        await conn.ExecuteAsync(new CommandDefinition(sql,
            new { outboxId, channel, at, status = result.StatusCode, succeeded = result.Succeeded, error = result.Error }, tx));
    }

    public static async Task MarkSentAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, DateTimeOffset now)
    {
        const string sql = "update alert_outbox set status = 'sent', sent_at = @now, attempts = attempts + 1, last_error = null where id = @id";
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, now }, tx));
    }

    /// <summary>Rows delivered inside a digest: sent once, as part of the lead row's message.</summary>
    public static async Task MarkFoldedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<long> ids, long into, DateTimeOffset now)
    {
        const string sql = "update alert_outbox set status = 'folded', folded_into = @into, sent_at = @now where id = any(@ids)";
        await conn.ExecuteAsync(new CommandDefinition(sql, new { ids = ids.ToArray(), into, now }, tx));
    }

    public static async Task MarkFailedAttemptAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, string error, DateTimeOffset nextAttemptAt, bool giveUp)
    {
        const string sql = """
            update alert_outbox set attempts = attempts + 1, last_error = @error, next_attempt_at = @nextAttemptAt,
                status = case when @giveUp then 'failed' else status end
            where id = @id
            """;
        await conn.ExecuteAsync(new CommandDefinition(sql, new { id, error, nextAttemptAt, giveUp }, tx));
    }

    public static async Task DeferAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<long> ids, DateTimeOffset until)
    {
        if (ids.Count == 0)
        {
            return;
        }

        const string sql = "update alert_outbox set next_attempt_at = greatest(next_attempt_at, @until) where id = any(@ids)";
        await conn.ExecuteAsync(new CommandDefinition(sql, new { ids = ids.ToArray(), until }, tx));
    }

    public static async Task FailAllAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<long> ids, string error)
    {
        const string sql = "update alert_outbox set status = 'failed', last_error = @error where id = any(@ids)";
        await conn.ExecuteAsync(new CommandDefinition(sql, new { ids = ids.ToArray(), error }, tx));
    }

    public async Task<List<ChannelDeliveryStats>> StatsAsync(CancellationToken ct)
    {
        const string sql = """
            with outbox as (
                select channel, count(*) filter (where status = 'pending') as pending, count(*) filter (where status = 'failed') as failed,
                       max(sent_at) as last_sent_at
                from alert_outbox group by channel),
            attempts as (
                select distinct on (channel) channel, at, succeeded, error
                from alert_delivery_attempts order by channel, at desc, id desc)
            select coalesce(o.channel, a.channel) as channel, coalesce(o.pending, 0)::int as pending, coalesce(o.failed, 0)::int as failed,
                   o.last_sent_at, a.at as last_attempt_at, a.succeeded as last_succeeded, a.error as last_error
            from outbox o full join attempts a on a.channel = o.channel
            """;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Channel, int Pending, int Failed, DateTime? LastSentAt, DateTime? LastAttemptAt, bool? LastSucceeded, string? LastError)>(
            new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => new ChannelDeliveryStats(r.Channel, r.Pending, r.Failed, Utc(r.LastSentAt), Utc(r.LastAttemptAt), r.LastSucceeded, r.LastError)).ToList();
    }

    private static DateTimeOffset? Utc(DateTime? at) => at is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
