using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dashboard.Core.Batches;
using Dashboard.Server.Ingest;
using Dashboard.Server.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Dashboard.Server.Demo;

/// <summary>
/// `--demo`: simulated directors and hypervisors that push through the real ingest API over HTTP with real tokens,
/// replaying the seed incidents on a loop.
/// </summary>
public sealed class DemoFleet(
    IServer server,
    IHostApplicationLifetime lifetime,
    DashboardDatabase database,
    TimeProvider clock,
    ILogger<DemoFleet> logger) : BackgroundService
{
    public static readonly TimeSpan PushInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))
            ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null)
        {
            logger.LogWarning("Demo fleet not started: the server has no listening address");
            return;
        }

        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } })
        {
            BaseAddress = new Uri(address.Replace("://[::]", "://localhost").Replace("://0.0.0.0", "://127.0.0.1").Replace("://+", "://localhost").Replace("://*", "://localhost")),
            Timeout = TimeSpan.FromSeconds(10),
        };
        var fleet = DemoScenarios.CreateFleet();
        var tokens = await CreateTokensAsync(fleet, stoppingToken);
        var sequences = fleet.ToDictionary(h => h.Name, _ => clock.GetUtcNow().ToUnixTimeMilliseconds());
        var loopStart = clock.GetUtcNow();
        logger.LogInformation("Demo fleet of {Count} hosts pushing to {Address} every {Interval}", fleet.Count, http.BaseAddress, PushInterval);

        using var timer = new PeriodicTimer(PushInterval, clock);
        do
        {
            var now = clock.GetUtcNow();
            var loopSecond = (now - loopStart).TotalSeconds % DemoTimeline.LoopSeconds;
            await Task.WhenAll(fleet.Select(host => PushAsync(http, host, tokens[host.Role], now, loopSecond, ++sequences[host.Name], stoppingToken)));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<Dictionary<string, string>> CreateTokensAsync(IReadOnlyList<IDemoHost> fleet, CancellationToken ct)
    {
        var repository = new TokenRepository(database.DataSource);
        foreach (var old in (await repository.ListAsync(ct)).Where(t => t.Name.StartsWith("demo-", StringComparison.Ordinal) && t.RevokedAt is null))
        {
            await repository.RevokeAsync(old.Name, ct);
        }

        var run = clock.GetUtcNow().ToString("yyyyMMddHHmmss");
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var role in fleet.Select(h => h.Role).Distinct())
        {
            tokens[role] = await repository.CreateAsync($"demo-{role}-{run}", role, new HostScope([.. fleet.Where(h => h.Role == role).Select(h => h.Name)], null), ct);
        }

        return tokens;
    }

    private async Task PushAsync(HttpClient http, IDemoHost host, string token, DateTimeOffset at, double loopSecond, long sequence, CancellationToken ct)
    {
        try
        {
            var push = host.NextPush(at, loopSecond, sequence);
            using var request = push.Batch is { } batch
                ? new HttpRequestMessage(HttpMethod.Post, "api/v1/ingest")
                {
                    Content = new StringContent(JsonSerializer.Serialize(batch, DashboardJsonContext.Default.AgentBatch), Encoding.UTF8, "application/json"),
                }
                : new HttpRequestMessage(HttpMethod.Post, $"api/v1/ingest/raw/{push.RawFormat}?host={Uri.EscapeDataString(host.Name)}&collectedAt={Uri.EscapeDataString(at.ToString("O"))}")
                {
                    Content = new StringContent(push.RawText ?? "", Encoding.UTF8, "text/plain"),
                };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Demo push of {Host} answered {Status}: {Body}", host.Name, (int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Demo push of {Host} failed: {Reason}", host.Name, e.Message);
        }
    }
}
