using Dashboard.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Metrics;

/// <summary>One scrape: the live families within the series cap, open findings, the server's own families, and the cap's account.</summary>
public sealed class MetricsPage(LiveMetricsCollector live, FindingMetricsCollector findings, ServerMetricsCollector server,
    IOptionsMonitor<DashboardOptions> options)
{
    public const string SeriesName = LiveMetricsCollector.Prefix + "metrics_live_series";
    public const string DroppedName = LiveMetricsCollector.Prefix + "metrics_dropped_series_total";

    private long _droppedTotal;

    public async Task<string> RenderAsync(CancellationToken ct)
    {
        var w = new ExpositionWriter();
        var max = options.CurrentValue.Metrics.MaxSeries;
        var budget = new SeriesBudget(max);
        live.Write(w, budget);
        findings.Write(w);
        await server.WriteAsync(w, ct);
        var dropped = Interlocked.Add(ref _droppedTotal, budget.Dropped);

        w.Family(SeriesName, "gauge", "Series of the live families on this page.");
        w.Sample(SeriesName, (long)budget.Used);
        w.Family(LiveMetricsCollector.Prefix + "metrics_max_series", "gauge", "The cap on series of the live families (Dashboard:Metrics:MaxSeries).");
        w.Sample(LiveMetricsCollector.Prefix + "metrics_max_series", (long)max);
        w.Family(DroppedName, "counter", "Series of the live families left off pages because of the cap, summed over every scrape.");
        w.Sample(DroppedName, dropped);
        return w.ToString();
    }
}
