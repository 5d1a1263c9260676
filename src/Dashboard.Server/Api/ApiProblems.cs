using Dashboard.Server.Ingest;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Api;

/// <summary>RFC 7807 answers with the precise reasons under "errors".</summary>
public static class ApiProblems
{
    public static ProblemHttpResult BadRequest(string title, IEnumerable<IngestError> errors) =>
        TypedResults.Problem(title: title, statusCode: StatusCodes.Status400BadRequest, extensions: new Dictionary<string, object?>
        {
            ["errors"] = errors.Select(e => new Dictionary<string, object?> { ["line"] = e.Line, ["field"] = e.Field, ["reason"] = e.Reason }).ToList(),
        });

    public static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(title: "Request body too large", detail: detail, statusCode: StatusCodes.Status413PayloadTooLarge);

    public static ProblemHttpResult UnsupportedEncoding(string detail) =>
        TypedResults.Problem(title: "Unsupported or corrupt content encoding", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    public static ProblemHttpResult Unavailable(HttpContext context, int retryAfterSeconds, string detail)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(title: "Database unavailable; nothing was stored, retry later", detail: detail,
            statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
