using Dashboard.Server.Alerting;
using Dashboard.Server.Model;

namespace Dashboard.Server.Tests.Model;

public sealed class AlertIncidentTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 11, 20, 0, 0, TimeSpan.Zero);
    private static int s_id;

    private static AlertView Alert(string rule, string state, string severity, params (string Name, string Value)[] labels) => new(
        ++s_id, $"fp-{s_id}", rule, state, severity, labels.ToDictionary(l => l.Name, l => l.Value), new Dictionary<string, string>(), At, At, null,
        null, null, null, null, null, []);

    [Fact]
    public void Group_PileUp_CauseFoldsSymptomsOfItsVipAndPortOnly()
    {
        // Arrange: the finding's alert, three symptoms of its VIP and port, one alert about another VIP.
        var cause = Alert("DrForwardDrop", AlertStates.Firing, AlertSeverities.Critical,
            ("finding", "dr-forward-drop"), ("director", "lvs-a"), ("vip", "10.1.26.252:10051"), ("hypervisor", "compute-07"), ("port", "38833ad6-c"));
        var vip = Alert("SynRecvRatioHigh", AlertStates.Pending, AlertSeverities.Critical, ("director", "lvs-a"), ("vip", "10.1.26.252:10051"));
        var rs = Alert("RealServerSynRecvRatioHigh", AlertStates.Firing, AlertSeverities.Warning,
            ("director", "lvs-a"), ("vip", "10.1.26.252:10051"), ("real_server", "10.1.26.136:10051"));
        var drops = Alert("AntiSpoofDrops", AlertStates.Firing, AlertSeverities.Warning, ("hypervisor", "compute-07"), ("port", "38833ad6-c"));
        var other = Alert("SynRecvRatioHigh", AlertStates.Firing, AlertSeverities.Critical, ("director", "lvs-a"), ("vip", "10.9.9.9:80"));

        // Act
        var incidents = AlertIncident.Group([rs, other, drops, cause, vip], "severity");

        // Assert: the cause on top with its three symptoms (most severe first), the unrelated alert alone.
        Assert.Equal(2, incidents.Count);
        Assert.Same(cause, incidents[0].Cause);
        Assert.Equal([vip, drops, rs], incidents[0].Symptoms.ToArray());
        Assert.Same(other, incidents[1].Cause);
        Assert.Empty(incidents[1].Symptoms);
    }

    [Fact]
    public void Group_CauseResolvedSymptomStillFiring_NotFolded()
    {
        // As an inhibition rule: a source that stopped firing mutes nothing.
        var cause = Alert("DrForwardDrop", AlertStates.Resolved, AlertSeverities.Critical, ("finding", "dr-forward-drop"), ("director", "lvs-a"), ("vip", "v"));
        var symptom = Alert("SynRecvRatioHigh", AlertStates.Firing, AlertSeverities.Critical, ("director", "lvs-a"), ("vip", "v"));

        var incidents = AlertIncident.Group([cause, symptom], "severity");

        Assert.Equal([symptom, cause], incidents.Select(i => i.Cause).ToArray());
        Assert.All(incidents, i => Assert.Empty(i.Symptoms));
    }

    [Fact]
    public void Explains_RealServerCause_OtherRealServersOfTheVipNotFolded()
    {
        var cause = Alert("RsIngressDrop", AlertStates.Firing, AlertSeverities.Critical,
            ("finding", "rs-ingress-drop"), ("director", "lvs-a"), ("vip", "v"), ("real_server", "10.0.0.1:80"));

        Assert.True(AlertInhibition.Explains(cause, Alert("x", AlertStates.Firing, AlertSeverities.Warning, ("director", "lvs-a"), ("vip", "v"), ("real_server", "10.0.0.1:80"))));
        Assert.False(AlertInhibition.Explains(cause, Alert("x", AlertStates.Firing, AlertSeverities.Warning, ("director", "lvs-a"), ("vip", "v"), ("real_server", "10.0.0.2:80"))));
        Assert.False(AlertInhibition.Explains(cause, Alert("x", AlertStates.Firing, AlertSeverities.Warning, ("director", "lvs-b"), ("vip", "v"))));
    }

    [Fact]
    public void Group_SortSince_NewestIncidentFirst()
    {
        var older = Alert("A", AlertStates.Firing, AlertSeverities.Critical, ("director", "a")) with { StartsAt = At };
        var newer = Alert("B", AlertStates.Firing, AlertSeverities.Info, ("director", "b")) with { StartsAt = At.AddMinutes(5) };

        Assert.Equal([newer, older], AlertIncident.Group([older, newer], "since").Select(i => i.Cause).ToArray());
        Assert.Equal([older, newer], AlertIncident.Group([older, newer], "severity").Select(i => i.Cause).ToArray());
    }
}
