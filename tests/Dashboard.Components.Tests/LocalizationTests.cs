using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Pages;
using Dashboard.Server.Components.Pages.Admin;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Components.Tests;

/// <summary>Every page rendered in zh-CN, with data, as an administrator (every control shown): no interface string falls back to English.</summary>
public sealed class LocalizationTests(PileUpServer fixture) : PageTest(fixture), IClassFixture<PileUpServer>
{
    /// <summary>What the seed's agents and rules say themselves: shown as they wrote it, in any language.</summary>
    private static readonly string[] s_data =
    [
        "Drop traffic without an IP/MAC allow rule.", "Allow traffic from defined IP/MAC pairs.", "lvs-a", "compute-07",
        "DrForwardDrop", "RsIngressDrop", "StatefulHalfFlowDrop", "DirectorWideSynRecv", "AgentSilentFinding", "CounterReset", "SynRecvRatioHigh",
        "RealServerSynRecvRatioHigh", "AntiSpoofDrops", "ConntrackInvalidDrops", "NsxStateMismatchDrops", "AgentSilent", "RealServerDown", "StorageFull",
        "oncall", "Neutron iptables",
    ];

    public static TheoryData<string> Pages =>
    [
        "/", "vip?director=lvs-a&protocol=TCP&virtual=10.1.26.252%3A10051", "vip?director=lvs-a&protocol=TCP&virtual=10.1.26.252%3A10051&range=1h",
        "hypervisor?name=compute-07", "findings?history=true", "alerts", "silences", "wall?page=1", "login?error=LoginFailed", "admin/alert-rules",
        "admin/channels", "admin/storage", "vip?director=lvs-x&protocol=TCP&virtual=10.0.0.1%3A1", "hypervisor?name=compute-99",
    ];

    private static Type PageType(string url) => url.Split('?')[0] switch
    {
        "/" => typeof(Home),
        "vip" => typeof(VipDetail),
        "hypervisor" => typeof(HypervisorDetail),
        "findings" => typeof(Findings),
        "alerts" => typeof(Alerts),
        "silences" => typeof(Silences),
        "wall" => typeof(Wall),
        "login" => typeof(Login),
        "admin/alert-rules" => typeof(AlertRules),
        "admin/channels" => typeof(Channels),
        "admin/storage" => typeof(StoragePage),
        var other => throw new ArgumentException(other),
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (Get<Dashboard.Server.Diagnosis.DiagnosisService>().Open.Count == 0)
        {
            await SeedPileUpAsync();
            await Get<Dashboard.Server.Alerting.AlertEngine>().EvaluateAsync(TestTimeout.Token());
        }
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryPage_InChinese_NoInterfaceStringFallsBackToEnglish(string url)
    {
        // Arrange
        UseCulture("zh-CN");
        SignIn(KnownRoles.Admin, "oncall");
        Navigation.NavigateTo(url);

        // Act: the page, with what it reads from the database in place.
        var page = Ctx.Render<DynamicComponent>(p => p.Add(c => c.Type, PageType(url)));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".loading")));
        page.WaitForAssertion(() => Assert.DoesNotContain(page.FindAll("figcaption"), f => f.TextContent.Length == 0));
        page.Render(p => p.Add(c => c.Type, PageType(url)));
        foreach (var toggle in page.FindAll(".symptoms-toggle"))
        {
            toggle.Click();
        }

        // Assert
        var root = page.Nodes.OfType<AngleSharp.Dom.IElement>().ToList();
        Assert.NotEmpty(root);
        var leaks = root.SelectMany(e => EnglishText.Find(e, s_data)).ToList();
        Assert.True(leaks.Count == 0, $"{url} in zh-CN shows English:\n" + string.Join('\n', leaks));
        Assert.Empty(Missing.Keys);
    }

    /// <summary>
    /// Each alert's detail (evidence, what to do, history) opened in zh-CN, the pile-up's alerts of every rule and an
    /// acknowledgement among them: what the rules and findings wrote in English is shown in Chinese.
    /// </summary>
    [Fact]
    public async Task AlertDetail_EveryAlertInChinese_EvidenceRemediationAndHistoryInChinese()
    {
        // Arrange: one alert acknowledged, so its history has the three kinds of entry a firing alert can have.
        var operations = Get<Dashboard.Server.Alerting.AlertOperations>();
        var active = await operations.ListAsync(new Dashboard.Server.Alerting.AlertQuery(ActiveOnly: true), TestTimeout.Token());
        var cause = active.Single(a => a.Rule == "DrForwardDrop");
        if (cause.AcknowledgedBy is null)
        {
            Assert.True(await operations.AcknowledgeAsync(cause.Fingerprint, "oncall", null, TestTimeout.Token()));
        }

        UseCulture("zh-CN");
        SignIn(KnownRoles.Admin, "oncall");
        Navigation.NavigateTo("alerts?state=all");
        var page = Ctx.Render<Alerts>();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".loading")));
        page.Find("tbody.incident .symptoms-toggle").Click();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("tr.incident-symptom")));

        // Act: every alert's detail, one after the other.
        var rows = page.FindAll("tr[data-fingerprint]").Select(r => (Fingerprint: r.GetAttribute("data-fingerprint")!, Rule: r.QuerySelector("button.dash-link-button")!.TextContent))
            .DistinctBy(r => r.Rule).ToList();
        var leaks = new List<string>();
        var details = new Dictionary<string, string>();
        foreach (var (fingerprint, rule) in rows)
        {
            page.Find($"tr[data-fingerprint='{fingerprint}'] button.dash-link-button").Click();
            page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll($"tr[data-fingerprint='{fingerprint}'] + tr.alert-detail ul.alert-history li")));
            var detail = page.Find($"tr[data-fingerprint='{fingerprint}'] + tr.alert-detail");
            details[rule] = detail.TextContent;
            leaks.AddRange(EnglishText.Find(detail, s_data).Select(l => $"{rule}: {l}"));
        }

        // Assert: the pile-up's four rules, and each detail in Chinese.
        Assert.Equal(["AntiSpoofDrops", "DrForwardDrop", "RealServerSynRecvRatioHigh", "SynRecvRatioHigh"], details.Keys.Order(StringComparer.Ordinal));
        Assert.True(leaks.Count == 0, "alert details in zh-CN show English:\n" + string.Join('\n', leaks));
        Assert.Contains("已确认 · oncall", details["DrForwardDrop"]);
        Assert.Contains("告警中", details["DrForwardDrop"]);
        Assert.Contains("个连接中的", details["SynRecvRatioHigh"]);
        Assert.Contains("累计", details["AntiSpoofDrops"]);
        Assert.Empty(Missing.Keys);
    }
}
