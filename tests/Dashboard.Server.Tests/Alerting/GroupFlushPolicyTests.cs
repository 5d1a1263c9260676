using Dashboard.Server.Alerting;

namespace Dashboard.Server.Tests.Alerting;

public sealed class GroupFlushPolicyTests
{
    private static readonly DateTimeOffset s_t0 = new(2024, 5, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly AlertingOptions s_options = new();

    [Fact]
    public void Decide_NewGroupBeforeGroupWait_Waits()
    {
        // Arrange
        var group = Group();

        // Act
        var decision = Decide(group, [Firing("a")], [], s_t0.AddSeconds(9));

        // Assert
        Assert.False(decision.Send);
        Assert.False(decision.Delete);
    }

    [Fact]
    public void Decide_NewGroupAtGroupWait_SendsEveryFiringAlert()
    {
        // Act
        var decision = Decide(Group(), [Firing("a"), Firing("b")], [], s_t0.AddSeconds(10));

        // Assert
        Assert.True(decision.Send);
        Assert.Equal(AlertStates.Firing, decision.Status);
        Assert.Equal(["a", "b"], decision.Group.NotifiedFiring);
        Assert.Equal(1, decision.Group.NotificationCount);
    }

    [Fact]
    public void Decide_AlertJoinsWithinGroupInterval_WaitsForTheInterval()
    {
        // Arrange: notified about "a" at t0+10.
        var group = Group() with { LastFlushAt = s_t0.AddSeconds(10), LastNotifiedAt = s_t0.AddSeconds(10), NotifiedFiring = ["a"] };

        // Act
        var early = Decide(group, [Firing("a"), Firing("b")], [], s_t0.AddSeconds(69));
        var due = Decide(group, [Firing("a"), Firing("b")], [], s_t0.AddSeconds(70));

        // Assert
        Assert.False(early.Send);
        Assert.True(due.Send);
        Assert.Equal(["a", "b"], due.Firing.Select(a => a.Fingerprint));
    }

    [Fact]
    public void Decide_LastAlertResolved_SendsResolvedThenLingersOneInterval()
    {
        // Arrange
        var group = Group() with { LastFlushAt = s_t0.AddSeconds(10), LastNotifiedAt = s_t0.AddSeconds(10), NotifiedFiring = ["a"] };

        // Act
        var decision = Decide(group, [], [Resolved("a")], s_t0.AddSeconds(70));
        var later = Decide(decision.Group, [], [Resolved("a")], s_t0.AddSeconds(130));

        // Assert
        Assert.True(decision.Send);
        Assert.Equal(AlertStates.Resolved, decision.Status);
        Assert.Single(decision.Resolved);
        Assert.False(decision.Delete);
        Assert.False(later.Send);
        Assert.True(later.Delete);
    }

    [Fact]
    public void Decide_FiredAndClearedBeforeGroupWait_NothingSentGroupDeleted()
    {
        // Act
        var decision = Decide(Group(), [], [Resolved("a")], s_t0.AddSeconds(10));

        // Assert
        Assert.False(decision.Send);
        Assert.True(decision.Delete);
    }

    [Fact]
    public void Decide_UnchangedAfterRepeatInterval_RepeatsUnlessAllAcknowledged()
    {
        // Arrange
        var group = Group() with { LastFlushAt = s_t0.AddSeconds(10), LastNotifiedAt = s_t0.AddSeconds(10), NotifiedFiring = ["a", "b"] };
        var at = s_t0.AddSeconds(10) + s_options.RepeatInterval;

        // Act
        var unacknowledged = Decide(group, [Firing("a"), Firing("b") with { AcknowledgedBy = "alice" }], [], at);
        var acknowledged = Decide(group, [Firing("a") with { AcknowledgedBy = "bob" }, Firing("b") with { AcknowledgedBy = "alice" }], [], at);
        var early = Decide(group, [Firing("a"), Firing("b")], [], at.AddSeconds(-1));

        // Assert
        Assert.True(unacknowledged.Send);
        Assert.True(unacknowledged.Repeat);
        Assert.False(acknowledged.Send);
        Assert.False(early.Send);
    }

    [Fact]
    public void Decide_SilencedAlert_CountsAsAbsent()
    {
        // Act
        var decision = GroupFlushPolicy.Decide(Group(), [Firing("a"), Firing("b")], [], false, a => a.Fingerprint == "b", s_options, s_t0.AddSeconds(10));

        // Assert
        Assert.True(decision.Send);
        Assert.Equal(["a"], decision.Firing.Select(a => a.Fingerprint));
    }

    private static FlushDecision Decide(AlertGroupRow group, IReadOnlyList<AlertRow> firing, IReadOnlyList<AlertRow> resolved, DateTimeOffset now) =>
        GroupFlushPolicy.Decide(group, firing, resolved, false, _ => false, s_options, now);

    private static AlertGroupRow Group() => new("{}:{director=\"lvs-a\"}", new Dictionary<string, string> { ["director"] = "lvs-a" }, s_t0, null, null, [], 0);

    private static AlertRow Firing(string fingerprint) => new()
    {
        Fingerprint = fingerprint,
        Rule = "SynRecvRatioHigh",
        RuleKind = AlertRuleKinds.SynRecvRatio,
        Severity = AlertSeverities.Critical,
        Labels = new Dictionary<string, string> { ["alertname"] = "SynRecvRatioHigh", ["fp"] = fingerprint },
        Annotations = new Dictionary<string, string>(),
        GroupKey = "{}:{director=\"lvs-a\"}",
        State = AlertStates.Firing,
        ActiveAt = s_t0,
        StartsAt = s_t0,
        LastEvaluatedAt = s_t0,
    };

    private static AlertRow Resolved(string fingerprint) => Firing(fingerprint) with { State = AlertStates.Resolved, EndsAt = s_t0.AddSeconds(5) };
}
