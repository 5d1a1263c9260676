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

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(title: "This token may not send that; nothing was stored", detail: detail, statusCode: StatusCodes.Status403Forbidden);

    public static ProblemHttpResult OverLimit(HttpContext context, string detail)
    {
        context.Response.Headers.RetryAfter = "60";
        return TypedResults.Problem(title: "A configured limit was reached; nothing was stored", detail: detail, statusCode: StatusCodes.Status429TooManyRequests);
    }

    /// <summary>What a body that could not be read is answered; a slow client is logged in one line, at information level.</summary>
    public static ProblemHttpResult BodyProblem(HttpContext context, BodyReadStatus status, string error)
    {
        if (status == BodyReadStatus.TimedOut)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Dashboard.Server.Api.Ingest")
                .LogInformation("408 for {Address}: the request body arrived too slowly", context.Connection.RemoteIpAddress);
            return TypedResults.Problem(title: "Request body timeout", detail: error, statusCode: StatusCodes.Status408RequestTimeout);
        }

        return status == BodyReadStatus.TooLarge ? TooLarge(error) : UnsupportedEncoding(error);
    }

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
