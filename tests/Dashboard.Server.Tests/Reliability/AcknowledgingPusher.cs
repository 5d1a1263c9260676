using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Core.Batches;
using Dashboard.Server.Tests.Infrastructure;

namespace Dashboard.Server.Tests.Reliability;

/// <summary>
/// Pushes batches of one host back to back and records every sequence the server acknowledged with 200 (stored or
/// duplicate). A batch without an answer is sent again, same sequence and content, until acknowledged, as the agent does.
/// </summary>
internal sealed class AcknowledgingPusher(Uri server, string token, string host)
{
    private readonly List<(long Sequence, string Status)> _acknowledged = [];
    private int _unanswered;

    public string Host => host;

    public IReadOnlyList<(long Sequence, string Status)> Acknowledged
    {
        get
        {
            lock (_acknowledged)
            {
                return [.. _acknowledged];
            }
        }
    }

    /// <summary>Pushes that got no answer (connection refused or reset) or an answer other than 200.</summary>
    public int Unanswered => Volatile.Read(ref _unanswered);

    /// <summary>Pushes until stopped; the push in flight when the stop comes is finished, never abandoned.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        AgentBatch? batch = null;
        var sequence = 1L;
        while (!stop.IsCancellationRequested)
        {
            batch ??= TestBatches.Director(host, sequence, DateTimeOffset.UtcNow, synRecv: 1, established: 20);
            try
            {
                using var response = await RunningDashboard.PushAsync(client, batch);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
                    lock (_acknowledged)
                    {
                        _acknowledged.Add((summary.GetProperty("sequence").GetInt64(), summary.GetProperty("status").GetString()!));
                    }

                    (batch, sequence) = (null, sequence + 1);
                    continue;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The server is gone: this batch goes again once it is back.
            }

            Interlocked.Increment(ref _unanswered);
            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }
    }
}
