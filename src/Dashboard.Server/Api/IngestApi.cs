using System.Security.Claims;
using System.Text.Json;
using Dashboard.Core.Batches;
using Dashboard.Server.Hosting;
using Dashboard.Server.Ingest;
using Dashboard.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Api;

public static class IngestApi
{
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/ingest")
            .RequireAuthorization(DashboardPolicies.Ingest)
            .RequireRateLimiting(DashboardPolicies.IngestRateLimit)
            .DisableAntiforgery()
            .AnswersIngestRefusals();
        group.MapPost("", IngestBatchAsync).WithName("IngestBatch").WithSummary("Store an agent batch (JSON, gzip accepted)");
        group.MapPost("/raw/{format}", RawIngest.IngestRawAsync).WithName("IngestRaw").WithSummary("Parse and store raw command output")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<IngestSummary>, ProblemHttpResult>> IngestBatchAsync(
        HttpContext context, IngestService ingest, IOptionsMonitor<DashboardOptions> options, CancellationToken ct)
    {
        var limits = options.CurrentValue.Ingest;
        var (status, body, error) = await BoundedBodyReader.ReadAsync(context.Request, limits.MaxBodyBytes, ct);
        if (status != BodyReadStatus.Ok)
        {
            return ApiProblems.BodyProblem(context, status, error!);
        }

        // Back to the pool on every path, a cancelled wait for a turn included; decoding gives it back as soon as it is read.
        using var bodyOnEveryPath = body!;
        using var slot = await ingest.EnterAsync(ct);
        if (slot is null)
        {
            return ApiProblems.Unavailable(context, limits.RetryAfterSeconds, IngestService.SaturatedReason);
        }

        AgentBatch? batch;
        try
        {
            using (body)
            {
                batch = JsonSerializer.Deserialize(body!.Span, DashboardJsonContext.Default.AgentBatch);
            }
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? l + 1 : (long?)null;
            var reason = e.BytePositionInLine is { } b ? $"{FirstSentence(e.Message)} (byte {b + 1} of the line)" : FirstSentence(e.Message);
            return ApiProblems.BadRequest("The batch is not valid JSON of the agent batch shape; nothing was stored",
                [new IngestError(line, e.Path, reason)]);
        }

        if (batch is null)
        {
            return ApiProblems.BadRequest("The batch is empty; nothing was stored", [new IngestError(1, "$", "expected a JSON object, got null")]);
        }

        var origin = TokenClaims.OriginOf(context.User, BatchOrigin.AgentSource);
        return await IngestSummary.FromAsync(context, ingest.IngestAsync(batch, origin, slot, ct), limits.RetryAfterSeconds, batch.Host);
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

/// <summary>What an accepted push is told: stored or a duplicate, the sequence, rows written, and parser warnings.</summary>
public sealed record IngestSummary(string Status, string Host, long Sequence, int Rows, IReadOnlyList<IngestError> Warnings)
{
    public static async Task<Results<Ok<IngestSummary>, ProblemHttpResult>> FromAsync(HttpContext context, Task<IngestOutcome> pending,
        int retryAfterSeconds, string? host = null, IReadOnlyList<IngestError>? warnings = null)
    {
        return await pending switch
        {
            IngestOutcome.Accepted a => TypedResults.Ok(new IngestSummary(
                a.Result.Status == Storage.WriteStatus.Stored ? "stored" : "duplicate", host ?? "", a.Result.Sequence, a.Result.Rows, warnings ?? [])),
            IngestOutcome.Rejected r => ApiProblems.BadRequest("The batch was refused; nothing was stored", r.Errors),
            IngestOutcome.Forbidden f => ApiProblems.Forbidden(f.Reason),
            IngestOutcome.OverLimit l => ApiProblems.OverLimit(context, l.Reason),
            IngestOutcome.Unavailable u => ApiProblems.Unavailable(context, u.RetryAfterSeconds ?? retryAfterSeconds, u.Reason),
            _ => throw new InvalidOperationException("unknown ingest outcome"),
        };
    }
}
