using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Pages.Admin;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Components.Tests.Pages.Admin;

public sealed class AlertRulesTests(PileUpServer fixture) : PageTest(fixture), IClassFixture<PileUpServer>
{
    [Fact]
    public void Render_DefaultRules_EachWithItsSource()
    {
        SignIn(KnownRoles.Admin, "admin");

        var page = RenderAt<AlertRules>("admin/alert-rules");

        var names = page.FindAll("td[data-rule]").Select(td => td.GetAttribute("data-rule")).ToList();
        Assert.Contains("DrForwardDrop", names);
        Assert.Contains("SynRecvRatioHigh", names);
        Assert.All(page.FindAll("td[data-rule]"), td => Assert.Equal("built-in", td.ParentElement!.Children[9].TextContent));
        Assert.Equal("diagnosis finding", page.Find("td[data-rule='DrForwardDrop']").ParentElement!.Children[2].TextContent);
    }

    [Fact]
    public void Add_NameTaken_ErrorAndNoNewRow()
    {
        SignIn(KnownRoles.Admin, "admin");
        var page = RenderAt<AlertRules>("admin/alert-rules");
        var before = page.FindAll("td[data-rule]").Count;

        page.Find(".new-rule-name input").Change("DrForwardDrop");
        page.Find(".rule-add").Click();

        Assert.Equal("DrForwardDrop: this name is already used", page.Find("[role='alert']").TextContent);
        Assert.Equal(before, page.FindAll("td[data-rule]").Count);
    }

    [Fact]
    public void Add_NewName_RowAddedReadyToEdit()
    {
        SignIn(KnownRoles.Admin, "admin");
        var page = RenderAt<AlertRules>("admin/alert-rules");

        page.Find(".new-rule-name input").Change("MyDrops");
        page.Find(".rule-add").Click();

        var row = page.Find("td[data-rule='MyDrops']").ParentElement!;
        Assert.Equal("edited here", row.Children[9].TextContent);
    }
}
