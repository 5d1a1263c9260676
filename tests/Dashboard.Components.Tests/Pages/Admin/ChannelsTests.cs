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
}
