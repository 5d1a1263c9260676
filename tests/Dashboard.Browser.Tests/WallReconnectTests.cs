using Dashboard.Browser.Tests.Infrastructure;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.Browser.Tests;

public sealed class WallReconnectTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>
{
    [Fact]
    public async Task Wall_ServerRestarted_ShowsStaleThenRecoversByItself()
    {
        // Arrange: a wall signed in with a wall token, showing live data.
        var server = await RunningDashboard.StartAsync(["--Dashboard:Live:MinRefreshMilliseconds=100"]);
        try
        {
            var wallToken = await server.CreateTokenAsync(KnownRoles.Wall);
            var directorToken = await server.CreateTokenAsync(KnownRoles.Director);
            using (var agent = server.CreateClient(directorToken))
            {
                await RunningDashboard.PushAsync(agent, TestBatches.Director("lvs-c", 1, DateTimeOffset.UtcNow, synRecv: 1, established: 99));
            }

            var page = await chromium.NewPageAsync(server.BaseAddress);
            var console = new List<string>();
            page.Console += (_, m) => console.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {m.Type}: {m.Text}");
            await page.GotoAsync($"wall?token={wallToken}");
            await Assertions.Expect(page.GetByTestId("wall-ratio")).ToHaveTextAsync("1%");

            // Act: the server goes away; the wall says since when its data is stale.
            var stopped = server.StopForRestartAsync();
            await stopped;
            var stoppedAt = DateTime.UtcNow;
            try
            {
                await Assertions.Expect(page.Locator(".wall-stale")).ToBeVisibleAsync(new() { Timeout = 45_000 });
            }
            catch (PlaywrightException e)
            {
                throw new Xunit.Sdk.XunitException($"stopped {stoppedAt:HH:mm:ss.fff}; modal: {await page.EvaluateAsync<string>("() => document.querySelectorAll('[id=components-reconnect-modal]').length + ' ' + document.getElementById('components-reconnect-modal').outerHTML + ' blazor=' + typeof Blazor")}; console:\n{string.Join('\n', console)}\n{e.Message}");
            }
            var staleSince = await page.Locator("[data-stale-since-global]").TextContentAsync();

            // Act: it comes back on the same address and database; an agent pushes again.
            server = await server.StartAgainAsync();
            using (var agent = server.CreateClient(directorToken))
            {
                var pushed = await RunningDashboard.PushAsync(agent, TestBatches.Director("lvs-c", 2, DateTimeOffset.UtcNow, synRecv: 30, established: 70));
                Assert.Equal(System.Net.HttpStatusCode.OK, pushed.StatusCode);
            }

            // Assert: no human touched the page, and it shows the new numbers with the same wall sign-in.
            Assert.Matches(@"^\d{2}:\d{2}:\d{2}$", staleSince ?? "");
            await Assertions.Expect(page.GetByTestId("wall-ratio")).ToHaveTextAsync("30%", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator(".wall-stale")).ToBeHiddenAsync();
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
