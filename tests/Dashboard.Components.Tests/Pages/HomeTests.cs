using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Pages;
using Dashboard.Server.Hosting;
using Dashboard.Server.Live;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Components.Tests.Pages;

public sealed class HomeTests(PileUpServer fixture) : PageTest(fixture), IClassFixture<PileUpServer>
{
    private async Task SeedTwoVipsAsync()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-20);
        await PushDirectorAsync("lvs-home", 2, start, i => 2, i => 98, vip: "10.9.0.1:80");
        await PushDirectorAsync("lvs-home-b", 2, start, i => 60, i => 40, vip: "10.9.0.2:443");
    }

    [Fact]
    public async Task Render_WithDirectors_OneSortableTablePerDirectorWithHealthAndCounts()
    {
        await SeedTwoVipsAsync();

        var page = RenderAt<Home>("/");

        var row = page.Find("[data-director='lvs-home-b'] td[data-vip='10.9.0.2:443']").ParentElement!;
        Assert.Contains("health-critical", row.ClassList);
        Assert.Equal("120", row.QuerySelector("[data-testid='syn-recv']")!.TextContent);
        Assert.Contains("health-ok", page.Find("[data-director='lvs-home'] td[data-vip='10.9.0.1:80']").ParentElement!.ClassList);
        Assert.NotEmpty(page.FindAll("[data-director='lvs-home'] .mud-table-sort-label"));
    }

    [Fact]
    public async Task Filter_FromTheUrl_KeepsMatchingDirectorsOnly()
    {
        await SeedTwoVipsAsync();

        var page = RenderAt<Home>("/?q=lvs-home-b");

        Assert.Single(page.FindAll("section.director"));
        Assert.Equal("lvs-home-b", page.Find("section.director").GetAttribute("data-director"));
    }

    [Fact]
    public async Task Filter_Typed_GoesIntoTheUrl()
    {
        await SeedTwoVipsAsync();
        var page = RenderAt<Home>("/");

        Type(page, ".dash-filter input", "10.9.0.2");

        page.WaitForAssertion(() => Assert.Equal("http://localhost/?q=10.9.0.2", Navigation.Uri));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("section.director")));
    }

    [Fact]
    public void Filter_NothingMatches_SaysSoRatherThanNoData()
    {
        var page = RenderAt<Home>("/?q=no-such-host");

        Assert.Equal("Nothing matches the filter.", page.Find("p.empty").TextContent);
    }

    [Fact]
    public void Render_NoHostYet_TellsHowToStartOne()
    {
        // A store no agent has written to.
        Ctx.Services.AddSingleton(new LiveStore(new StaticOptionsMonitor<DashboardOptions>(new DashboardOptions()), TimeProvider.System));

        var page = RenderAt<Home>("/");

        Assert.StartsWith("No host has reported yet.", page.Find("p.empty").TextContent);
        Assert.Equal("0", page.Find("[data-testid='director-count']").TextContent);
    }

    /// <summary>One director, two VIPs: 10.9.1.1:80 nearly idle, 10.9.1.2:80 half in SYN_RECV.</summary>
    private async Task SeedSortableAsync()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-20);
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(Dashboard.Server.Security.KnownRoles.Director));
        var batch = TestBatches.Director("lvs-sort", 1, start, 1, 99, vip: "10.9.1.1:80");
        var second = TestBatches.Director("lvs-sort", 1, start, 50, 50, vip: "10.9.1.2:80");
        // The second batch's service and connections joined to the first.
        batch.Ipvs!.Services!.Services.AddRange(second.Ipvs!.Services!.Services);
        batch.Ipvs.Connections!.Destinations.AddRange(second.Ipvs.Connections!.Destinations);
        batch.Ipvs.Connections.Connections += second.Ipvs.Connections.Connections;
        foreach (var (state, count) in second.Ipvs.Connections.ByState)
        {
            batch.Ipvs.Connections.ByState[state] = batch.Ipvs.Connections.ByState.GetValueOrDefault(state) + count;
        }

        (await RunningDashboard.PushAsync(agent, batch)).EnsureSuccessStatusCode();
    }

    private static string[] VipOrder(IRenderedComponent<Home> page) =>
        page.FindAll("[data-director='lvs-sort'] td[data-vip]").Select(td => td.GetAttribute("data-vip")!).ToArray();

    private static void ClickSynRecvHeader(IRenderedComponent<Home> page) =>
        page.FindAll("[data-director='lvs-sort'] th").First(th => th.TextContent.Trim() == "SYN_RECV").QuerySelector(".mud-table-sort-label")!.Click();

    [Fact]
    public async Task SortBySynRecv_Clicked_BusiestVipFirst()
    {
        await SeedSortableAsync();
        var page = RenderAt<Home>("/?q=lvs-sort");
        Assert.Equal(["10.9.1.1:80", "10.9.1.2:80"], VipOrder(page));

        // Act: SYN_RECV's header, twice (ascending, then descending).
        ClickSynRecvHeader(page);
        page.WaitForAssertion(() => Assert.EndsWith("sort=synrecv", Navigation.Uri));
        ClickSynRecvHeader(page);

        // Assert
        page.WaitForAssertion(() => Assert.Equal(["10.9.1.2:80", "10.9.1.1:80"], VipOrder(page)));
    }

    [Fact]
    public async Task SortInUrl_SynRecvDescending_BusiestVipFirstAndHeaderMarked()
    {
        await SeedSortableAsync();

        var page = RenderAt<Home>("/?q=lvs-sort&sort=-synrecv");

        Assert.Equal(["10.9.1.2:80", "10.9.1.1:80"], VipOrder(page));
        var header = page.FindAll("[data-director='lvs-sort'] th").First(th => th.TextContent.Trim() == "SYN_RECV");
        Assert.NotNull(header.QuerySelector(".mud-table-sort-label-icon.mud-direction-desc"));
    }

    [Fact]
    public async Task SortHeader_Clicked_UrlKeepsTheSortAndTheFilter()
    {
        await SeedSortableAsync();
        var page = RenderAt<Home>("/?q=lvs-sort");

        ClickSynRecvHeader(page);
        page.WaitForAssertion(() => Assert.Equal("http://localhost/?q=lvs-sort&sort=synrecv", Navigation.Uri));
        ClickSynRecvHeader(page);

        page.WaitForAssertion(() => Assert.Equal("http://localhost/?q=lvs-sort&sort=-synrecv", Navigation.Uri));
        page.WaitForAssertion(() => Assert.Equal(["10.9.1.2:80", "10.9.1.1:80"], VipOrder(page)));
    }

    [Fact]
    public async Task HypervisorSortInUrl_DropsDescending_BusiestHostFirstThenHostClickedAlphabetical()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-20);
        await PushHypervisorAsync("compute-sort-a", 2, start, i => 100);
        await PushHypervisorAsync("compute-sort-b", 2, start, i => (ulong)(100 + 500 * i));
        string[] Order(IRenderedComponent<Home> page) => page.FindAll("td[data-hypervisor]").Select(td => td.GetAttribute("data-hypervisor")!).ToArray();

        var page = RenderAt<Home>("/?q=compute-sort&hsort=-drops");
        var fromUrl = Order(page);
        page.FindAll("section.hypervisors th").First(th => th.TextContent.Trim() == "Host").QuerySelector(".mud-table-sort-label")!.Click();

        Assert.Equal(["compute-sort-b", "compute-sort-a"], fromUrl);
        page.WaitForAssertion(() => Assert.Equal("http://localhost/?q=compute-sort&hsort=host", Navigation.Uri));
        page.WaitForAssertion(() => Assert.Equal(["compute-sort-a", "compute-sort-b"], Order(page)));
    }

    [Fact]
    public async Task LivePush_WhileOpen_PageShowsTheNewNumbers()
    {
        await PushDirectorAsync("lvs-live", 1, DateTimeOffset.UtcNow.AddSeconds(-10), _ => 1, _ => 99, vip: "10.9.2.1:80");
        var page = RenderAt<Home>("/?q=lvs-live");
        Assert.Equal("2", page.Find("td[data-vip='10.9.2.1:80']").ParentElement!.QuerySelector("[data-testid='syn-recv']")!.TextContent);

        using var agent = Server.CreateClient(await Server.CreateTokenAsync(Dashboard.Server.Security.KnownRoles.Director));
        (await RunningDashboard.PushAsync(agent, TestBatches.Director("lvs-live", 2, DateTimeOffset.UtcNow, 7, 93, vip: "10.9.2.1:80"))).EnsureSuccessStatusCode();

        page.WaitForAssertion(() => Assert.Equal("14", page.Find("td[data-vip='10.9.2.1:80']").ParentElement!.QuerySelector("[data-testid='syn-recv']")!.TextContent));
    }

    [Fact]
    public async Task Render_InChinese_HeadersAndSummaryTranslated()
    {
        await SeedTwoVipsAsync();
        UseCulture("zh-CN");

        var page = RenderAt<Home>("/?q=lvs-home");

        Assert.Equal("总览", page.Find("h1").TextContent);
        Assert.Equal("虚拟服务", page.Find("[data-director='lvs-home'] th").TextContent);
        Assert.Contains("数据时间", page.Find(".data-as-of").TextContent);
    }
}
