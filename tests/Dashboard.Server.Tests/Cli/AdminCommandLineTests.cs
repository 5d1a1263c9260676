using System.Diagnostics;
using Dashboard.Server.Cli;
using Dashboard.Server.Tests.Reliability;

namespace Dashboard.Server.Tests.Cli;

/// <summary>Issue 25: help and completions at the server's top level come from System.CommandLine instead of starting a server.</summary>
public sealed class AdminCommandLineTests
{
    [Theory]
    [InlineData("token")]
    [InlineData("user")]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("[suggest:6]")]
    public void IsAdminCommand_CommandsHelpAndCompletions_AreNotServed(string first) =>
        Assert.True(AdminCommandLine.IsAdminCommand([first]));

    [Theory]
    [InlineData("--demo")]
    [InlineData("--urls=http://127.0.0.1:5080")]
    [InlineData("--ConnectionStrings:Dashboard=Host=db")]
    public void IsAdminCommand_ServeSwitchesAndSettings_AreServed(string first) =>
        Assert.False(AdminCommandLine.IsAdminCommand([first]));

    [Fact]
    public async Task Help_BuiltServer_ListsTheCommandsAndHowToServeThenExitsZero()
    {
        // Act
        var (exit, output) = await RunBuiltServerAsync("--help");

        // Assert
        Assert.Equal(0, exit);
        Assert.Contains("Without a command it serves", output, StringComparison.Ordinal);
        Assert.Contains("token", output, StringComparison.Ordinal);
        Assert.Contains("user", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suggest_TokenCreateRole_CompletesTheTokenRoles()
    {
        // Act: what dotnet-suggest asks when Tab is pressed after "Dashboard.Server token create --role ".
        var (exit, output) = await RunBuiltServerAsync("[suggest:27]", "token create --role ");

        // Assert
        Assert.Equal(0, exit);
        var suggestions = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("director", suggestions);
        Assert.Contains("wall", suggestions);
        Assert.DoesNotContain("admin", suggestions);
    }

    private static async Task<(int Exit, string Output)> RunBuiltServerAsync(params string[] args)
    {
        var start = new ProcessStartInfo(BuiltServer.Locate()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output + await error);
    }
}
