using System.Diagnostics;
using System.Net;

namespace Dashboard.Server.Tests.Reliability;

/// <summary>The built server as a separate process on a loopback port, its output kept in a log file, killable with SIGKILL.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TextWriter _log;
    private readonly string _logFile;

    private readonly Func<ServerProcess> _startAgain;

    private ServerProcess(Process process, TextWriter log, string logFile, Uri baseAddress, Func<ServerProcess> startAgain)
    {
        _process = process;
        _log = log;
        _logFile = logFile;
        BaseAddress = baseAddress;
        _startAgain = startAgain;
    }

    public Uri BaseAddress { get; }

    public int Id => _process.Id;

    /// <summary>Starts the server on <paramref name="connectionString"/>, or on its embedded PostgreSQL when it is null.</summary>
    public static ServerProcess Start(string binary, int port, string? connectionString, string logFile, params string[] extraArgs)
    {
        var address = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo(binary)
        {
            WorkingDirectory = Path.GetDirectoryName(binary)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] database = connectionString is null ? [] : [$"--ConnectionStrings:Dashboard={connectionString}"];
        foreach (var arg in (string[])["--urls", address.ToString().TrimEnd('/'), .. database, "--Logging:LogLevel:Default=Warning", .. extraArgs])
        {
            start.ArgumentList.Add(arg);
        }

        var log = TextWriter.Synchronized(new StreamWriter(logFile, append: true) { AutoFlush = true });
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => log.WriteLine(e.Data);
        process.ErrorDataReceived += (_, e) => log.WriteLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process, log, logFile, address, () => Start(binary, port, connectionString, logFile, extraArgs));
    }

    /// <summary>The same binary again on the same port, database, log and arguments: a restart after a kill.</summary>
    public ServerProcess StartAgain() => _startAgain();

    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} before it was ready:\n{Tail()}");
            }

            try
            {
                using var ready = await client.GetAsync("readyz");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"The server was not ready within {timeout}:\n{Tail()}");
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly as with `kill -9`.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd stops it: the server shuts down and stops the embedded PostgreSQL it started.</summary>
    public async Task StopGracefullyAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        using var waiting = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(waiting.Token);
    }

    public bool HasExited => _process.HasExited;

    public string Tail() => File.Exists(_logFile) ? string.Join('\n', File.ReadLines(_logFile).TakeLast(30)) : "";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillHardAsync();
        }

        // The exit flushes the last output lines before the log is closed.
        await _process.WaitForExitAsync();
        _process.Dispose();
        await _log.DisposeAsync();
    }
}
