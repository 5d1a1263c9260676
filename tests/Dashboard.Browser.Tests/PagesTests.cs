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
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Overview_DuringPileUp_ShowsCriticalVipAndTheFinding()
    {
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await page.GotoAsync("");

        var row = page.Locator("[data-director='lvs-a'] tr[data-vip='10.1.26.252:10051']");
        await Assertions.Expect(row).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("health-critical"));
        await Assertions.Expect(row.GetByTestId("syn-recv")).ToHaveTextAsync("400");
        await Assertions.Expect(page.Locator("details.finding[data-kind='dr-forward-drop']")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "overview");
    }

    [Fact]
    public async Task VipDetail_DuringPileUp_ShowsRealServersChartAndDirectorPortCounter()
    {
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await page.GotoAsync("vip?director=lvs-a&protocol=TCP&virtual=10.1.26.252%3A10051");

        await Assertions.Expect(page.GetByTestId("vip-syn-recv")).ToHaveTextAsync("400");
        await Assertions.Expect(page.Locator("tr[data-rs]")).ToHaveCountAsync(8);
        await Assertions.Expect(page.GetByText("neutron-openvswi-s38833ad6-c #2").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".vip-chart svg path.rz-line").First).ToBeAttachedAsync();
        await Screenshots.SaveAsync(page, "vip-detail");
    }

    [Fact]
    public async Task HypervisorDetail_ShowsPortPairsAndAntiSpoofRate()
    {
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await page.GotoAsync("hypervisor?name=compute-07");

        var port = page.Locator("tr[data-port='38833ad6-c']");
        await Assertions.Expect(port).ToContainTextAsync("10.1.26.252/32");
        await Assertions.Expect(port).ToContainTextAsync("anti-spoof");
        await Assertions.Expect(port.Locator("td.num")).ToHaveTextAsync("60");
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
    public async Task Wall_WithWallToken_ShowsPulsingTileWithoutNavigation()
    {
        var token = await _server.CreateTokenAsync(KnownRoles.Wall);
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await page.GotoAsync($"wall?token={token}");

        Assert.DoesNotContain("token=", page.Url);
        var tile = page.Locator(".tile[data-vip='10.1.26.252:10051']");
        await Assertions.Expect(tile).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("pulse"));
        await Assertions.Expect(page.Locator("nav")).ToHaveCountAsync(0);
        await page.SetViewportSizeAsync(1920, 1080);
        await Screenshots.SaveAsync(page, "wall");
    }

    [Fact]
    public async Task LanguageSwitch_ToChineseAndBack_TranslatesTheNavigation()
    {
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await page.GotoAsync("");

        await page.GetByRole(AriaRole.Link, new() { Name = "中文" }).ClickAsync();
        await Assertions.Expect(page.Locator("nav.dash-nav")).ToContainTextAsync("总览");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("nav.dash-nav")).ToContainTextAsync("Overview");
    }
}
