using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dashboard.Core.Batches;
using Dashboard.Server.Demo;

namespace Dashboard.Benchmarks.Soak;

/// <summary>
/// One simulated host with its own token and connection, pushing what a real agent would (the demo's director, Neutron
/// compute node or ESXi payloads) every interval, from its own phase so that a fleet does not push all at once.
/// </summary>
public sealed class SimulatedAgent(IDemoHost host, string token, Uri server)
{
    public string Name => host.Name;

    public async Task RunAsync(TimeSpan interval, TimeSpan phase, DateTimeOffset loopStart, PushCounters counters, CancellationToken stop)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = server,
            Timeout = TimeSpan.FromSeconds(10),
        };
        var sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        try
        {
            await Task.Delay(phase, stop);
            using var timer = new PeriodicTimer(interval);
            do
            {
                var now = DateTimeOffset.UtcNow;
                var loopSecond = (now - loopStart).TotalSeconds % DemoTimeline.LoopSeconds;
                counters.Count(await PushAsync(http, host.NextPush(now, loopSecond, ++sequence), now, stop));
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over.
        }
    }

    private async Task<bool> PushAsync(HttpClient http, DemoPush push, DateTimeOffset at, CancellationToken stop)
    {
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
        try
        {
            using var response = await http.SendAsync(request, stop);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !stop.IsCancellationRequested))
        {
            return false;
        }
    }
}
