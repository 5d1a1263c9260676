using Dashboard.Tests.Shared.Systemd;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Server.Tests.Reliability;

namespace Dashboard.Server.Tests.Hosting;

/// <summary>
/// Issue 25: the built server started as systemd starts a Type=notify service (NOTIFY_SOCKET, JOURNAL_STREAM): READY=1
/// only when it answers /readyz, journald's level prefixes on its log lines, STOPPING=1 on a real SIGTERM, exit 0.
/// </summary>
public sealed class SystemdIntegrationTests : IAsyncLifetime
{
    private const int Sigterm = 15;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(90);
    private readonly PostgresDatabaseFixture _database = new();
    private readonly TemporaryDirectory _work = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _work.Dispose();
    }

    [Fact]
    public async Task Serve_UnderNotifySocket_ReadyWhenReadyzAnswersAndStoppingOnSigterm()
    {
        // Arrange
        using var socket = new NotifySocket(Path.Combine(_work.Path, "notify"));
        var port = FreePort.Next();
        var output = new StringBuilder();
        using var server = StartServer(port, socket.Path, output);
        try
        {
            // Act
            var ready = await socket.WaitForAsync("READY=1", s_wait);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
            using var readyz = await client.GetAsync("readyz");
            Assert.Equal(0, kill(server.Id, Sigterm));
            var stopping = await socket.WaitForAsync("STOPPING=1", s_wait);
            await server.WaitForExitAsync().WaitAsync(s_wait);

            // Assert
            Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
            Assert.Equal(0, server.ExitCode);
            var messages = socket.Messages.ToList();
            Assert.True(messages.IndexOf(ready) < messages.IndexOf(stopping), string.Join(" | ", messages));
            string log;
            lock (output)
            {
                log = output.ToString();
            }

            Assert.Contains("<6>Microsoft.Hosting.Lifetime[0] Application is shutting down...", log, StringComparison.Ordinal);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }
        }
    }

    private Process StartServer(int port, string notifySocket, StringBuilder output)
    {
        var binary = BuiltServer.Locate();
        var start = new ProcessStartInfo(binary)
        {
            WorkingDirectory = Path.GetDirectoryName(binary)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["NOTIFY_SOCKET"] = notifySocket,
                // What systemd sets when journald reads the service's output; the log lines then carry <N> level prefixes.
                ["JOURNAL_STREAM"] = "8:12345",
            },
        };
        foreach (var arg in (string[])[$"--urls=http://127.0.0.1:{port}", $"--ConnectionStrings:Dashboard={_database.ConnectionString}",
                     "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information", $"--Dashboard:DataDir={_work.Path}"])
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        DataReceivedEventHandler keep = (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += keep;
        process.ErrorDataReceived += keep;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
