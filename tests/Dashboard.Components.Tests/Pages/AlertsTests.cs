using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Alerting;
using Dashboard.Server.Components.Pages;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using MudBlazor;

namespace Dashboard.Components.Tests.Pages;

public sealed class AlertsTests(PileUpServer fixture) : PageTest(fixture), IClassFixture<PileUpServer>
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (Get<Dashboard.Server.Diagnosis.DiagnosisService>().Open.Count == 0)
        {
            await SeedPileUpAsync();
            await Get<AlertEngine>().EvaluateAsync(TestTimeout.Token());
        }
    }

    /// <summary>The alerts are read from the database after the first render: wait for them.</summary>
    private IRenderedComponent<Alerts> Open(string url)
    {
        var page = RenderAt<Alerts>(url);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".loading")));
        return page;
    }

    private static AngleSharp.Dom.IElement Incident(IRenderedComponent<Alerts> page) =>
        page.FindAll("tbody.incident").Single(t => t.QuerySelector("tr.incident-cause button")!.TextContent == "DrForwardDrop");

    [Fact]
    public void Render_PileUp_OneIncidentCauseOnTopSymptomsFolded()
    {
        var page = Open("alerts");

        var incident = Incident(page);
        Assert.Empty(incident.QuerySelectorAll("tr.incident-symptom"));
        Assert.Contains("health-critical", incident.QuerySelector("tr.incident-cause")!.ClassList);
        var total = int.Parse(System.Text.RegularExpressions.Regex.Match(page.Find(".incident-count").TextContent, @"\((\d+)").Groups[1].Value);
        Assert.Equal(1, page.FindAll("tbody.incident").Count);
        Assert.Equal($"{total - 1} symptoms", incident.QuerySelector(".symptoms-toggle")!.TextContent.Trim());
    }

    [Fact]
    public void SymptomsToggle_Clicked_ShowsEverySymptomUnderTheCause()
    {
        var page = Open("alerts");
        var folded = int.Parse(Incident(page).QuerySelector(".symptoms-toggle")!.TextContent.Trim().Split(' ')[0]);

        page.Find("tbody.incident .symptoms-toggle").Click();

        // The list may be read again from the database meanwhile (a live update); the rows come with the render after it.
        page.WaitForAssertion(() => Assert.Equal(folded, Incident(page).QuerySelectorAll("tr.incident-symptom").Length));
        var rows = Incident(page).QuerySelectorAll("tr.incident-symptom");
        Assert.Contains(rows, r => r.TextContent.Contains("SynRecvRatioHigh", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.TextContent.Contains("AntiSpoofDrops", StringComparison.Ordinal));
        Assert.Equal("true", page.Find(".symptoms-toggle").GetAttribute("aria-expanded"));
    }

    [Fact]
    public void DirectorFilter_NoSuchDirector_NoAlertsMessageAndFilterKept()
    {
        var page = Open("alerts?state=resolved&director=lvs-nowhere");

        Assert.Equal("No alert matches.", page.Find("p.empty").TextContent);
        Assert.Equal("Resolved", page.Find(".query-links[data-query='state'] a.active").TextContent);
        Assert.Equal("http://localhost/alerts?state=firing&director=lvs-nowhere", page.FindAll(".query-links[data-query='state'] a").Single(a => a.TextContent == "Firing").GetAttribute("href"));
    }

    [Fact]
    public void RuleName_Clicked_DetailsWithEvidenceLabelsAndHistory()
    {
        var page = Open("alerts");

        page.Find("tr.incident-cause button.dash-link-button").Click();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("ul.alert-history li")));
        Assert.Contains("finding=\"dr-forward-drop\"", page.Find(".alert-labels").TextContent);
    }

    [Fact]
    public void Viewer_NoAcknowledgeButton()
    {
        SignIn(KnownRoles.Viewer, "watcher");

        var page = Open("alerts");

        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent == "Acknowledge");
    }

    [Fact]
    public void Operator_InChinese_AcknowledgeAndSilenceWithTheSuggestedMatchers()
    {
        UseCulture("zh-CN");
        SignIn(KnownRoles.Operator);
        var page = Open("alerts");
        page.Find("tbody.incident .symptoms-toggle").Click();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("tr.incident-symptom")));

        var row = page.FindAll("tr[data-fingerprint]").First(r => r.QuerySelectorAll("button").Any(b => b.TextContent == "SynRecvRatioHigh"));

        Assert.Contains(row.QuerySelectorAll("button"), b => b.TextContent == "确认");
        var silence = row.QuerySelectorAll("a").Single(a => a.TextContent == "静默…");
        Assert.Equal("silences?matchers=" + Uri.EscapeDataString("alertname=\"SynRecvRatioHigh\", director=\"lvs-a\", vip=\"10.1.26.252:10051\""),
            silence.GetAttribute("href"));
    }

    [Fact]
    public async Task Acknowledge_AsOperatorWithComment_ConfirmedInADialogAndStored()
    {
        // Arrange
        SignIn(KnownRoles.Operator);
        var dialogs = Ctx.Render<MudDialogProvider>();
        var snackbars = Ctx.Render<MudSnackbarProvider>();
        var page = Open("alerts?severity=critical");
        var cause = page.Find("tr.incident-cause").GetAttribute("data-fingerprint")!;

        // Act: cancelled first, then confirmed with a comment.
        page.FindAll("tr.incident-cause button").First(b => b.TextContent == "Acknowledge").Click();
        dialogs.WaitForElement(".ack-cancel").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".ack-cancel")));
        Assert.Null((await Get<AlertOperations>().ListAsync(new AlertQuery(null, false, null, null, cause, 10), TestTimeout.Token())).Single().AcknowledgedBy);
        page.FindAll("tr.incident-cause button").First(b => b.TextContent == "Acknowledge").Click();
        dialogs.WaitForElement(".ack-comment textarea").Input("looking at compute-07");
        dialogs.Find(".ack-confirm").Click();

        // Assert
        page.WaitForAssertion(() => Assert.Contains("oncall: looking at compute-07", page.Find($"tr[data-fingerprint='{cause}']").TextContent));
        var stored = (await Get<AlertOperations>().ListAsync(new AlertQuery(null, false, null, null, cause, 10), TestTimeout.Token())).Single();
        Assert.Equal("oncall", stored.AcknowledgedBy);
        snackbars.WaitForAssertion(() => Assert.Contains("Acknowledged: DrForwardDrop", snackbars.Markup));
    }
}
