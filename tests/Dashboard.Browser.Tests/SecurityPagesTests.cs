using Dashboard.Browser.Tests.Infrastructure;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dashboard.Browser.Tests;

public sealed class SecurityPagesTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>, IAsyncLifetime
{
    private RunningDashboard _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningDashboard.StartAsync();
        await new UserRepository(_server.Services.GetRequiredService<DashboardDatabase>().DataSource)
            .AddOrUpdateAsync("oncall", KnownRoles.Operator, "correct horse battery", TestTimeout.Token());
        using var agent = _server.CreateClient(await _server.CreateTokenAsync(KnownRoles.Director));
        await RunningDashboard.PushAsync(agent, TestBatches.Director("lvs-a", 1, DateTimeOffset.UtcNow, 2, 50));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Login_WithPassword_ReachesOverviewWithAHardenedCookie()
    {
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await page.GotoAsync("");
        Assert.Contains("/login", page.Url);

        await page.GetByLabel("User name").FillAsync("oncall");
        await page.GetByLabel("Password").FillAsync("correct horse battery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();

        await Assertions.Expect(page.Locator("[data-director='lvs-a']")).ToBeVisibleAsync();
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "lvsd.auth");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
    }

    [Fact]
    public async Task Login_WrongPassword_StaysOnLoginWithAMessage()
    {
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await page.GotoAsync("login");

        await page.GetByLabel("User name").FillAsync("oncall");
        await page.GetByLabel("Password").FillAsync("wrong wrong wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong user name or password.");
    }

    [Fact]
    public async Task EveryPage_UnderTheContentSecurityPolicy_RunsWithoutAViolation()
    {
        // Arrange
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };
        await page.GotoAsync("login");
        await page.GetByLabel("User name").FillAsync("oncall");
        await page.GetByLabel("Password").FillAsync("correct horse battery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();

        // Act: every page, interactive controls included.
        foreach (var path in new[] { "", "vip?director=lvs-a&protocol=TCP&virtual=10.1.26.252%3A10051", "hypervisor?name=compute-07", "findings", "wall" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(SecurityHeadersMiddleware.ContentSecurityPolicy, await response!.HeaderValueAsync("content-security-policy"));
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }

        await page.GotoAsync("");
        await Assertions.Expect(page.Locator("[data-interactive='true']")).ToBeAttachedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to the light theme" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Switch to the dark theme" })).ToBeVisibleAsync();

        // Assert
        Assert.Empty(violations);
    }

    [Fact]
    public async Task HostileNamesFromAgents_ShownAsTextOnTheHypervisorPage()
    {
        // Arrange: an iptables comment and a chain name are whatever the compute node says.
        const string hostile = "<img src=x onerror=\"window.__xss=1\">";
        using var agent = _server.CreateClient(await _server.CreateTokenAsync(KnownRoles.Hypervisor));
        var batch = TestBatches.Hypervisor("compute-hostile", 1, DateTimeOffset.UtcNow, 5);
        batch.Iptables![0].Tables[0].Chains[1].Rules[1].Comment = hostile;
        await RunningDashboard.PushAsync(agent, batch);
        var page = await chromium.NewPageAsync(_server.BaseAddress);
        await page.GotoAsync("login");
        await page.GetByLabel("User name").FillAsync("oncall");
        await page.GetByLabel("Password").FillAsync("correct horse battery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();

        // Act
        await page.GotoAsync("hypervisor?name=compute-hostile");

        // Assert
        await Assertions.Expect(page.GetByText(hostile).First).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("main img").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__xss ?? null"));
    }
}
