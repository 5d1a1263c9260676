using Dashboard.Core.Diagnosis;

namespace Dashboard.Core.Tests.Diagnosis;

public sealed class FindingTrackerTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 11, 20, 0, 0, TimeSpan.Zero);
    private readonly FindingTracker _tracker = new(new DiagnosisSettings { For = TimeSpan.FromSeconds(10), ResolveAfter = TimeSpan.FromSeconds(30) });

    private static FindingCandidate Candidate(string kind = FindingKinds.DrForwardDrop) =>
        new(kind, FindingSeverity.Critical, "lvs-a", "10.1.26.252:10051", "compute-07", "38833ad6-c", null, "pile-up", [], [], "fix");

    [Fact]
    public void Update_ConditionShorterThanFor_NeverOpens()
    {
        // Act
        var events = _tracker.Update([Candidate()], s_t0)
            .Concat(_tracker.Update([Candidate()], s_t0.AddSeconds(5)))
            .Concat(_tracker.Update([], s_t0.AddSeconds(10)))
            .Concat(_tracker.Update([Candidate()], s_t0.AddSeconds(15)))
            .ToList();

        // Assert
        Assert.Empty(events);
        Assert.Empty(_tracker.Open);
    }

    [Fact]
    public void Update_ConditionHeldForFor_OpensOnceWithItsFirstSeenTime()
    {
        // Act
        _tracker.Update([Candidate()], s_t0);
        _tracker.Update([Candidate()], s_t0.AddSeconds(5));
        var opened = _tracker.Update([Candidate()], s_t0.AddSeconds(10));
        var next = _tracker.Update([Candidate()], s_t0.AddSeconds(15));

        // Assert
        var e = Assert.Single(opened);
        Assert.Equal(FindingChange.Opened, e.Change);
        Assert.Equal(s_t0, e.Finding.FirstSeen);
        Assert.Equal(FindingChange.Updated, Assert.Single(next).Change);
    }

    [Fact]
    public void Update_FlappingInsideResolveAfter_StaysOpenWithoutNewEvents()
    {
        // Arrange
        foreach (var s in new[] { 0, 5, 10 })
        {
            _tracker.Update([Candidate()], s_t0.AddSeconds(s));
        }

        // Act: gone for 20 s, back, gone again for 20 s.
        var events = new List<FindingEvent>();
        events.AddRange(_tracker.Update([], s_t0.AddSeconds(20)));
        events.AddRange(_tracker.Update([], s_t0.AddSeconds(30)));
        events.AddRange(_tracker.Update([Candidate()], s_t0.AddSeconds(35)));
        events.AddRange(_tracker.Update([], s_t0.AddSeconds(55)));

        // Assert
        Assert.DoesNotContain(events, e => e.Change is FindingChange.Opened or FindingChange.Resolved);
        Assert.Single(_tracker.Open);
    }

    [Fact]
    public void Update_GoneForResolveAfter_ResolvesOnce()
    {
        // Arrange
        foreach (var s in new[] { 0, 5, 10 })
        {
            _tracker.Update([Candidate()], s_t0.AddSeconds(s));
        }

        // Act
        var before = _tracker.Update([], s_t0.AddSeconds(39));
        var resolved = _tracker.Update([], s_t0.AddSeconds(40));
        var after = _tracker.Update([], s_t0.AddSeconds(45));

        // Assert
        Assert.Empty(before);
        var e = Assert.Single(resolved);
        Assert.Equal((FindingChange.Resolved, s_t0.AddSeconds(40)), (e.Change, e.Finding.ResolvedAt));
        Assert.Empty(after);
        Assert.Empty(_tracker.Open);
    }

    [Fact]
    public void Update_AgentSilent_OpensWithoutHoldTime()
    {
        // Act
        var events = _tracker.Update([Candidate(FindingKinds.AgentSilent)], s_t0);

        // Assert
        Assert.Equal(FindingChange.Opened, Assert.Single(events).Change);
    }
}
