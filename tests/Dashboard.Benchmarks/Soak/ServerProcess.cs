using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dashboard.Benchmarks.Soak;

/// <summary>The built server as a separate process on a free loopback port, its output kept in a log file.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TextWriter _log;
    private readonly string _logFile;

    private ServerProcess(Process process, TextWriter log, string logFile, Uri baseAddress)
    {
        _process = process;
        _log = log;
        _logFile = logFile;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Id => _process.Id;

    public string LogFile => _logFile;

    public static ServerProcess Start(string binary, string connectionString, string logFile, params string[] extraArgs)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}/");
        var start = new ProcessStartInfo(binary)
        {
            WorkingDirectory = Path.GetDirectoryName(binary)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--urls", address.ToString().TrimEnd('/'), $"--ConnectionStrings:Dashboard={connectionString}",
                     "--Logging:LogLevel:Default=Warning", .. extraArgs])
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
        return new ServerProcess(process, log, logFile, address);
    }

    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} before it was ready; see {_logFile}");
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

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException($"The server was not ready within {timeout}; see {_logFile}");
    }

    public bool HasExited => _process.HasExited;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        // The exit flushes the last output lines before the log is closed.
        await _process.WaitForExitAsync();
        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
