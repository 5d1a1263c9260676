using System.Net;

namespace Dashboard.Server.Tests.Reliability;

/// <summary>What the server answered at one moment of a database outage: liveness, readiness, and an ingest push.</summary>
internal sealed record OutageObservation(TimeSpan At, HttpStatusCode Healthz, HttpStatusCode Readyz, HttpStatusCode Ingest, TimeSpan? RetryAfter)
{
    public static async Task<OutageObservation> TakeAsync(TimeSpan at, HttpClient client, Func<Task<HttpResponseMessage>> push)
    {
        using var healthz = await client.GetAsync("healthz");
        using var readyz = await client.GetAsync("readyz");
        using var ingest = await push();
        return new OutageObservation(at, healthz.StatusCode, readyz.StatusCode, ingest.StatusCode, ingest.Headers.RetryAfter?.Delta);
    }

    public override string ToString() =>
        $"{At.TotalSeconds,5:0.0} s: healthz {(int)Healthz}, readyz {(int)Readyz}, ingest {(int)Ingest} Retry-After {RetryAfter?.TotalSeconds.ToString("0") ?? "-"}";
}
