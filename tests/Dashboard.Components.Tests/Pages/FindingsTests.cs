using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Pages;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Components.Tests.Pages;

public sealed class FindingsTests(PileUpServer fixture) : PageTest(fixture), IClassFixture<PileUpServer>
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (Get<Dashboard.Server.Diagnosis.DiagnosisService>().Open.Count == 0)
        {
            await SeedPileUpAsync();
        }
    }

    [Fact]
    public void Render_OpenFinding_OneIncidentWithTheFindingExpanded()
    {
        var page = RenderAt<Findings>("findings");

        var incident = Assert.Single(page.FindAll(".finding-incident"));
        Assert.Equal("vip|lvs-a|10.1.26.252:10051", incident.GetAttribute("data-incident"));
        Assert.True(incident.QuerySelector("details.finding[data-kind='dr-forward-drop']")!.HasAttribute("open"));
        Assert.Contains("neutron-openvswi-local", incident.TextContent);
    }

    [Fact]
    public void KindFilter_OtherKind_NoFindingShown()
    {
        var page = RenderAt<Findings>("findings?kind=agent-silent");

        Assert.Empty(page.FindAll("details.finding"));
        Assert.Equal("No known failure is showing right now.", page.Find("p.empty").TextContent);
        Assert.Equal("An agent went silent", page.Find(".query-links[data-query='kind'] a.active").TextContent);
    }

    [Fact]
    public void History_Included_ResolvedListReadFromTheDatabase()
    {
        var page = RenderAt<Findings>("findings?history=true");

        Assert.Equal("Include resolved", page.Find(".query-links[data-query='history'] a.active").TextContent);
        Assert.Equal("No resolved finding.", page.FindAll("section").Last().QuerySelector("p.empty")!.TextContent);
    }
}
