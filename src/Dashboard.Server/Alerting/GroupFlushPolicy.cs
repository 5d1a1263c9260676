namespace Dashboard.Server.Alerting;

/// <summary>
/// Alertmanager's notification timing for one group: the first message after group_wait, a message about changes (alerts
/// joining, resolving) at most once per group_interval, the same firing set again after repeat_interval unless every
/// firing alert is acknowledged. Silenced alerts count as absent. A condition that fires and clears between two flushes
/// therefore costs at most one message per group_interval, however often it flaps, and one that never outlasts
/// group_wait costs none.
/// </summary>
public static class GroupFlushPolicy
{
    public static FlushDecision Decide(AlertGroupRow group, IReadOnlyList<AlertRow> firing, IReadOnlyList<AlertRow> resolved, bool hasPending,
        Func<AlertRow, bool> silenced, AlertingOptions options, DateTimeOffset now)
    {
        var notifiable = firing.Where(a => !silenced(a)).OrderBy(a => a.StartsAt).ThenBy(a => a.Fingerprint, StringComparer.Ordinal).ToList();
        var firingNow = notifiable.Select(a => a.Fingerprint).ToHashSet(StringComparer.Ordinal);
        var stillThere = firing.Select(a => a.Fingerprint).ToHashSet(StringComparer.Ordinal);
        var notified = group.NotifiedFiring.ToHashSet(StringComparer.Ordinal);
        var gone = resolved
            .Where(a => notified.Contains(a.Fingerprint) && !stillThere.Contains(a.Fingerprint) && !silenced(a))
            .OrderBy(a => a.EndsAt)
            .ToList();
        var changed = !firingNow.SetEquals(notified);
        var earliest = group.LastFlushAt is { } last ? last + options.GroupInterval : group.CreatedAt + options.GroupWait;

        if (changed && now >= earliest)
        {
            var remembered = group with { NotifiedFiring = notifiable.Select(a => a.Fingerprint).ToList() };
            if (notifiable.Count == 0 && gone.Count == 0)
            {
                return Nothing(remembered, firing, hasPending, options, now) with { GroupChanged = true };
            }

            var sent = remembered with { LastFlushAt = now, LastNotifiedAt = now, NotificationCount = group.NotificationCount + 1 };
            return new FlushDecision(true, false, notifiable.Count > 0 ? AlertStates.Firing : AlertStates.Resolved, notifiable, gone, sent, true,
                Deletable(sent, firing, hasPending, options, now));
        }

        if (!changed && notifiable.Count > 0 && group.LastNotifiedAt is { } notifiedAt && now >= notifiedAt + options.RepeatInterval
            && notifiable.Any(a => a.AcknowledgedBy is null) && now >= earliest)
        {
            var repeated = group with { LastFlushAt = now, LastNotifiedAt = now, NotificationCount = group.NotificationCount + 1 };
            return new FlushDecision(true, true, AlertStates.Firing, notifiable, [], repeated, true, false);
        }

        return Nothing(group, firing, hasPending, options, now);
    }

    private static FlushDecision Nothing(AlertGroupRow group, IReadOnlyList<AlertRow> firing, bool hasPending, AlertingOptions options, DateTimeOffset now) =>
        FlushDecision.Nothing(group, Deletable(group, firing, hasPending, options, now));

    // An empty group lingers one group_interval, so a condition that clears and comes back stays under the same throttle.
    private static bool Deletable(AlertGroupRow group, IReadOnlyList<AlertRow> firing, bool hasPending, AlertingOptions options, DateTimeOffset now) =>
        firing.Count == 0 && !hasPending && group.NotifiedFiring.Count == 0
        && (group.LastFlushAt is not { } last || now >= last + options.GroupInterval);
}
