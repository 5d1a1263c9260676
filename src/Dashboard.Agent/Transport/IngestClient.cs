using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Dashboard.Agent.Transport;

/// <summary>One POST of a gzip'd batch to {Server}/api/v1/ingest with the agent's bearer token, and what the answer means.</summary>
public sealed class IngestClient
{
    private const int MaxDetailChars = 2000;

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _token;

    public IngestClient(HttpClient http, Uri server, string token)
    {
        _http = http;
        _endpoint = new Uri(server.AbsoluteUri.TrimEnd('/') + "/api/v1/ingest");
        _token = token;
    }

    public Uri Endpoint => _endpoint;

    /// <summary>Network failures and timeouts throw; every HTTP answer becomes a reply.</summary>
    public async Task<IngestReply> PostAsync(byte[] payload, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Content = new ByteArrayContent(payload);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Content.Headers.ContentEncoding.Add("gzip");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var code = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            var duplicate = StatusField(body) == "duplicate";
            return new IngestReply(duplicate ? IngestStatus.Duplicate : IngestStatus.Stored, code, "");
        }

        var detail = body.Length > MaxDetailChars ? body[..MaxDetailChars] + "…" : body;
        return response.StatusCode switch
        {
            HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity
                => new IngestReply(IngestStatus.Rejected, code, detail),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new IngestReply(IngestStatus.Unauthorized, code, detail),
            _ => new IngestReply(IngestStatus.Unavailable, code, detail, RetryAfterOf(response)),
        };
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>The "status" of the server's summary ("stored" or "duplicate"), read without a model type.</summary>
    private static string? StatusField(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("status", out var status)
                ? status.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
