using System.Net.Http.Headers;
using Dashboard.Server.Alerting.Channels;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Alerting.Delivery;

/// <summary>Makes one HTTP attempt to a channel and says how it went; never throws for network trouble.</summary>
public sealed class ChannelSender : IDisposable
{
    public const string NotificationHeader = "X-Dashboard-Notification";

    private readonly HttpClient _http;
    private readonly IReadOnlyDictionary<string, IChannelFormatter> _formatters;
    private readonly IOptionsMonitor<AlertingOptions> _options;

    public ChannelSender(IEnumerable<IChannelFormatter> formatters, IOptionsMonitor<AlertingOptions> options)
    {
        _formatters = formatters.ToDictionary(f => f.Kind, StringComparer.Ordinal);
        _options = options;
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AllowAutoRedirect = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = 1 << 20,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("lvs-dashboard-alerting/1");
    }

    public IChannelFormatter? Formatter(string kind) => _formatters.GetValueOrDefault(kind);

    /// <summary>
    /// Sends with the configured timeout only: a send under way when the server stops is finished, not abandoned, so
    /// that a message the receiver took is recorded as sent and never sent again.
    /// </summary>
    public async Task<DeliveryResult> SendAsync(AlertChannel channel, ChannelPayload payload, DateTimeOffset now)
    {
        if (Formatter(channel.Kind) is not { } formatter)
        {
            return new DeliveryResult(false, false, $"unknown channel kind '{channel.Kind}'");
        }

        ChannelRequest request;
        try
        {
            request = formatter.Build(channel, payload, now);
        }
        catch (UriFormatException)
        {
            return new DeliveryResult(false, false, "the channel URL is not a valid absolute URL");
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url)
        {
            Content = new ByteArrayContent(request.Utf8Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
        };
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (payload.OutboxId is { } id)
        {
            message.Headers.TryAddWithoutValidation(NotificationHeader, id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var timeout = _options.CurrentValue.Delivery.Timeout;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            using var response = await _http.SendAsync(message, cts.Token);
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            var result = formatter.Interpret((int)response.StatusCode, body);
            if (!result.Succeeded && response.Headers.RetryAfter is { } retryAfter)
            {
                var asked = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - DateTimeOffset.UtcNow : null);
                result = result with { RetryAfter = asked is { } a && a > TimeSpan.Zero ? a : result.RetryAfter };
            }

            return result with { Error = result.Error is { } e ? SecretMask.Scrub(e, channel) : null };
        }
        catch (OperationCanceledException)
        {
            return new DeliveryResult(false, true, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return new DeliveryResult(false, true, SecretMask.Scrub($"{e.HttpRequestError}: {e.Message}", channel));
        }
    }

    public void Dispose() => _http.Dispose();
}
