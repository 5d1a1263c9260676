using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Pages;
using Dashboard.Server.Hosting;
using Dashboard.Server.Live;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Components.Tests.Pages;

public sealed class WallTests(PileUpServer fixture) : PageTest(fixture), IClassFixture<PileUpServer>
{
    [Fact]
    public async Task Render_PileUp_PulsingTileWithShareAndFinding()
    {
        await SeedPileUpAsync();

        var page = RenderAt<Wall>("wall?page=1");

        var tile = page.Find(".tile[data-vip='10.1.26.252:10051']");
        Assert.Contains("pulse", tile.ClassList);
        Assert.Equal("83%", tile.QuerySelector("[data-testid='wall-ratio']")!.TextContent);
        Assert.Contains("the hypervisor drops what the director forwards", page.Find(".wall-finding").TextContent);
    }

    [Fact]
    public void Render_NoData_SaysSoInLargeType()
    {
        Ctx.Services.AddSingleton(new LiveStore(new StaticOptionsMonitor<DashboardOptions>(new DashboardOptions()), TimeProvider.System));

        var page = RenderAt<Wall>("wall?page=1");

        Assert.StartsWith("No host has reported yet.", page.Find(".wall-empty").TextContent);
        Assert.Equal("—", page.Find("[data-testid='wall-as-of']").TextContent);
    }
}
