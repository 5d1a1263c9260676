using Dashboard.Server.Metrics;
using Dashboard.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Api;

public static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", GetMetricsAsync).RequireAuthorization(DashboardPolicies.ReadApi).WithName("GetMetrics")
            .WithSummary("Prometheus exposition of live VIPs, real servers, drop counters, findings and the server itself (see Metrics/METRICS.md)")
            .Produces<string>(StatusCodes.Status200OK, "text/plain").AnswersRefusals();
        return app;
    }

    public static async Task<ContentHttpResult> GetMetricsAsync(MetricsPage page, CancellationToken ct) =>
        TypedResults.Text(await page.RenderAsync(ct), ExpositionWriter.ContentType);
}
