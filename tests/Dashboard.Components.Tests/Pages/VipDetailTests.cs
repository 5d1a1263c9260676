using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Pages;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Components.Tests.Pages;

public sealed class VipDetailTests(PileUpServer fixture) : PageTest(fixture), IClassFixture<PileUpServer>
{
    private const string Url = "vip?director=lvs-a&protocol=TCP&virtual=10.1.26.252%3A10051";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (Get<Dashboard.Server.Live.LiveStore>().Host("lvs-a") is null)
        {
            await SeedPileUpAsync();
        }
    }

    [Fact]
    public void Render_DuringPileUp_RealServersFindingPortCounterAndLiveChart()
    {
        var page = RenderAt<VipDetail>(Url);

        Assert.Equal("400", page.Find("[data-testid='vip-syn-recv']").TextContent);
        Assert.Equal(8, page.FindAll("td[data-rs]").Count);
        Assert.All(page.FindAll("td[data-rs]"), td => Assert.Contains("health-critical", td.ParentElement!.ClassList));
        Assert.Equal("dr-forward-drop", page.Find("details.finding").GetAttribute("data-kind"));
        Assert.Contains("neutron-openvswi-s38833ad6-c #2", page.Find("[aria-label='Hypervisor counters of the ports involved']").TextContent);
        Assert.Equal("12", page.Find("figure.time-chart").GetAttribute("data-points"));
        Assert.Equal("Live: every batch since this server started (up to 30 minutes at 5 s).", page.Find("figcaption").TextContent);
    }

    private static string[] RealServerOrder(IRenderedComponent<VipDetail> page) =>
        page.FindAll("td[data-rs]").Select(td => td.GetAttribute("data-rs")!).ToArray();

    [Fact]
    public void SortInUrl_RealServerDescending_LastAddressFirstAndHeaderMarked()
    {
        var page = RenderAt<VipDetail>(Url + "&sort=-rs");

        Assert.Equal(SeedServers.Reverse().ToArray(), RealServerOrder(page));
        var header = page.FindAll("th").First(th => th.TextContent.Trim() == "Real server");
        Assert.NotNull(header.QuerySelector(".mud-table-sort-label-icon.mud-direction-desc"));
    }

    [Fact]
    public void SortHeader_RealServerClicked_UrlKeepsTheVipAndTheSort()
    {
        var page = RenderAt<VipDetail>(Url + "&sort=rs");
        var ascending = RealServerOrder(page);

        page.FindAll("th").First(th => th.TextContent.Trim() == "Real server").QuerySelector(".mud-table-sort-label")!.Click();

        Assert.Equal(SeedServers, ascending);
        page.WaitForAssertion(() => Assert.Equal("http://localhost/" + Url + "&sort=-rs", Navigation.Uri));
        page.WaitForAssertion(() => Assert.Equal(SeedServers.Reverse().ToArray(), RealServerOrder(page)));
    }

    [Fact]
    public void SortInUrl_UnknownColumn_DefaultOrderMostSynRecvFirst()
    {
        var page = RenderAt<VipDetail>(Url + "&sort=nonsense");

        var header = page.FindAll("th").First(th => th.TextContent.Trim() == "SYN_RECV share");
        Assert.NotNull(header.QuerySelector(".mud-table-sort-label-icon.mud-direction-desc"));
        Assert.Equal(8, RealServerOrder(page).Length);
    }

    [Fact]
    public void Range_OneHour_ReadFromTheDatabaseAtRawResolution()
    {
        var page = RenderAt<VipDetail>(Url + "&range=1h");

        page.WaitForAssertion(() => Assert.Equal("Raw samples.", page.Find("figcaption").TextContent));
        // Six batches of eight real servers were stored: six instants, two lines.
        Assert.Equal("12", page.Find("figure.time-chart").GetAttribute("data-points"));
        Assert.Equal("true", page.Find(".range-picker a.active").GetAttribute("aria-current"));
        Assert.Equal("1 h", page.Find(".range-picker a.active").TextContent);
    }

    [Fact]
    public void Render_UnknownVip_SaysNoDirectorReportsIt()
    {
        var page = RenderAt<VipDetail>("vip?director=lvs-a&protocol=TCP&virtual=10.0.0.9%3A1");

        Assert.Equal("No director reports this virtual service right now.", page.Find("p.empty").TextContent);
    }

    [Fact]
    public void Render_InChinese_TablesAndChartInChinese()
    {
        UseCulture("zh-CN");

        var page = RenderAt<VipDetail>(Url);

        Assert.Equal("后端服务器", page.FindAll("h2").First(h => h.TextContent.StartsWith("后端", StringComparison.Ordinal)).TextContent);
        Assert.Equal("实时：本服务启动以来的每个批次（5 秒间隔，最多 30 分钟）。", page.Find("figcaption").TextContent);
        Assert.Equal("实时", page.Find(".range-picker a.active").TextContent);
    }
}
