using Microsoft.Extensions.Options;

namespace Dashboard.Server.Alerting;

/// <summary>What people do with alerts, shared by the pages and the API: list, acknowledge, silence.</summary>
public sealed class AlertOperations(
    AlertRepository alerts,
    SilenceRepository silences,
    AlertEngine engine,
    IOptionsMonitor<AlertingOptions> options,
    [FromKeyedServices(AlertingServices.ClockKey)] TimeProvider clock)
{
    public const int MaxCommentLength = 1000;
    public static readonly TimeSpan MaxSilence = TimeSpan.FromDays(30);

    public DateTimeOffset Now => AlertClock.Now(clock);

    public async Task<List<AlertView>> ListAsync(AlertQuery query, CancellationToken ct)
    {
        var now = AlertClock.Now(clock);
        var active = await silences.ActiveAsync(now, ct);
        return (await alerts.ListAsync(query, ct)).Select(a => AlertView.From(a, active, now)).ToList();
    }

    public Task<List<AlertEventRow>> HistoryAsync(long alertId, CancellationToken ct) => alerts.HistoryAsync(alertId, ct);

    public async Task<bool> AcknowledgeAsync(string fingerprint, string user, string? comment, CancellationToken ct)
    {
        var done = await alerts.AcknowledgeAsync(fingerprint, user, Trim(comment), AlertClock.Now(clock), ct);
        if (done)
        {
            engine.NotifyChanged();
        }

        return done;
    }

    public Task<List<Silence>> SilencesAsync(CancellationToken ct) => silences.ListAsync(AlertClock.Now(clock), 50, ct);

    /// <summary>Creates a silence from Alertmanager-style matchers; returns its id, or the reason it was refused.</summary>
    public async Task<(long? Id, string? Error)> SilenceAsync(string? matchers, string? comment, DateTimeOffset? startsAt, DateTimeOffset? endsAt,
        TimeSpan? duration, string user, CancellationToken ct)
    {
        if (!SilenceMatcher.TryParseList(matchers, out var parsed, out var error))
        {
            return (null, error);
        }

        if (Trim(comment) is not { } why)
        {
            return (null, "say why: a silence needs a comment");
        }

        var now = AlertClock.Now(clock);
        var start = startsAt is { } s && s > now ? s : now;
        var end = endsAt ?? start + (duration ?? TimeSpan.FromHours(2));
        if (end <= start || end - start > MaxSilence)
        {
            return (null, $"the end must be after the start and at most {MaxSilence.TotalDays:0} days later");
        }

        var id = await silences.CreateAsync(parsed, user, why, start.ToUniversalTime(), end.ToUniversalTime(), now, ct);
        engine.NotifyChanged();
        return (id, null);
    }

    public async Task<bool> ExpireSilenceAsync(long id, CancellationToken ct)
    {
        var done = await silences.ExpireAsync(id, AlertClock.Now(clock), ct);
        if (done)
        {
            engine.NotifyChanged();
        }

        return done;
    }

    /// <summary>Matchers that silence this alert's incident: its rule at its place.</summary>
    public string SuggestMatchers(AlertView alert)
    {
        var names = new[] { AlertLabels.AlertName }.Concat(options.CurrentValue.EffectiveGroupBy).Append(AlertLabels.RealServer).Append(AlertLabels.Hypervisor).Distinct();
        return string.Join(", ", names
            .Where(n => alert.Labels.ContainsKey(n))
            .Select(n => new SilenceMatcher(n, alert.Labels[n], false, true).ToString()));
    }

    private static string? Trim(string? text) =>
        text?.Trim() is { Length: > 0 } t ? (t.Length > MaxCommentLength ? t[..MaxCommentLength] : t) : null;
}
