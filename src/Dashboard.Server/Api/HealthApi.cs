using Dashboard.Server.Hosting;
using Dashboard.Server.Storage;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Api;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", HealthAsync).WithName("Healthz").AllowAnonymous()
            .WithSummary("The process is up and the database has not stayed unreachable past Dashboard:Database:UnhealthyAfterSeconds")
            .Produces<string>(StatusCodes.Status200OK, "text/plain").Produces<string>(StatusCodes.Status503ServiceUnavailable, "text/plain");
        app.MapGet("/readyz", ReadyAsync).WithName("Readyz").AllowAnonymous()
            .WithSummary("The database is reachable and every migration applied; 503 with the reason otherwise").Produces<Readiness>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>
    /// Up, unless the database stayed unreachable past Dashboard:Database:UnhealthyAfterSeconds: then systemd or Kubernetes
    /// restart a server that cannot recover by itself (the embedded PostgreSQL is restarted in-process first).
    /// </summary>
    public static async Task<IResult> HealthAsync(DatabaseReachability reachability, IOptionsMonitor<DashboardOptions> options, CancellationToken ct)
    {
        var down = await reachability.ProbeAsync(ct);
        var limit = TimeSpan.FromSeconds(options.CurrentValue.Database.UnhealthyAfterSeconds);
        return down > limit
            ? Results.Text($"unhealthy: the database has been unreachable for {(int)down.TotalSeconds} s (limit {(int)limit.TotalSeconds} s)", statusCode: 503)
            : TypedResults.Text("ok");
    }

    public static async Task<Results<Ok<Readiness>, JsonHttpResult<Readiness>>> ReadyAsync(DashboardDatabase database, ILoggerFactory loggers, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            var runner = MigrationRunner.FromEmbeddedResources(database.DataSource, loggers.CreateLogger<MigrationRunner>());
            return await runner.IsUpToDateAsync(timeout.Token)
                ? TypedResults.Ok(new Readiness("ready", database.Description, null))
                : TypedResults.Json(new Readiness("not ready", database.Description, "migrations are not all applied"), statusCode: 503);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return TypedResults.Json(new Readiness("not ready", database.Description, $"database unreachable: {e.Message}"), statusCode: 503);
        }
    }
}

public sealed record Readiness(string Status, string Database, string? Reason);
