using System.Globalization;
using Dashboard.Browser.Tests.Infrastructure;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Dashboard.Browser.Tests;

/// <summary>
/// Push-to-screen latency of the live overview: a batch accepted by the ingest API until its number is in the page's DOM.
/// Measured and reported (README), not asserted against a time: every push must show up, in order.
/// </summary>
public sealed class LiveLatencyTests(ChromiumBrowser chromium, ITestOutputHelper output) : IClassFixture<ChromiumBrowser>
{
    private const int Pushes = 100;

    [Fact]
    public async Task Overview_HundredPushes_EveryOneReachesTheScreen()
    {
        // Arrange
        await using var server = await RunningDashboard.StartAsync(["--Dashboard:Auth:AnonymousRole=viewer"]);
        using var agent = server.CreateClient(await server.CreateTokenAsync(KnownRoles.Director));
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        await RunningDashboard.PushAsync(agent, TestBatches.Director("latency", 1, start, synRecv: 0, established: 10));
        var page = await chromium.NewPageAsync(server.BaseAddress);
        await page.GotoAsync("");
        var cell = page.Locator("tr:has(td[data-vip='10.1.26.252:10051']) [data-testid='syn-recv']");
        await Assertions.Expect(cell).ToHaveTextAsync("0");
        // The page records when the cell's text changes, on the browser's clock (the same machine's clock).
        await page.EvaluateAsync("""
            () => {
              window.__seen = {};
              const record = () => {
                const el = document.querySelector("tr:has(td[data-vip='10.1.26.252:10051']) [data-testid='syn-recv']");
                if (el && !(el.textContent in window.__seen)) window.__seen[el.textContent] = Date.now();
              };
              // The whole body: a re-render may replace the table the cell sits in.
              new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
            }
            """);

        // Act
        var sentAt = new long[Pushes + 1];
        for (var i = 1; i <= Pushes; i++)
        {
            sentAt[i] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var response = await RunningDashboard.PushAsync(agent, TestBatches.Director("latency", i + 1, start.AddSeconds(5 * i), synRecv: i, established: 10));
            response.EnsureSuccessStatusCode();
            await Assertions.Expect(cell).ToHaveTextAsync((2 * i).ToString(CultureInfo.InvariantCulture));
        }

        // Assert
        var seen = await page.EvaluateAsync<Dictionary<string, long>>("() => window.__seen");
        // The observer caught every value the page showed, so each latency is measured; how fast is a figure, printed.
        Assert.All(Enumerable.Range(1, Pushes), i => Assert.True(seen.ContainsKey((2 * i).ToString(CultureInfo.InvariantCulture)), $"push {i} never shown"));
        var latencies = Enumerable.Range(1, Pushes).Select(i => seen[(2 * i).ToString(CultureInfo.InvariantCulture)] - sentAt[i]).Order().ToArray();
        var p50 = latencies[Pushes / 2 - 1];
        var p95 = latencies[(int)Math.Ceiling(Pushes * 0.95) - 1];
        var report = $"push-to-screen over {Pushes} pushes: p50 {p50} ms, p95 {p95} ms, max {latencies[^1]} ms";
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "push-to-screen.txt"), report + Environment.NewLine);
    }
}
