using Dashboard.Core.Diagnosis;

namespace Dashboard.Core.Tests.Diagnosis;

/// <summary>The findings of issue #23: a clock ahead of the server, and a limit that refused data.</summary>
public sealed class TrustFindingRulesTests
{
    private readonly Diagnoser _diagnoser = new(new DiagnosisSettings());

    [Fact]
    public void Evaluate_DirectorClockNineMinutesAhead_ClockSkewNamesHostAndOffset()
    {
        // Arrange
        var fleet = new FleetBuilder().Heartbeat("lvs-b", "director", FleetBuilder.Now).Build() with
        {
            ClockOffsets = new Dictionary<string, TimeSpan> { ["lvs-b"] = TimeSpan.FromSeconds(540.4) },
        };

        // Act
        var finding = Assert.Single(_diagnoser.Evaluate(fleet));

        // Assert
        Assert.Equal((FindingKinds.ClockSkew, "lvs-b", (string?)null), (finding.Kind, finding.Director, finding.Hypervisor));
        Assert.Equal("lvs-b's clock is 540 s ahead of the server", finding.Summary);
        Assert.Contains(finding.Evidence, e => e.Label == "Clock offset" && e.Value == "+540 s");
        Assert.Contains("chronyc", finding.Remediation + string.Join(" ", finding.ConfirmCommands));
    }

    [Fact]
    public void Evaluate_TwoLimitsRefused_OneFindingNamingBothWithCounts()
    {
        // Arrange
        var at = FleetBuilder.Now;
        var fleet = new FleetBuilder().Build() with
        {
            LimitBreaches =
            [
                new LimitBreach("Dashboard:Limits:MaxHosts", 5, "made-up-5004", "lvs-a", "the live store holds 5000 hosts", at),
                new LimitBreach("Dashboard:Limits:MaxHostsPerToken", 2, "made-up-9", "lvs-a", "token 'lvs-a' already sends for 1000 hosts", at.AddSeconds(-5)),
            ],
        };

        // Act
        var finding = Assert.Single(_diagnoser.Evaluate(fleet));

        // Assert
        Assert.Equal(FindingKinds.LimitReached, finding.Kind);
        Assert.Contains("Dashboard:Limits:MaxHosts refused data 5 times", finding.Summary);
        Assert.Contains("Dashboard:Limits:MaxHostsPerToken refused data 2 times", finding.Summary);
        Assert.EndsWith("last: the live store holds 5000 hosts", finding.Summary);
        Assert.Equal(2, finding.Evidence.Count);
    }
}
