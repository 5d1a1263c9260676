using System.Net;
using Dashboard.Browser.Tests.Infrastructure;
using Dashboard.Server.Demo;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.Browser.Tests;

public sealed class HomePageTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>, IAsyncLifetime
{
    private RunningDashboard _server = null!;

    public async Task InitializeAsync() =>
        _server = await RunningDashboard.StartAsync(["--Dashboard:Auth:AnonymousRole=viewer", "--Dashboard:Live:MinRefreshMilliseconds=100"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Overview_BatchPushedWhileOpen_AppearsWithoutReload()
    {
        // Arrange
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await page.GotoAsync("");
        await Assertions.Expect(page.GetByText("No host has reported yet")).ToBeVisibleAsync();
        var director = DemoScenarios.CreateFleet().First(h => h.Name == "lvs-a");
        using var agent = _server.CreateClient(await _server.CreateTokenAsync(KnownRoles.Director));

        // Act
        var response = await RunningDashboard.PushAsync(agent, director.NextPush(DateTimeOffset.UtcNow, 0, 1).Batch!);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = page.Locator("[data-director='lvs-a'] tr:has(td[data-vip='10.1.26.252:10051'])");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("8/8");
        await Assertions.Expect(page.GetByTestId("director-count")).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task ThemeSwitch_Clicked_SwitchesBetweenDarkAndLight()
    {
        // Arrange
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await ChromiumBrowser.GotoInteractiveAsync(page, "");
        var toggle = page.GetByRole(AriaRole.Button, new() { Name = "Switch to the light theme" });
        await Assertions.Expect(toggle).ToBeVisibleAsync();

        // Act
        await toggle.ClickAsync();

        // Assert: the interactive circuit answered by swapping the button and MudBlazor's palette (a white page).
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Switch to the dark theme" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("theme-light"));
        await Assertions.Expect(page.Locator("body")).ToHaveCSSAsync("background-color", "rgb(255, 255, 255)");

        // The choice is kept: a reload paints the light theme from the first byte.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Switch to the dark theme" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("body")).ToHaveCSSAsync("background-color", "rgb(255, 255, 255)");
    }

    [Fact]
    public async Task Issue26_ChineseChosen_PageBodyStaysChineseWhileLiveUpdatesArrive()
    {
        // Arrange: a page in Chinese, chosen with the switch (the culture cookie).
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        var console = new List<string>();
        page.Console += (_, m) => console.Add($"{m.Type}: {m.Text}");
        await page.GotoAsync("");
        await page.GetByRole(AriaRole.Link, new() { Name = "中文" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("总览");
        // A fresh page after the culture redirect: its circuit starts on a busy machine, give it time.
        try
        {
            await Assertions.Expect(page.Locator("[data-interactive='true']")).ToBeAttachedAsync(new() { Timeout = 60_000 });
        }
        catch (PlaywrightException e)
        {
            throw new Xunit.Sdk.XunitException($"no circuit; console:\n{string.Join('\n', console)}\n{e.Message}");
        }
        var director = DemoScenarios.CreateFleet().First(h => h.Name == "lvs-a");
        using var agent = _server.CreateClient(await _server.CreateTokenAsync(KnownRoles.Director));

        // Act: batches arrive; each re-renders the page from the ingest side, not from the browser's circuit.
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 3; i++)
        {
            (await RunningDashboard.PushAsync(agent, director.NextPush(now.AddSeconds(5 * i), i, 1).Batch!)).EnsureSuccessStatusCode();
        }

        // Assert: the table that arrived live has Chinese headers, and the page around it stayed Chinese.
        var table = page.Locator("[data-director='lvs-a']");
        await Assertions.Expect(table.Locator("th").First).ToHaveTextAsync("虚拟服务");
        await Assertions.Expect(page.GetByTestId("director-count")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator(".summary")).ToContainTextAsync("调度器");
        await Assertions.Expect(page.Locator(".data-as-of")).ToContainTextAsync("数据时间");
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync("Virtual service");
    }
}
