namespace Dashboard.Core.Diagnosis;

public enum FindingChange
{
    Opened,
    Updated,
    Resolved,
}

/// <summary>A finding's life: when its condition first showed, when it opened, the latest evidence, when it resolved.</summary>
public sealed record TrackedFinding(FindingCandidate Latest, DateTimeOffset FirstSeen, DateTimeOffset? OpenedAt, DateTimeOffset LastSeen, DateTimeOffset? ResolvedAt)
{
    public bool IsOpen => OpenedAt is not null && ResolvedAt is null;
}

public sealed record FindingEvent(FindingChange Change, TrackedFinding Finding);

/// <summary>
/// Turns instant evaluations into findings with durations: a condition must hold for `For` to open (churn never fires)
/// and be gone for `ResolveAfter` to resolve (no flapping). Not thread-safe: one owner calls it.
/// </summary>
public sealed class FindingTracker(DiagnosisSettings settings)
{
    private readonly Dictionary<string, TrackedFinding> _tracked = new(StringComparer.Ordinal);

    /// <summary>Findings open now.</summary>
    public IReadOnlyList<TrackedFinding> Open => _tracked.Values.Where(t => t.IsOpen).ToList();

    /// <summary>Puts back findings that were open before a restart, so they keep their start time.</summary>
    public void Restore(IEnumerable<TrackedFinding> open)
    {
        foreach (var finding in open)
        {
            _tracked[finding.Latest.Key] = finding;
        }
    }

    public IReadOnlyList<FindingEvent> Update(IReadOnlyList<FindingCandidate> candidates, DateTimeOffset now)
    {
        var events = new List<FindingEvent>();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            present.Add(candidate.Key);
            if (!_tracked.TryGetValue(candidate.Key, out var tracked))
            {
                tracked = new TrackedFinding(candidate, now, null, now, null);
            }
            else
            {
                tracked = tracked with { Latest = candidate, LastSeen = now };
            }

            // Immediate kinds need no hold time: silence, skew and refusals are already measured facts.
            var hold = candidate.Kind is FindingKinds.AgentSilent or FindingKinds.CounterReset or FindingKinds.ClockSkew or FindingKinds.LimitReached ? TimeSpan.Zero : settings.For;
            if (tracked.OpenedAt is null && now - tracked.FirstSeen >= hold)
            {
                tracked = tracked with { OpenedAt = now };
                events.Add(new FindingEvent(FindingChange.Opened, tracked));
            }
            else if (tracked.IsOpen)
            {
                events.Add(new FindingEvent(FindingChange.Updated, tracked));
            }

            _tracked[candidate.Key] = tracked;
        }

        foreach (var (key, tracked) in _tracked.ToList())
        {
            if (present.Contains(key))
            {
                continue;
            }

            if (!tracked.IsOpen)
            {
                _tracked.Remove(key);
            }
            else if (now - tracked.LastSeen >= settings.ResolveAfter)
            {
                var resolved = tracked with { ResolvedAt = now };
                _tracked.Remove(key);
                events.Add(new FindingEvent(FindingChange.Resolved, resolved));
            }
        }

        return events;
    }
}
