using Dashboard.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Metrics;

public static class MetricsServices
{
    /// <summary>The Prometheus page: collectors read live state, findings and the server's own meters at scrape time.</summary>
    public static IServiceCollection AddDashboardMetrics(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<DashboardOptions>, MetricsOptionsValidator>();
        services.AddSingleton<LiveMetricsCollector>();
        services.AddSingleton<FindingMetricsCollector>();
        services.AddSingleton<ServerMetricsCollector>();
        services.AddSingleton<MetricsPage>();
        services.AddHostedService<MetricsListener>();
        return services;
    }
}
