using System.Net;
using Dashboard.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Metrics;

/// <summary>
/// The optional listener on Dashboard:Metrics:Port: /metrics without authentication for scrapers in a trusted network,
/// and nothing else, on a Kestrel of its own so the main listener's addresses and policies stay as they are.
/// </summary>
public sealed class MetricsListener(MetricsPage page, IOptionsMonitor<DashboardOptions> options, ILogger<MetricsListener> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Metrics;
        if (settings.Port is not { } port)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            if (settings.Address is { Length: > 0 } address)
            {
                k.Listen(IPAddress.Parse(address), port);
            }
            else
            {
                k.ListenAnyIP(port);
            }
        });
        _app = builder.Build();
        // A CancellationToken parameter, not HttpContext: a lambda of HttpContext alone would bind as a RequestDelegate and drop the result.
        _app.MapGet("/metrics", async (CancellationToken ct) => TypedResults.Text(await page.RenderAsync(ct), ExpositionWriter.ContentType));
        await _app.StartAsync(cancellationToken);
        logger.LogInformation("Prometheus metrics without authentication on {Address}:{Port}/metrics", settings.Address ?? "*", port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
