using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Pages.Admin;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Components.Tests.Pages.Admin;

public sealed class StorageTests(PileUpServer fixture) : PageTest(fixture), IClassFixture<PileUpServer>
{
    [Fact]
    public void Render_AfterPushes_EachTierWithItsRetentionAndTheRawTierHoldsData()
    {
        SignIn(KnownRoles.Admin, "admin");

        var page = RenderAt<StoragePage>("admin/storage");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".loading")));

        Assert.Equal(["raw", "1m", "1h"], page.FindAll("td[data-tier]").Select(t => t.GetAttribute("data-tier") ?? "").ToArray());
        Assert.Equal(["Every push", "One-minute rollups", "One-hour rollups"], page.FindAll("td[data-tier]").Select(t => t.TextContent).ToArray());
        Assert.Contains("48 h", page.Find("table").TextContent);
        Assert.Contains("30 d", page.Find("table").TextContent);
        Assert.Contains("No size bound", page.Find("[data-testid='database-size']").TextContent);
        Assert.NotEqual("0 KiB", page.FindAll("[data-testid='tier-bytes']")[0].TextContent);
    }
}
