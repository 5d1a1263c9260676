using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Server.Tests.Reliability;

namespace Dashboard.Server.Tests.Metrics;

/// <summary>
/// Debian's real Prometheus (/usr/bin/prometheus, installed by test.sh), started on a free loopback port with its own
/// configuration and storage folder, scraping every second; asked through its HTTP query API.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly TemporaryDirectory _folder;
    private readonly StringBuilder _log;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, TemporaryDirectory folder, StringBuilder log, Uri address)
    {
        (_process, _folder, _log) = (process, folder, log);
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>A scrape job: its name, target (host:port), and the bearer token it sends from a credentials file, if any.</summary>
    public sealed record Job(string Name, string Target, string? Token = null);

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<PrometheusServer> StartAsync(params Job[] jobs)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: test.sh installs Debian's prometheus package");
        var folder = new TemporaryDirectory();
        var config = new StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n");
        foreach (var job in jobs)
        {
            config.Append(CultureInfo.InvariantCulture, $"  - job_name: {job.Name}\n    static_configs:\n      - targets: ['{job.Target}']\n");
            if (job.Token is not null)
            {
                var credentials = Path.Combine(folder.Path, job.Name + ".token");
                await File.WriteAllTextAsync(credentials, job.Token);
                config.Append(CultureInfo.InvariantCulture, $"    authorization:\n      type: Bearer\n      credentials_file: {credentials}\n");
            }
        }

        var configFile = Path.Combine(folder.Path, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, config.ToString());
        var port = FreePort.Next();
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList =
            {
                $"--config.file={configFile}",
                $"--storage.tsdb.path={Path.Combine(folder.Path, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var log = new StringBuilder();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, folder, log, new Uri($"http://127.0.0.1:{port}/"));
        await Poll.UntilAsync("Prometheus to become ready", () => !process.HasExited && server.IsReady(), detail: () => "\n" + server.Log);
        return server;
    }

    /// <summary>One instant query; each result's labels and value.</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        using var response = await _http.GetAsync($"api/v1/query?query={Uri.EscapeDataString(promql)}", TestTimeout.Token());
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(TestTimeout.Token());
        Assert.True(json.GetProperty("status").GetString() == "success", $"query {promql} failed: {json}");
        var results = new List<(Dictionary<string, string>, double)>();
        foreach (var item in json.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = item.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            var value = double.Parse(item.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
            results.Add((labels, value));
        }

        return results;
    }

    /// <summary>Waits (up to a generous minute, as scrapes come every few seconds) until the query has exactly one result and it satisfies the condition; returns it.</summary>
    public async Task<double> WaitForAsync(string promql, Func<double, bool> condition, string expectation)
    {
        var last = new List<(Dictionary<string, string> Labels, double Value)>();
        if (await Poll.HoldsWithinAsync(async () => (last = await QueryAsync(promql)).Count == 1 && condition(last[0].Value), TimeSpan.FromSeconds(60)))
        {
            return last[0].Value;
        }

        var targets = await _http.GetStringAsync("api/v1/targets");
        Assert.Fail($"{promql}: expected {expectation}, got [{string.Join("; ", last.Select(r => $"{string.Join(",", r.Labels)} = {r.Value}"))}]\n" +
            $"targets: {targets}\nprometheus log:\n{Log}");
        return double.NaN;
    }

    private bool IsReady()
    {
        try
        {
            using var response = _http.GetAsync("-/ready").GetAwaiter().GetResult();
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(TestTimeout.Token(30));
        _process.Dispose();
        _folder.Dispose();
    }
}
