using Dashboard.Tests.Shared.Systemd;
using Dashboard.Agent.Cli;
using Dashboard.Agent.Tests.Shared;

namespace Dashboard.Agent.Tests.Hosting;

/// <summary>
/// Issue 25: `dashboard-agent run` as systemd runs a Type=notify service: a real process with NOTIFY_SOCKET set tells the
/// socket READY=1, its status, WATCHDOG=1 each cycle and STOPPING=1 when a real SIGTERM arrives, then exits 0.
/// </summary>
public sealed class ServiceManagerTests : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task Run_UnderNotifySocket_ReportsReadyStatusWatchdogAndStoppingOnSigterm()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();
        using var socket = new NotifySocket(_directory.Combine("notify"));
        var environment = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socket.Path, ["WATCHDOG_USEC"] = "600000000" };

        // Act
        await using var agent = AgentProcess.Start(environment, "run", "--config", AgentConfig(server.BaseUrl));
        var ready = await socket.WaitForAsync("READY=1", s_wait);
        await socket.WaitForAsync("WATCHDOG=1", s_wait);
        await server.WaitForStoredAsync(1, s_wait);
        agent.Terminate();
        var stopping = await socket.WaitForAsync("STOPPING=1", s_wait);
        var exit = await agent.WaitForExitAsync(s_wait);

        // Assert
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains($"STATUS=pushing every 1 s to {server.BaseUrl}", ready.Split('\n'));
        var messages = socket.Messages.ToList();
        Assert.True(messages.IndexOf(ready) < messages.IndexOf(stopping), string.Join(" | ", messages));
        Assert.Contains(messages, m => m.StartsWith("STATUS=batch #", StringComparison.Ordinal) && m.Contains(" delivered", StringComparison.Ordinal));
        Assert.Contains("info: stopped", agent.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("WatchdogSec", agent.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WatchdogShorterThanALongCycle_WarnsInJournalFormat()
    {
        // Arrange: 30 s of watchdog against the default push retries (four 10 s attempts, three waits of up to 30 s).
        await using var server = await TestIngestServer.StartAsync();
        using var socket = new NotifySocket(_directory.Combine("notify"));
        var environment = new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = socket.Path,
            ["WATCHDOG_USEC"] = "30000000",
            ["JOURNAL_STREAM"] = "8:12345",
        };

        // Act
        await using var agent = AgentProcess.Start(environment, "run", "--config", AgentConfig(server.BaseUrl));
        await socket.WaitForAsync("READY=1", s_wait);
        agent.Terminate();
        var exit = await agent.WaitForExitAsync(s_wait);

        // Assert: journald reads the level from the <N> prefix (4 = warning).
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("<4>WatchdogSec=30 is shorter than one cycle can take with these settings (263 s)", agent.Error, StringComparison.Ordinal);
        Assert.Contains("<6>stopped", agent.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NotifySocketWithoutListener_WarnsAndKeepsPushing()
    {
        // Arrange: NOTIFY_SOCKET names a path nobody listens on (inherited from a shell, or its supervisor gone).
        await using var server = await TestIngestServer.StartAsync();
        var environment = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = _directory.Combine("gone.sock") };

        // Act
        await using var agent = AgentProcess.Start(environment, "run", "--config", AgentConfig(server.BaseUrl));
        await server.WaitForStoredAsync(2, s_wait);
        agent.Terminate();
        var exit = await agent.WaitForExitAsync(s_wait);

        // Assert
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains($"warning: NOTIFY_SOCKET {_directory.Combine("gone.sock")}: ", agent.Error, StringComparison.Ordinal);
        Assert.Single(agent.Error.Split('\n'), line => line.Contains("NOTIFY_SOCKET", StringComparison.Ordinal));
        Assert.Contains("info: stopped", agent.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutNotifySocket_RunsAndStopsOnSigterm()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();

        // Act
        await using var agent = AgentProcess.Start(new Dictionary<string, string>(), "run", "--config", AgentConfig(server.BaseUrl));
        await server.WaitForStoredAsync(1, s_wait);
        agent.Terminate();
        var exit = await agent.WaitForExitAsync(s_wait);

        // Assert
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("info: stopped", agent.Error, StringComparison.Ordinal);
    }

    private string AgentConfig(Uri server)
    {
        var token = _directory.WriteFile("token", TestIngestServer.Token + "\n");
        return _directory.WriteFile("agent.json", $$"""
            { "Server": "{{server}}", "TokenFile": "{{token}}", "SpoolDirectory": "{{_directory.Combine("spool")}}", "IntervalSeconds": 1,
              "Collectors": { "Keepalived": { "Enabled": true, "DataFile": "{{_directory.Combine("keepalived.data")}}" } } }
            """);
    }

    public void Dispose() => _directory.Dispose();
}
