using System.Diagnostics;
using System.Net;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Server.Tests.Reliability;

namespace Dashboard.Server.Tests.Security;

/// <summary>
/// `token create … [--host H]… [--host-pattern GLOB]` and `token bind` from the shell, with the built server binary: the token
/// is the last line of stdout (DESIGN.md), and it speaks for the host called as the token unless told otherwise.
/// </summary>
public sealed class TokenCommandLineTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task TokenCreate_WithoutHost_SpeaksForTheHostCalledAsTheTokenAndBindWidensIt()
    {
        // Arrange
        var server = fixture.Server;
        var name = $"cli-lvs-{Guid.NewGuid():N}"[..16];

        // Act
        var (created, output, _) = await RunAsync("token", "create", "--name", name, "--role", "director");
        using var agent = server.CreateClient(output.TrimEnd().Split('\n')[^1].Trim());
        var own = await RunningDashboard.PushAsync(agent, TestBatches.Director(name, 1, DateTimeOffset.UtcNow, 0, 2));
        var other = await RunningDashboard.PushAsync(agent, TestBatches.Director($"{name}-b", 1, DateTimeOffset.UtcNow, 0, 2));
        var (bound, _, _) = await RunAsync("token", "bind", name, "--host", name, "--host-pattern", $"{name}-*");
        var (_, list, _) = await RunAsync("token", "list");
        var afterBind = await PollAsync(() => RunningDashboard.PushAsync(agent, TestBatches.Director($"{name}-b", 2, DateTimeOffset.UtcNow, 0, 2)));
        var (listed, hosts, _) = await RunAsync("token", "create", "--name", $"{name}-hv", "--role", "hypervisor", "--host", "hv-1", "--host", "hv-2");
        var (unbound, _, error) = await RunAsync("token", "bind", name);

        // Assert
        Assert.Equal(0, created);
        Assert.StartsWith("lvsd_", output.TrimEnd().Split('\n')[^1].Trim(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(0, bound);
        Assert.Contains($"pattern {name}-*", list.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.True(afterBind, "after `token bind --host-pattern` the token still could not speak for a host of the pattern");
        Assert.Equal(0, listed);
        Assert.Contains("hv-1, hv-2", hosts, StringComparison.Ordinal);
        Assert.Equal(2, unbound);
        Assert.Contains("--host", error, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(BuiltServer.Locate())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args.Append($"--ConnectionStrings:Dashboard={fixture.Server.ConnectionString}"))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestTimeout.Token());
        return (process.ExitCode, await output, await error);
    }

    private static Task<bool> PollAsync(Func<Task<HttpResponseMessage>> send) => Poll.HoldsWithinAsync(async () =>
    {
        using var response = await send();
        return response.StatusCode == HttpStatusCode.OK;
    });
}
