using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Pages.Admin;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Components.Tests.Pages.Admin;

public sealed class ChannelsTests(PileUpServer fixture) : PageTest(fixture), IClassFixture<PileUpServer>
{
    [Fact]
    public void Render_NoChannel_SaysHowToAddOne()
    {
        SignIn(KnownRoles.Admin, "admin");

        var page = RenderAt<Channels>("admin/channels");

        Assert.Equal("No channel yet: add one below, or in the settings.", page.Find("p.empty").TextContent);
    }

    [Fact]
    public void Save_WithoutNameOrUrl_ErrorsNamedAndNothingSaved()
    {
        SignIn(KnownRoles.Admin, "admin");
        var page = RenderAt<Channels>("admin/channels");

        page.Find(".channel-save").Click();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[role='alert']")));
        Assert.Empty(page.FindAll("td[data-channel]"));
    }

    [Fact]
    public void KindList_Opened_OffersEveryChannelKindAlertmanagerIncluded()
    {
        SignIn(KnownRoles.Admin, "admin");
        var page = RenderAt<Channels>("admin/channels");
        var providers = Ctx.Render<MudBlazor.MudPopoverProvider>();

        page.FindAll(".channel-form .mud-select .mud-input-control").First().MouseDown();

        providers.WaitForAssertion(() => Assert.NotEmpty(providers.FindAll(".mud-list-item")));
        var offered = providers.FindAll(".mud-list-item").Select(i => i.TextContent.Trim()).ToList();
        Assert.Equal(Dashboard.Server.Alerting.ChannelKinds.All.Length, offered.Count);
        Assert.Contains(offered, o => o.Contains("alertmanager", StringComparison.OrdinalIgnoreCase) || o.Contains("Alertmanager", StringComparison.Ordinal));
    }
}
