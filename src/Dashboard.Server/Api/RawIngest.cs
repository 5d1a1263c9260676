using System.Globalization;
using System.Security.Claims;
using Dashboard.Core.Batches;
using Dashboard.Core.Parsing;
using Dashboard.Server.Hosting;
using Dashboard.Server.Ingest;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Api;

/// <summary>Raw command output from hosts that cannot run the agent, parsed here with the agent's own parsers.</summary>
public static class RawIngest
{
    private const int MaxWarnings = 100;

    public static async Task<Results<Ok<IngestSummary>, ProblemHttpResult>> IngestRawAsync(
        string format, string? host, string? collectedAt, HttpContext context, IngestService ingest,
        IOptionsMonitor<DashboardOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (!KnownFormats.Names.Contains(format))
        {
            return TypedResults.Problem(title: "Unknown format", statusCode: StatusCodes.Status404NotFound,
                detail: $"'{format}' is not a raw format; use one of: {string.Join(", ", KnownFormats.Names.Order(StringComparer.Ordinal))}");
        }

        var errors = new List<IngestError>();
        if (BatchValidator.HostNameProblem(host) is { } hostProblem)
        {
            errors.Add(new IngestError(null, "host", $"query parameter {hostProblem}"));
        }

        var at = clock.GetUtcNow();
        if (collectedAt is { Length: > 0 } &&
            !DateTimeOffset.TryParse(collectedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at))
        {
            errors.Add(new IngestError(null, "collectedAt", $"'{collectedAt}' is not an ISO 8601 time"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.BadRequest("The upload was refused; nothing was stored", errors);
        }

        var (status, body, error) = await BoundedBodyReader.ReadAsync(context.Request, options.CurrentValue.Ingest.MaxBodyBytes, ct);
        if (status != BodyReadStatus.Ok)
        {
            return ApiProblems.BodyProblem(context, status, error!);
        }

        // Back to the pool on every path, a cancelled wait for a turn included; parsing gives it back as soon as it is read.
        using var bodyOnEveryPath = body!;
        using var slot = await ingest.EnterAsync(ct);
        if (slot is null)
        {
            return ApiProblems.Unavailable(context, options.CurrentValue.Ingest.RetryAfterSeconds, IngestService.SaturatedReason);
        }

        ParsedInput? parsed;
        using (body)
        await using (var stream = body!.AsStream())
        {
            KnownFormats.TryParse(format, stream, out parsed);
        }

        var diagnostics = parsed!.Diagnostics.Take(MaxWarnings).Select(d => new IngestError(d.Line, d.Field, d.Reason)).ToList();
        if (!parsed.HasUsableData)
        {
            if (diagnostics.Count == 0)
            {
                diagnostics.Add(new IngestError(parsed.LinesRead > 0 ? 1 : null, null, $"no {format} content found in {parsed.LinesRead} lines"));
            }

            return ApiProblems.BadRequest($"Nothing usable in the {format} upload; nothing was stored", diagnostics);
        }

        var batch = new AgentBatch { Host = host!, CollectedAt = at };
        parsed.AddTo(batch);
        var origin = Security.TokenClaims.OriginOf(context.User, $"raw:{format}");
        return await IngestSummary.FromAsync(context, ingest.IngestAsync(batch, origin, slot, ct), options.CurrentValue.Ingest.RetryAfterSeconds, host, diagnostics);
    }
}
