using System.Text.Json;
using Dapper;
using Dashboard.Server.Storage;
using Npgsql;

namespace Dashboard.Server.Alerting;

/// <summary>Alerts, their history and their groups in PostgreSQL; the engine's writes share one transaction.</summary>
public sealed class AlertRepository(DashboardDatabase database)
{
    /// <summary>Serializes evaluations across server instances (any fixed value, the same in every instance).</summary>
    public const long EvaluationLockKey = 0x4C56_5344_414C_5254;

    private const string Columns = """
        id, fingerprint, rule, rule_kind, severity, labels::text as labels, annotations::text as annotations, group_key, state, value,
        threshold, active_at, starts_at, ends_at, last_evaluated_at, acknowledged_by, acknowledged_at, ack_comment
        """;

    public static async Task LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        const string sql = "select pg_advisory_xact_lock(@key)";
        await conn.ExecuteAsync(new CommandDefinition(sql, new { key = EvaluationLockKey }, tx, cancellationToken: ct));
    }

    public static async Task<List<AlertRow>> LoadActiveForUpdateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        const string sql = $"select {Columns} from alerts where state <> 'resolved' for update";
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(sql, transaction: tx, cancellationToken: ct));
        return rows.Select(r => r.ToAlert()).ToList();
    }

    /// <summary>Writes the rows that need it, with a history event per state change; returns the rows with their ids.</summary>
    public static async Task<List<AlertRow>> WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<AlertTransition> transitions,
        CancellationToken ct)
    {
        const string insert = """
            insert into alerts (fingerprint, rule, rule_kind, severity, labels, annotations, group_key, state, value, threshold, active_at,
                starts_at, ends_at, last_evaluated_at)
            values (@Fingerprint, @Rule, @RuleKind, @Severity, @Labels::jsonb, @Annotations::jsonb, @GroupKey, @State, @Value, @Threshold,
                @ActiveAt, @StartsAt, @EndsAt, @LastEvaluatedAt)
            returning id
            """;
        const string update = """
            update alerts set annotations = @Annotations::jsonb, state = @State, value = @Value, threshold = @Threshold, starts_at = @StartsAt,
                ends_at = @EndsAt, last_evaluated_at = @LastEvaluatedAt
            where id = @Id
            """;
        const string history = "insert into alert_events (alert_id, at, change) values (@id, @at, @change)";
        // Alerts that only stay what they are are refreshed in one statement: thousands of them cost one round trip.
        const string refresh = """
            update alerts a set annotations = v.annotations::jsonb, value = v.value, threshold = v.threshold, last_evaluated_at = v.at
            from unnest(@ids, @annotations, @values, @thresholds, @ats) as v(id, annotations, value, threshold, at)
            where a.id = v.id
            """;
        var refreshed = transitions.Where(t => t.Before is not null && !t.ChangesState && t.NeedsWrite).Select(t => t.Row).ToList();
        if (refreshed.Count > 0)
        {
            await conn.ExecuteAsync(new CommandDefinition(refresh, new
            {
                ids = refreshed.Select(r => r.Id).ToArray(),
                annotations = refreshed.Select(r => Json(r.Annotations)).ToArray(),
                values = refreshed.Select(r => r.Value).ToArray(),
                thresholds = refreshed.Select(r => r.Threshold).ToArray(),
                ats = refreshed.Select(r => r.LastEvaluatedAt).ToArray(),
            }, tx, cancellationToken: ct));
        }

        var result = new List<AlertRow>(transitions.Count);
        foreach (var t in transitions)
        {
            var row = t.Row;
            if (t.Before is null)
            {
                var id = await conn.ExecuteScalarAsync<long>(new CommandDefinition(insert, Parameters(row), tx, cancellationToken: ct));
                row = row with { Id = id };
            }
            else if (t.ChangesState)
            {
                await conn.ExecuteAsync(new CommandDefinition(update, Parameters(row), tx, cancellationToken: ct));
            }

            if (t.ChangesState)
            {
                await conn.ExecuteAsync(new CommandDefinition(history, new { id = row.Id, at = row.LastEvaluatedAt, change = row.State }, tx, cancellationToken: ct));
            }

            result.Add(row);
        }

        return result;
    }

    public static async Task EnsureGroupAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string groupKey, IReadOnlyDictionary<string, string> labels,
        DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            insert into alert_groups (group_key, labels, created_at) values (@groupKey, @labels::jsonb, @now)
            on conflict (group_key) do nothing
            """;
        await conn.ExecuteAsync(new CommandDefinition(sql, new { groupKey, labels = Json(labels), now }, tx, cancellationToken: ct));
    }

    public static async Task<List<AlertGroupRow>> LoadGroupsForUpdateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        const string sql = """
            select group_key, labels::text as labels, created_at, last_flush_at, last_notified_at, notified_firing, notification_count
            from alert_groups order by group_key for update
            """;
        var rows = await conn.QueryAsync<GroupRow>(new CommandDefinition(sql, transaction: tx, cancellationToken: ct));
        return rows.Select(g => new AlertGroupRow(g.GroupKey, ReadMap(g.Labels), Utc(g.CreatedAt), Utc(g.LastFlushAt), Utc(g.LastNotifiedAt),
            g.NotifiedFiring, g.NotificationCount)).ToList();
    }

    /// <summary>The latest resolved instance of each fingerprint: what a resolved notification reports.</summary>
    public static async Task<List<AlertRow>> LoadLatestResolvedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<string> fingerprints,
        CancellationToken ct)
    {
        if (fingerprints.Count == 0)
        {
            return [];
        }

        const string sql = $"""
            select distinct on (fingerprint) {Columns} from alerts
            where state = 'resolved' and fingerprint = any(@fingerprints)
            order by fingerprint, ends_at desc
            """;
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(sql, new { fingerprints = fingerprints.ToArray() }, tx, cancellationToken: ct));
        return rows.Select(r => r.ToAlert()).ToList();
    }

    public static async Task SaveGroupAsync(NpgsqlConnection conn, NpgsqlTransaction tx, AlertGroupRow group, CancellationToken ct)
    {
        const string sql = """
            update alert_groups set last_flush_at = @LastFlushAt, last_notified_at = @LastNotifiedAt, notified_firing = @notified,
                notification_count = @NotificationCount
            where group_key = @GroupKey
            """;
        await conn.ExecuteAsync(new CommandDefinition(sql, new { group.LastFlushAt, group.LastNotifiedAt, notified = group.NotifiedFiring.ToArray(),
            group.NotificationCount, group.GroupKey }, tx, cancellationToken: ct));
    }

    public static async Task DeleteGroupAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string groupKey, CancellationToken ct)
    {
        const string sql = "delete from alert_groups where group_key = @groupKey";
        await conn.ExecuteAsync(new CommandDefinition(sql, new { groupKey }, tx, cancellationToken: ct));
    }

    /// <summary>The next notification number, unique across groups and their comings and goings.</summary>
    public static async Task<int> NextNotificationNumberAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        const string sql = "select nextval('alert_notification_numbers')::int";
        return await conn.ExecuteScalarAsync<int>(new CommandDefinition(sql, transaction: tx, cancellationToken: ct));
    }

    /// <summary>One outbox row per channel.</summary>
    public static async Task<int> EnqueueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, AlertNotification notification, IEnumerable<string> channels,
        DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            insert into alert_outbox (group_key, sequence, channel, notification, created_at, next_attempt_at)
            values (@groupKey, @sequence, @channel, @notification::jsonb, @now, @now)
            on conflict (sequence, channel) do nothing
            """;
        var json = JsonSerializer.Serialize(notification, AlertingJson.Options);
        var written = 0;
        foreach (var channel in channels)
        {
            written += await conn.ExecuteAsync(new CommandDefinition(sql,
                new { groupKey = notification.GroupKey, sequence = notification.Sequence, channel, notification = json, now }, tx, cancellationToken: ct));
        }

        return written;
    }

    public async Task<List<AlertRow>> ListAsync(AlertQuery query, CancellationToken ct)
    {
        const string sql = $"""
            select {Columns} from alerts
            where (@State::text is null or state = @State)
              and (not @ActiveOnly or state <> 'resolved')
              and (@Severity::text is null or severity = @Severity)
              and (@Director::text is null or labels->>'director' = @Director)
              and (@Fingerprint::text is null or fingerprint = @Fingerprint)
            order by (state <> 'resolved') desc, coalesce(ends_at, starts_at, active_at) desc, id desc
            limit @Limit
            """;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(sql, query with { Limit = Math.Clamp(query.Limit, 1, 5000) }, cancellationToken: ct));
        return rows.Select(r => r.ToAlert()).ToList();
    }

    public async Task<List<AlertEventRow>> HistoryAsync(long alertId, CancellationToken ct)
    {
        const string sql = "select at, change, actor, detail from alert_events where alert_id = @alertId order by at, id";
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(DateTime At, string Change, string? Actor, string? Detail)>(new CommandDefinition(sql, new { alertId }, cancellationToken: ct));
        return rows.Select(r => new AlertEventRow(Utc(r.At), r.Change, r.Actor, r.Detail)).ToList();
    }

    /// <summary>Marks the active alert acknowledged (stops repeats); false when no active alert has this fingerprint.</summary>
    public async Task<bool> AcknowledgeAsync(string fingerprint, string user, string? comment, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            update alerts set acknowledged_by = @user, acknowledged_at = @now, ack_comment = @comment
            where fingerprint = @fingerprint and state <> 'resolved'
            returning id
            """;
        const string history = "insert into alert_events (alert_id, at, change, actor, detail) values (@id, @now, 'acknowledged', @user, @comment)";
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var id = await conn.ExecuteScalarAsync<long?>(new CommandDefinition(sql, new { fingerprint, user, comment, now }, tx, cancellationToken: ct));
        if (id is null)
        {
            return false;
        }

        await conn.ExecuteAsync(new CommandDefinition(history, new { id, now, user, comment }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return true;
    }

    public static string Json(IReadOnlyDictionary<string, string> map) => JsonSerializer.Serialize(map, AlertingJson.Options);

    private static IReadOnlyDictionary<string, string> ReadMap(string json) =>
        JsonSerializer.Deserialize<SortedDictionary<string, string>>(json, AlertingJson.Options) ?? new SortedDictionary<string, string>();

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? at) => at is { } value ? Utc(value) : null;

    private static object Parameters(AlertRow a) => new
    {
        a.Id,
        a.Fingerprint,
        a.Rule,
        a.RuleKind,
        a.Severity,
        Labels = Json(a.Labels),
        Annotations = Json(a.Annotations),
        a.GroupKey,
        a.State,
        a.Value,
        a.Threshold,
        a.ActiveAt,
        a.StartsAt,
        a.EndsAt,
        a.LastEvaluatedAt,
    };

    private sealed class Row
    {
        public long Id { get; set; }
        public string Fingerprint { get; set; } = "";
        public string Rule { get; set; } = "";
        public string RuleKind { get; set; } = "";
        public string Severity { get; set; } = "";
        public string Labels { get; set; } = "{}";
        public string Annotations { get; set; } = "{}";
        public string GroupKey { get; set; } = "";
        public string State { get; set; } = "";
        public double? Value { get; set; }
        public double? Threshold { get; set; }
        public DateTime ActiveAt { get; set; }
        public DateTime? StartsAt { get; set; }
        public DateTime? EndsAt { get; set; }
        public DateTime LastEvaluatedAt { get; set; }
        public string? AcknowledgedBy { get; set; }
        public DateTime? AcknowledgedAt { get; set; }
        public string? AckComment { get; set; }

        public AlertRow ToAlert() => new()
        {
            Id = Id,
            Fingerprint = Fingerprint,
            Rule = Rule,
            RuleKind = RuleKind,
            Severity = Severity,
            Labels = ReadMap(Labels),
            Annotations = ReadMap(Annotations),
            GroupKey = GroupKey,
            State = State,
            Value = Value,
            Threshold = Threshold,
            ActiveAt = Utc(ActiveAt),
            StartsAt = Utc(StartsAt),
            EndsAt = Utc(EndsAt),
            LastEvaluatedAt = Utc(LastEvaluatedAt),
            AcknowledgedBy = AcknowledgedBy,
            AcknowledgedAt = Utc(AcknowledgedAt),
            AckComment = AckComment,
        };
    }

    private sealed class GroupRow
    {
        public string GroupKey { get; set; } = "";
        public string Labels { get; set; } = "{}";
        public DateTime CreatedAt { get; set; }
        public DateTime? LastFlushAt { get; set; }
        public DateTime? LastNotifiedAt { get; set; }
        public string[] NotifiedFiring { get; set; } = [];
        public int NotificationCount { get; set; }
    }
}
