using Dashboard.Server.Security;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Api;

public static class StorageApi
{
    public static IEndpointRouteBuilder MapStorageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/storage", async (StorageStatusReader reader, CancellationToken ct) => TypedResults.Ok(await reader.ReadAsync(ct)))
            .RequireAuthorization(DashboardPolicies.Administer)
            .AnswersRefusals()
            .WithName("GetStorage")
            .WithSummary("Size of each tier of stored data, how far back it reaches and how many days it holds at the current rate");
        return app;
    }
}
