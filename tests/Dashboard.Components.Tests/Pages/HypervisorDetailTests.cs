using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Pages;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Components.Tests.Pages;

public sealed class HypervisorDetailTests(PileUpServer fixture) : PageTest(fixture), IClassFixture<PileUpServer>
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (Get<Dashboard.Server.Live.LiveStore>().Host("compute-07") is null)
        {
            await SeedPileUpAsync();
        }
    }

    /// <summary>The drop charts are read from the database after the first render: wait for them.</summary>
    private IRenderedComponent<HypervisorDetail> Open(string url)
    {
        var page = RenderAt<HypervisorDetail>(url);
        page.WaitForAssertion(() => Assert.Equal("5", page.Find(".drop-charts figure.time-chart").GetAttribute("data-points")));
        return page;
    }

    [Fact]
    public void Render_DroppingPort_PortRuleAndFindingShown()
    {
        var page = RenderAt<HypervisorDetail>("hypervisor?name=compute-07");

        var port = page.Find("td[data-port='38833ad6-c']").ParentElement!;
        Assert.Contains("health-critical", port.ClassList);
        Assert.Contains("10.1.26.252/32", port.TextContent);
        Assert.Equal("60", port.QuerySelector("[data-testid='port-drops']")!.TextContent);
        Assert.Equal("dr-forward-drop", page.Find("details.finding").GetAttribute("data-kind"));
    }

    [Fact]
    public void DropCharts_LiveRange_RatesPerRuleAndPortFromTheStoredSamples()
    {
        var page = Open("hypervisor?name=compute-07");

        // Six samples 5 s apart, 300 packets more each time: five rates of 60/s per line, read back from PostgreSQL.
        Assert.Empty(page.FindAll(".drop-charts .mud-alert").Select(a => a.TextContent));
        var charts = page.FindAll(".drop-charts figure.time-chart");
        Assert.Equal(2, charts.Count);
        Assert.Equal("5", charts[0].GetAttribute("data-points"));
        Assert.Equal("5", charts[1].GetAttribute("data-points"));
        page.Render();
        var legends = page.FindAll(".drop-charts .mud-chart-legend");
        Assert.Contains("neutron-openvswi-s38833ad6-c #2 (anti-spoof)", legends[0].TextContent);
        Assert.Contains("38833ad6-c", legends[1].TextContent);
        Assert.Contains("packets/s", page.Find(".drop-charts svg").TextContent);
        Assert.Equal("Raw samples: packets per second between consecutive batches.", page.Find(".drop-charts figcaption").TextContent);
    }

    [Fact]
    public void DropCharts_SevenDays_ReadFromTheHourRollups()
    {
        var page = RenderAt<HypervisorDetail>("hypervisor?name=compute-07&range=7d");

        page.WaitForAssertion(() => Assert.Equal("One-hour rollups: packets per second averaged over each hour.", page.Find(".drop-charts figcaption").TextContent));
        Assert.Empty(page.FindAll(".drop-charts .mud-alert").Select(a => a.TextContent));
        Assert.Equal("7 d", page.Find(".range-picker a.active").TextContent);
    }

    [Fact]
    public void Filter_NoPortMatches_TablesSaySo()
    {
        var page = RenderAt<HypervisorDetail>("hypervisor?name=compute-07&q=no-such-port");

        Assert.Empty(page.FindAll("td[data-port]"));
        Assert.Equal(2, page.FindAll("p.empty").Count(p => p.TextContent == "Nothing matches the filter."));
    }

    [Fact]
    public void Filter_Typed_GoesIntoTheUrlWithTheHost()
    {
        var page = Open("hypervisor?name=compute-07");

        Type(page, ".dash-filter input", "38833ad6");

        page.WaitForAssertion(() => Assert.Equal("http://localhost/hypervisor?name=compute-07&q=38833ad6", Navigation.Uri));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("td[data-port]")));
    }

    [Fact]
    public void Render_UnknownHost_SaysItHasNotReported()
    {
        var page = RenderAt<HypervisorDetail>("hypervisor?name=compute-99");

        Assert.Equal("This host has not reported since the server started.", page.Find("p.empty").TextContent);
    }
}
