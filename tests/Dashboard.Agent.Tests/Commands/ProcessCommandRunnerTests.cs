using System.Diagnostics;
using Dashboard.Agent.Commands;

namespace Dashboard.Agent.Tests.Commands;

public sealed class ProcessCommandRunnerTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    private readonly ProcessCommandRunner _runner = new();

    [Fact]
    public async Task RunAsync_ExitZero_ReaderGetsTheOutputStream()
    {
        // Act
        var outcome = await _runner.RunAsync(["printf", "one\\ntwo\\n"], ReadAll, s_timeout, CancellationToken.None);

        // Assert
        Assert.Equal(CommandStatus.Succeeded, outcome.Status);
        Assert.Equal("one\ntwo\n", outcome.Value);
    }

    [Fact]
    public async Task RunAsync_ExitNonZero_FailedWithExitCodeAndStderr()
    {
        // Act
        var outcome = await _runner.RunAsync(["sh", "-c", "echo partial; echo 'no such table' >&2; exit 3"], ReadAll, s_timeout, CancellationToken.None);

        // Assert
        Assert.Equal(CommandStatus.Failed, outcome.Status);
        Assert.Equal(3, outcome.ExitCode);
        Assert.Equal("no such table", outcome.Error);
        Assert.Null(outcome.Value);
    }

    [Fact]
    public async Task RunAsync_ProgramMissing_NotFound()
    {
        // Act
        var outcome = await _runner.RunAsync(["/nonexistent/ipvsadm", "-Ln"], ReadAll, s_timeout, CancellationToken.None);

        // Assert
        Assert.Equal(CommandStatus.NotFound, outcome.Status);
        Assert.Contains("/nonexistent/ipvsadm", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PastTimeout_KilledAndTimedOut()
    {
        // Arrange
        var clock = Stopwatch.StartNew();

        // Act
        var outcome = await _runner.RunAsync(["sleep", "600"], ReadAll, TimeSpan.FromMilliseconds(300), CancellationToken.None);

        // Assert: killed, not waited for; the bound only tells the two apart on a busy machine.
        Assert.Equal(CommandStatus.TimedOut, outcome.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5), $"took {clock.Elapsed}: the command ran to its end instead of being killed");
    }

    [Fact]
    public async Task RunAsync_ReaderStopsEarly_ProcessStillCompletes()
    {
        // Act: far more output than a pipe buffer, of which the reader takes one line.
        var outcome = await _runner.RunAsync(["seq", "1", "200000"], input => new StreamReader(input).ReadLine()!, s_timeout, CancellationToken.None);

        // Assert
        Assert.Equal(CommandStatus.Succeeded, outcome.Status);
        Assert.Equal("1", outcome.Value);
    }

    private static string ReadAll(Stream input) => new StreamReader(input).ReadToEnd();
}
