using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dashboard.Server.Tests.Infrastructure;
using Dashboard.Server.Tests.Reliability;

namespace Dashboard.Server.Tests.Alerting;

/// <summary>
/// Debian's real Alertmanager (/usr/bin/prometheus-alertmanager, installed by test.sh) on a free loopback port, without
/// clustering, routing everything to one webhook receiver; asked with Debian's amtool.
/// </summary>
public sealed class AlertmanagerServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus-alertmanager";
    public const string Amtool = "/usr/bin/amtool";

    private readonly Process _process;
    private readonly TemporaryDirectory _folder;
    private readonly StringBuilder _log = new();

    private AlertmanagerServer(Process process, TemporaryDirectory folder, Uri address)
    {
        (_process, _folder, Address) = (process, folder, address);
    }

    public Uri Address { get; }

    public string Url => Address.ToString().TrimEnd('/');

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

    /// <summary>Starts with one route to <paramref name="webhookUrl"/>, resolved alerts included, grouping by alertname and director.</summary>
    public static async Task<AlertmanagerServer> StartAsync(string webhookUrl)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: test.sh installs Debian's prometheus-alertmanager package");
        var folder = new TemporaryDirectory();
        var config = Path.Combine(folder.Path, "alertmanager.yml");
        await File.WriteAllTextAsync(config, $"""
            route:
              receiver: dashboard-test
              group_by: ['alertname', 'director']
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: dashboard-test
                webhook_configs:
                  - url: '{webhookUrl}'
                    send_resolved: true
            """);
        var port = FreePort.Next();
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList =
            {
                $"--config.file={config}",
                $"--storage.path={Path.Combine(folder.Path, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
                // No gossip port: this one Alertmanager is the whole cluster, and nothing listens beyond loopback.
                "--cluster.listen-address=",
                "--log.level=warn",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start)!;
        var server = new AlertmanagerServer(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(5) };
        await Poll.UntilAsync("Alertmanager to become ready", () => !process.HasExited && IsReady(http), detail: () => "\n" + server.Log);
        return server;
    }

    /// <summary>`amtool alert query` with the given matchers: the labels of every active alert it lists.</summary>
    public async Task<List<Dictionary<string, string>>> QueryAsync(params string[] matchers)
    {
        var start = new ProcessStartInfo(Amtool)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        string[] arguments = ["alert", "query", $"--alertmanager.url={Url}", "--output=json", .. matchers];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var amtool = Process.Start(start)!;
        var output = await amtool.StandardOutput.ReadToEndAsync();
        var error = await amtool.StandardError.ReadToEndAsync();
        await amtool.WaitForExitAsync(TestTimeout.Token());
        Assert.True(amtool.ExitCode == 0, $"amtool alert query failed ({amtool.ExitCode}): {error}");
        return JsonDocument.Parse(output).RootElement.EnumerateArray()
            .Select(a => a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""))
            .ToList();
    }

    /// <summary>Alerts Alertmanager took through its API with the given status, from its own counter.</summary>
    public async Task<double> ReceivedAsync(string status)
    {
        using var http = new HttpClient { BaseAddress = Address };
        var page = await http.GetStringAsync("metrics");
        return Regex.Matches(page, $"^alertmanager_alerts_received_total\\{{[^}}]*status=\"{status}\"[^}}]*\\}} (\\S+)$", RegexOptions.Multiline)
            .Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static bool IsReady(HttpClient http)
    {
        try
        {
            using var response = http.GetAsync("-/ready").GetAwaiter().GetResult();
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(TestTimeout.Token(30));
        _process.Dispose();
        _folder.Dispose();
    }
}
