using System.Net;
using Dashboard.Browser.Tests.Infrastructure;
using Dashboard.Server.Diagnosis;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dashboard.Browser.Tests;

/// <summary>Every page with the seed-1 pile-up in progress: it loads, shows the data, and is saved as a screenshot.</summary>
public sealed class PagesTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>, IAsyncLifetime
{
    private static readonly string[] s_seedServers = Enumerable.Range(136, 8).Select(i => $"10.1.26.{i}:10051").ToArray();
    private RunningDashboard _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningDashboard.StartAsync(["--Dashboard:Auth:AnonymousRole=viewer", "--Dashboard:Diagnosis:For=00:00:00"]);
        using var director = _server.CreateClient(await _server.CreateTokenAsync(KnownRoles.Director));
        using var hypervisor = _server.CreateClient(await _server.CreateTokenAsync(KnownRoles.Hypervisor));
        var t = DateTimeOffset.UtcNow.AddSeconds(-60);
        for (var i = 0; i < 6; i++)
        {
            var at = t.AddSeconds(5 * i);
            Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(hypervisor, TestBatches.Hypervisor("compute-07", i + 1, at, (ulong)(1000 + 300 * i)))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await RunningDashboard.PushAsync(director, TestBatches.Director("lvs-a", i + 1, at, synRecv: 10 * i, established: 40 - 6 * i, realServers: s_seedServers))).StatusCode);
        }

        await _server.Services.GetRequiredService<DiagnosisService>().EvaluateAsync(TestTimeout.Token());
        await _server.Services.GetRequiredService<Dashboard.Server.Alerting.AlertEngine>().EvaluateAsync(TestTimeout.Token());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Overview_DuringPileUp_ShowsCriticalVipAndTheFinding()
    {
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await page.GotoAsync("");

        var row = page.Locator("[data-director='lvs-a'] tr:has(td[data-vip='10.1.26.252:10051'])");
        await Assertions.Expect(row).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("health-critical"));
        await Assertions.Expect(row.GetByTestId("syn-recv")).ToHaveTextAsync("400");
        await Assertions.Expect(page.Locator("details.finding[data-kind='dr-forward-drop']")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "overview");
    }

    [Fact]
    public async Task Overview_OnAPhoneInPortrait_RowsBecomeCardsWithLabelsAndNothingOverflows()
    {
        var page = await chromium.NewPageAsync(_server.BaseAddress, width: 390, height: 844);
        await page.GotoAsync("");

        var row = page.Locator("[data-director='lvs-a'] tr:has(td[data-vip='10.1.26.252:10051'])");
        await Assertions.Expect(row.GetByTestId("syn-recv")).ToHaveTextAsync("400");
        await Assertions.Expect(row.GetByTestId("syn-recv")).ToHaveAttributeAsync("data-label", "SYN_RECV");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the overview scrolls sideways on a phone");
        await Screenshots.SaveAsync(page, "overview-phone");
    }

    [Fact]
    public async Task Overview_At1366x768_NothingOverflowsSideways()
    {
        var page = await chromium.NewPageAsync(_server.BaseAddress, width: 1366, height: 768);
        foreach (var path in new[] { "", "vip?director=lvs-a&protocol=TCP&virtual=10.1.26.252%3A10051", "hypervisor?name=compute-07", "alerts", "findings" })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"/{path} scrolls sideways at 1366x768");
        }
    }

    [Fact]
    public async Task VipDetail_DuringPileUp_ShowsRealServersChartAndDirectorPortCounter()
    {
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await page.GotoAsync("vip?director=lvs-a&protocol=TCP&virtual=10.1.26.252%3A10051");

        await Assertions.Expect(page.GetByTestId("vip-syn-recv")).ToHaveTextAsync("400");
        await Assertions.Expect(page.Locator("tr:has(td[data-rs])")).ToHaveCountAsync(8);
        await Assertions.Expect(page.GetByText("neutron-openvswi-s38833ad6-c #2").First).ToBeVisibleAsync();
        var chart = page.Locator(".time-chart").First;
        await Assertions.Expect(chart.Locator(".mud-chart-legend")).ToContainTextAsync("SYN_RECV");
        await Assertions.Expect(chart.Locator("svg .mud-charts-timeseries-series path, svg .mud-chart-serie").First).ToBeAttachedAsync();
        await Assertions.Expect(chart.Locator("svg")).ToContainTextAsync("connections");
        await Screenshots.SaveAsync(page, "vip-detail");
    }

    [Fact]
    public async Task HypervisorDetail_ShowsPortPairsAndAntiSpoofRate()
    {
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await page.GotoAsync("hypervisor?name=compute-07");

        var port = page.Locator("tr:has(td[data-port='38833ad6-c'])");
        await Assertions.Expect(port).ToContainTextAsync("10.1.26.252/32");
        await Assertions.Expect(port).ToContainTextAsync("anti-spoof");
        await Assertions.Expect(port.Locator("td.num")).ToHaveTextAsync("60");
        var perRule = page.Locator(".drop-charts .time-chart").First;
        await Assertions.Expect(perRule.Locator(".mud-chart-legend")).ToContainTextAsync("neutron-openvswi-s38833ad6-c");
        await Assertions.Expect(perRule.Locator("svg")).ToContainTextAsync("packets/s");
        await Screenshots.SaveAsync(page, "hypervisor-detail");
    }

    [Fact]
    public async Task Findings_ListsTheOpenFindingWithEvidenceAndRemediation()
    {
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await page.GotoAsync("findings");

        var finding = page.Locator("details.finding[data-kind='dr-forward-drop']");
        await Assertions.Expect(finding).ToContainTextAsync("neutron-openvswi-local");
        await Assertions.Expect(finding).ToContainTextAsync("38833ad6-c");
    }

    [Fact]
    public async Task Alerts_DuringPileUp_OneIncidentWithTheCauseOnTopAndSymptomsFolded()
    {
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await ChromiumBrowser.GotoInteractiveAsync(page, "alerts");

        // The finding's alert is the cause; the SYN_RECV and drop alerts about the same VIP and port fold under it.
        var incident = page.Locator("tbody.incident").Filter(new() { Has = page.Locator("tr.incident-cause button", new() { HasText = "DrForwardDrop" }) });
        await Assertions.Expect(incident).ToHaveCountAsync(1);
        await Assertions.Expect(incident.Locator("tr.incident-symptom")).ToHaveCountAsync(0);
        var toggle = incident.Locator(".symptoms-toggle");
        var folded = int.Parse(System.Text.RegularExpressions.Regex.Match(await toggle.InnerTextAsync(), @"\d+").Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(folded >= 2, $"only {folded} symptoms folded under the cause");
        await toggle.ClickAsync();
        await Assertions.Expect(incident.Locator("tr.incident-symptom")).ToHaveCountAsync(folded);
        await Screenshots.SaveAsync(page, "alerts");
    }

    [Fact]
    public async Task Wall_WithWallToken_ShowsPulsingTileWithoutNavigation()
    {
        var token = await _server.CreateTokenAsync(KnownRoles.Wall);
        // A wall screen is 1920x1080 from the start.
        var page = await chromium.NewPageAsync(_server.BaseAddress, width: 1920, height: 1080);
        await page.GotoAsync($"wall?token={token}");

        Assert.DoesNotContain("token=", page.Url);
        var tile = page.Locator(".tile[data-vip='10.1.26.252:10051']");
        await Assertions.Expect(tile).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("pulse"));
        await Assertions.Expect(page.Locator("nav")).ToHaveCountAsync(0);
        // Readable from five metres: the share is at least 100 px tall, the names at least 28 px (once the stylesheet has applied).
        await ExpectFontSizeAtLeastAsync(page, ".tile[data-vip='10.1.26.252:10051'] .tile-ratio", 100);
        await ExpectFontSizeAtLeastAsync(page, ".tile[data-vip='10.1.26.252:10051'] .tile-director", 28);
        await Screenshots.SaveAsync(page, "wall");
    }

    [Fact]
    public async Task LanguageSwitch_ToChineseAndBack_TranslatesTheNavigation()
    {
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        // A live page, as when someone switches while watching: its router must not take the switch for a page of its own.
        await ChromiumBrowser.GotoInteractiveAsync(page, "");

        await page.GetByRole(AriaRole.Link, new() { Name = "中文" }).ClickAsync();
        await Assertions.Expect(page.Locator("nav.dash-nav")).ToContainTextAsync("总览");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        // The page itself too, not only the navigation: its title, the table headers, the finding.
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("总览");
        await Assertions.Expect(page.Locator("[data-director='lvs-a'] th").First).ToHaveTextAsync("虚拟服务");
        await Assertions.Expect(page.Locator("details.finding[data-kind='dr-forward-drop'] .finding-kind")).ToHaveTextAsync("宿主机丢弃了调度器转发的流量");
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("nav.dash-nav")).ToContainTextAsync("Overview");
    }

    private static async Task ExpectFontSizeAtLeastAsync(IPage page, string selector, double pixels)
    {
        const string check = "([s, px]) => { const e = document.querySelector(s); return e !== null && parseFloat(getComputedStyle(e).fontSize) >= px; }";
        try
        {
            await page.WaitForFunctionAsync(check, new object[] { selector, pixels });
        }
        catch (PlaywrightException)
        {
            var size = await page.Locator(selector).EvaluateAsync<string>("e => getComputedStyle(e).fontSize");
            Assert.Fail($"{selector} is {size}, wanted at least {pixels} px");
        }
    }
}
