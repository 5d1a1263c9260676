using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Benchmarks.Soak;

/// <summary>
/// One wall display: Debian's Chromium, headless, with a profile of its own, opened on /wall?token=…; its DevTools port
/// tells whether the page shows the wall and keeps receiving live updates.
/// </summary>
public sealed class HeadlessWall : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private readonly Process _process;
    private readonly string _profile;

    private HeadlessWall(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public int ProcessId => _process.Id;

    public static HeadlessWall Open(Uri wall, string profile)
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new FileNotFoundException($"Chromium is not installed at {ChromiumPath} (apt-get install chromium).", ChromiumPath);
        }

        Directory.CreateDirectory(profile);
        // At the lowest priority: on a small machine twenty browsers would otherwise starve the very server being measured.
        var start = new ProcessStartInfo("nice")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Loopback only: nothing of Chromium's own reaches out (no updates, sync or background fetches).
        foreach (var arg in (string[])["-n", "19", ChromiumPath, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--window-size=1920,1080", $"--user-data-dir={profile}", "--remote-debugging-port=0", wall.ToString()])
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HeadlessWall(process, profile);
    }

    /// <summary>Waits until the page is the signed-in wall and its "data as of" time changes, which only a live circuit does.</summary>
    public async Task WaitUntilLiveAsync(TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        string? first = null;
        var why = "no DevTools port yet";
        while (waited.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Chromium exited with code {_process.ExitCode}");
            }

            var port = DebuggingPort();
            if (port is not null)
            {
                try
                {
                    var asOf = await DevToolsPage.EvaluateAsync(port.Value,
                        "location.pathname === '/wall' ? (document.querySelector('[data-testid=wall-as-of]')?.textContent ?? 'no wall yet: ' + document.title + ' ' + (document.body?.innerText ?? '').slice(0, 200)) : 'at ' + location.pathname",
                        CancellationToken.None);
                    why = $"page says '{asOf}'";
                    if (asOf is { Length: > 0 } && asOf.Contains(':', StringComparison.Ordinal) && !asOf.StartsWith("at ", StringComparison.Ordinal))
                    {
                        first ??= asOf;
                        if (asOf != first)
                        {
                            return;
                        }
                    }
                }
                catch (Exception e) when (e is HttpRequestException or System.Net.WebSockets.WebSocketException or InvalidOperationException or TaskCanceledException)
                {
                    why = e.Message;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        throw new TimeoutException($"the wall in Chromium {_process.Id} was not live within {timeout}: {why}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A helper process may still be writing its profile; the temp folder is cleaned later.
        }
    }

    private int? DebuggingPort()
    {
        var file = Path.Combine(_profile, "DevToolsActivePort");
        if (!File.Exists(file))
        {
            return null;
        }

        var firstLine = File.ReadLines(file).FirstOrDefault();
        return int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
    }
}
