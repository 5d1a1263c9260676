using System.Buffers;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Dashboard.Core.Batches;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>One agent of the simulated fleet: its host name, its own token and sequence, and what it reports.</summary>
public sealed class SimulatedAgent(string host, string token, IPayloadSource payload)
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    // Reused between pushes (an agent sends one at a time): fresh 400 KB arrays per push would load the shared GC heap.
    private readonly ArrayBufferWriter<byte> _json = new(64 * 1024);
    private readonly MemoryStream _compressed = new();
    private long _sequence;

    public string Host => host;

    public IPayloadSource Payload => payload;

    /// <summary>Takes the agent's next sequence number (history written for it takes them too, so live pushes follow on).</summary>
    public long NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>Builds the next batch, sends it, and waits for the answer; one push at a time per agent.</summary>
    public async Task<PushResult> PushAsync(HttpClient client, bool gzip, CancellationToken ct)
    {
        var prepareStart = Stopwatch.GetTimestamp();
        var batch = payload.Next(host, NextSequence(), DateTimeOffset.UtcNow);
        _json.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_json))
        {
            JsonSerializer.Serialize(writer, batch, DashboardJsonContext.Default.AgentBatch);
        }

        var body = gzip ? Compress(_json.WrittenSpan) : _json.WrittenMemory;
        var prepare = Stopwatch.GetElapsedTime(prepareStart);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/ingest") { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = s_json;
        if (gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.SendAsync(request, ct);
            var answer = await response.Content.ReadAsByteArrayAsync(ct);
            var latency = Stopwatch.GetElapsedTime(start);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new PushResult(latency, 0, body.Length, prepare, $"HTTP {(int)response.StatusCode}") { Role = payload.Role };
            }

            using var json = JsonDocument.Parse(answer);
            var status = json.RootElement.GetProperty("status").GetString();
            return (status == "stored"
                ? new PushResult(latency, json.RootElement.GetProperty("rows").GetInt32(), body.Length, prepare, null) { Numbers = BatchNumbers.Count(batch) }
                : new PushResult(latency, 0, body.Length, prepare, $"status {status}")) with { Role = payload.Role };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !ct.IsCancellationRequested)
        {
            return new PushResult(Stopwatch.GetElapsedTime(start), 0, body.Length, prepare, e.GetType().Name) { Role = payload.Role };
        }
    }

    private ReadOnlyMemory<byte> Compress(ReadOnlySpan<byte> body)
    {
        _compressed.SetLength(0);
        using (var gzip = new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return _compressed.GetBuffer().AsMemory(0, (int)_compressed.Length);
    }
}
