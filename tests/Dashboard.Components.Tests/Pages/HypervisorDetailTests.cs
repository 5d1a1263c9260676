using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Pages;
using Dashboard.Core.Iptables;
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

    /// <summary>
    /// compute-sort: the seed's port 38833ad6-c dropping 60/s beside a second port, 0aa11bb2-c, dropping 10/s, so that
    /// sorting by drops and by port name give opposite orders.
    /// </summary>
    private async Task SeedTwoPortsAsync()
    {
        if (Get<Dashboard.Server.Live.LiveStore>().Host("compute-sort") is not null)
        {
            return;
        }

        var start = DateTimeOffset.UtcNow.AddSeconds(-30);
        using var agent = Server.CreateClient(await Server.CreateTokenAsync(Dashboard.Server.Security.KnownRoles.Hypervisor));
        for (var i = 0; i < 2; i++)
        {
            var batch = TestBatches.Hypervisor("compute-sort", i + 1, start.AddSeconds(10 * i), (ulong)(1000 + 600 * i));
            var dump = batch.Iptables![0];
            var neutron = new NeutronChainRef { Port = "0aa11bb2-c", Direction = "s" };
            dump.Tables[0].Chains.Add(new IptablesChain
            {
                Name = "neutron-openvswi-s0aa11bb2-c",
                Neutron = neutron,
                Rules =
                [
                    new IptablesRule
                    {
                        Index = 1, Packets = (ulong)(500 + 100 * i), Bytes = (ulong)(30000 + 6000 * i), Target = "DROP",
                        Comment = "Drop traffic without an IP/MAC allow rule.", Spec = "-m comment", Neutron = neutron, DropKind = "anti-spoof",
                        Identity = "anti-spoof-0aa11bb2-c",
                    },
                ],
            });
            dump.NeutronPorts.Add(new NeutronPort
            {
                Port = "0aa11bb2-c", Device = "tap0aa11bb2-c1", AllowedPairs = [new NeutronAllowedPair { Address = "10.1.26.150/32", Mac = "FA:16:3E:00:00:01" }],
                // As the ovs collector reads them from ovs-vsctl (external_ids and ofport).
                PortId = "0aa11bb2-c1f3-4d2e-8a9b-7c6d5e4f3a21", Mac = "fa:16:3e:00:00:01", OfPort = 7,
            });
            (await RunningDashboard.PushAsync(agent, batch)).EnsureSuccessStatusCode();
        }
    }

    private static string[] PortOrder(IRenderedComponent<HypervisorDetail> page) =>
        page.FindAll("td[data-port]").Select(td => td.GetAttribute("data-port")!).ToArray();

    [Fact]
    public async Task Sort_NoneInUrl_BusiestPortFirst()
    {
        await SeedTwoPortsAsync();

        var page = RenderAt<HypervisorDetail>("hypervisor?name=compute-sort");

        Assert.Equal(["38833ad6-c", "0aa11bb2-c"], PortOrder(page));
    }

    [Fact]
    public async Task Render_OpenvSwitchPort_WholePortIdMacAndOpenFlowPortShown()
    {
        await SeedTwoPortsAsync();

        var page = RenderAt<HypervisorDetail>("hypervisor?name=compute-sort");

        var ovs = page.Find("td[data-port='0aa11bb2-c']");
        Assert.Equal("0aa11bb2-c1f3-4d2e-8a9b-7c6d5e4f3a21", ovs.GetAttribute("title"));
        Assert.Equal("fa:16:3e:00:00:01 · OpenFlow port 7", ovs.ParentElement!.QuerySelector(".port-ids")!.TextContent);
        // A port read from iptables alone has none of them: nothing is made up.
        var iptablesOnly = page.Find("td[data-port='38833ad6-c']");
        Assert.False(iptablesOnly.HasAttribute("title"));
        Assert.Null(iptablesOnly.ParentElement!.QuerySelector(".port-ids"));
    }

    [Fact]
    public async Task SortInUrl_ByPortName_AlphabeticalAndHeaderMarked()
    {
        await SeedTwoPortsAsync();

        var page = RenderAt<HypervisorDetail>("hypervisor?name=compute-sort&sort=port");

        Assert.Equal(["0aa11bb2-c", "38833ad6-c"], PortOrder(page));
        var header = page.FindAll("th").First(th => th.TextContent.Trim() == "Port");
        Assert.NotNull(header.QuerySelector(".mud-table-sort-label-icon.mud-direction-asc"));
    }

    [Fact]
    public async Task SortHeader_PortClickedTwice_UrlCarriesEachDirectionWithNameAndFilter()
    {
        await SeedTwoPortsAsync();
        var page = RenderAt<HypervisorDetail>("hypervisor?name=compute-sort&q=c");
        void ClickPort() => page.FindAll("th").First(th => th.TextContent.Trim() == "Port").QuerySelector(".mud-table-sort-label")!.Click();

        ClickPort();
        page.WaitForAssertion(() => Assert.Equal("http://localhost/hypervisor?name=compute-sort&q=c&sort=port", Navigation.Uri));
        page.WaitForAssertion(() => Assert.Equal(["0aa11bb2-c", "38833ad6-c"], PortOrder(page)));
        ClickPort();

        page.WaitForAssertion(() => Assert.Equal("http://localhost/hypervisor?name=compute-sort&q=c&sort=-port", Navigation.Uri));
        page.WaitForAssertion(() => Assert.Equal(["38833ad6-c", "0aa11bb2-c"], PortOrder(page)));
    }

    [Fact]
    public async Task RuleSortInUrl_ByTotalAscending_QuietRuleFirst()
    {
        await SeedTwoPortsAsync();

        var page = RenderAt<HypervisorDetail>("hypervisor?name=compute-sort&rsort=total");
        var rules = page.FindAll("[aria-label='Drop rules'] tbody tr").Select(tr => tr.TextContent).ToList();

        Assert.Equal(2, rules.Count);
        Assert.Contains("neutron-openvswi-s0aa11bb2-c", rules[0]);
        Assert.Contains("neutron-openvswi-s38833ad6-c", rules[1]);
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
