using System.Net.Http.Headers;
using System.Text;
using Dashboard.Agent.Commands;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Hosting;
using Dashboard.Core.Parsing;

namespace Dashboard.Agent.Collectors;

/// <summary>
/// NSX distributed firewall counters: the configured command's `vsipioctl getfilterstat` output (nsx-filterstat), or a
/// statistics resource of the NSX Manager/Policy API (nsx-api) fetched with basic authentication.
/// </summary>
public sealed class NsxCollector : ICollector
{
    private readonly NsxCollectorOptions _options;
    private readonly ICommandRunner _runner;
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;
    private readonly UnavailableNotice _unavailable;

    public NsxCollector(NsxCollectorOptions options, ICommandRunner runner, HttpClient http, AgentLog log, TimeSpan timeout)
    {
        _options = options;
        _runner = runner;
        _http = http;
        _timeout = timeout;
        _unavailable = new UnavailableNotice(log, Name);
    }

    public string Name => "nsx";

    public Task<CollectResult> CollectAsync(CancellationToken ct) =>
        _options.ApiUrl is { } url ? FromApiAsync(url, ct) : FromCommandAsync(_options.Command!, ct);

    private async Task<CollectResult> FromCommandAsync(string command, CancellationToken ct)
    {
        var arguments = CommandLineSplitter.Split(command);
        var outcome = await _runner.RunAsync(arguments, input => FormatReader.Parse("nsx-filterstat", input), _timeout, ct);
        if (outcome.Status == CommandStatus.NotFound)
        {
            return _unavailable.Report($"{arguments[0]} not found");
        }

        _unavailable.Available();
        if (!outcome.Succeeded)
        {
            return CollectResult.Failed($"{command}: {outcome.Status.ToString().ToLowerInvariant()} (exit {outcome.ExitCode?.ToString() ?? "none"}): {outcome.Error}");
        }

        return Usable(command, outcome.Value!);
    }

    private async Task<CollectResult> FromApiAsync(Uri url, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(
            Encoding.UTF8.GetBytes($"{_options.User}:{await ReadPasswordAsync(ct)}")));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                return CollectResult.Failed($"GET {url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            var parsed = await Task.Run(() => FormatReader.Parse("nsx-api", body), deadline.Token);
            return Usable($"GET {url}", parsed);
        }
        catch (HttpRequestException e)
        {
            return CollectResult.Failed($"GET {url}: {e.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return CollectResult.Failed($"GET {url}: no answer within {_timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Read on every poll so a rotated password is picked up without a restart.</summary>
    private async Task<string> ReadPasswordAsync(CancellationToken ct) =>
        (await File.ReadAllTextAsync(_options.PasswordFile!, ct)).TrimEnd('\r', '\n');

    private static CollectResult Usable(string source, ParsedInput parsed) =>
        FormatReader.IsUsable(parsed)
            ? CollectResult.Data([parsed.AddTo], [])
            : CollectResult.Failed(FormatReader.DescribeUnusable(source, parsed));
}
