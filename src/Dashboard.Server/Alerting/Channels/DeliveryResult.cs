using System.Text.Json;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>What an attempt came to: delivered, worth retrying, or refused for good (bad URL, bad signature).</summary>
public sealed record DeliveryResult(bool Succeeded, bool Retryable, string? Error, int? StatusCode = null, TimeSpan? RetryAfter = null)
{
    public static DeliveryResult Ok(int status) => new(true, false, null, status);

    /// <summary>HTTP semantics alone: 2xx delivered; timeouts, 429 and 5xx retried; other 4xx refused.</summary>
    public static DeliveryResult FromStatus(int status, string body) => status switch
    {
        >= 200 and < 300 => Ok(status),
        408 or 425 or 429 or >= 500 => new(false, true, $"HTTP {status}: {Short(body)}", status),
        _ => new(false, false, $"HTTP {status}: {Short(body)}", status),
    };

    /// <summary>Chinese chat APIs answer 200 with an error code in the body; zero is success.</summary>
    public static DeliveryResult FromErrorCode(int status, string body, string codeProperty, IReadOnlyCollection<long> retryableCodes, TimeSpan retryAfter)
    {
        if (status is < 200 or >= 300)
        {
            return FromStatus(status, body);
        }

        long? code = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && (doc.RootElement.TryGetProperty(codeProperty, out var value) || doc.RootElement.TryGetProperty("StatusCode", out value))
                && value.TryGetInt64(out var parsed))
            {
                code = parsed;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the HTTP status is all there is to go by.
        }

        return code switch
        {
            null or 0 => Ok(status),
            { } c when retryableCodes.Contains(c) => new(false, true, $"{codeProperty} {c}: {Short(body)}", status, retryAfter),
            { } c => new(false, false, $"{codeProperty} {c}: {Short(body)}", status),
        };
    }

    private static string Short(string body) => body.Length > 300 ? body[..300] : body;
}
