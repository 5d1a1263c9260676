using System.Text.RegularExpressions;
using Dashboard.Browser.Tests.Infrastructure;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dashboard.Browser.Tests;

/// <summary>Issue #23 rows 6 and 8 in Chromium: open pages whose sign-in was ended go to the sign-in page by themselves.</summary>
public sealed partial class SessionEndTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>
{
    [Fact]
    public async Task Wall_TokenRevokedWhileOpen_GoesToItsSignInPageByItself()
    {
        // Arrange: a wall signed in with its token, showing live data.
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Live:MinRefreshMilliseconds=100", "--Dashboard:Auth:RevalidateSeconds=2"]);
        var name = $"wall-{Guid.NewGuid():N}"[..16];
        var wallToken = await server.CreateTokenAsync(KnownRoles.Wall, name);
        using var agent = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        await RunningDashboard.PushAsync(agent, TestBatches.Director("lvs-w", 1, DateTimeOffset.UtcNow, synRecv: 1, established: 99));
        var page = await chromium.NewPageAsync(server.BaseAddress);
        await page.GotoAsync($"wall?token={wallToken}");
        await Assertions.Expect(page.GetByTestId("wall-ratio")).ToHaveTextAsync("1%");

        // Act: revoked as `token revoke` does it; nobody touches the screen.
        Assert.True(await new TokenRepository(server.Services.GetRequiredService<DashboardDatabase>().DataSource).RevokeAsync(name, TestTimeout.Token()));
        await RunningDashboard.PushAsync(agent, TestBatches.Director("lvs-w", 2, DateTimeOffset.UtcNow, synRecv: 50, established: 50));

        // Assert: the display leaves the data for the sign-in page, and reloading it does not bring the data back.
        await Assertions.Expect(page).ToHaveURLAsync(LoginPage(), new() { Timeout = 30_000 });
        await page.GotoAsync("wall");
        await Assertions.Expect(page).ToHaveURLAsync(LoginPage());
        await Assertions.Expect(page.GetByTestId("wall-ratio")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task OverviewOpen_UserDeletedElsewhere_GoesToTheLoginPageByItself()
    {
        // Arrange
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Auth:RevalidateSeconds=2"]);
        var users = new UserRepository(server.Services.GetRequiredService<DashboardDatabase>().DataSource);
        await users.AddOrUpdateAsync("leaver", KnownRoles.Operator, "correct horse battery staple", TestTimeout.Token());
        var page = await chromium.NewPageAsync(server.BaseAddress);
        await page.GotoAsync("login");
        await page.FillAsync("input[name=name]", "leaver");
        await page.FillAsync("input[name=password]", "correct horse battery staple");
        await page.Locator("form[action='account/login'] button").ClickAsync();
        await Assertions.Expect(page).Not.ToHaveURLAsync(LoginPage());
        await Assertions.Expect(page.Locator(".dash-user")).ToHaveTextAsync("leaver");

        // Act
        Assert.True(await users.DeleteAsync("leaver", TestTimeout.Token()));

        // Assert
        await Assertions.Expect(page).ToHaveURLAsync(LoginPage(), new() { Timeout = 30_000 });
    }

    [GeneratedRegex("/login")]
    private static partial Regex LoginPage();
}
