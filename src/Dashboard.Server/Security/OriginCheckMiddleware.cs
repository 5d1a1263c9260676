namespace Dashboard.Server.Security;

/// <summary>
/// A state change carried by a cookie (no bearer token) must come from this site's own pages: a foreign Origin, or a
/// fetch the browser marks cross-site (sandboxed frames send an opaque Origin), is refused with 403 before any endpoint runs. SameSite=Strict stays as a second wall.
/// </summary>
public sealed class OriginCheckMiddleware(RequestDelegate next, ILogger<OriginCheckMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method)
            || request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            || request.Cookies.Count == 0)
        {
            return next(context);
        }

        // Under Referrer-Policy: no-referrer browsers send "Origin: null" even for this site's own forms: Sec-Fetch-Site tells then.
        var origin = request.Headers.Origin.ToString();
        var foreign = (origin.Length > 0 && origin != "null" && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
            || request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site";
        if (!foreign)
        {
            return next(context);
        }

        logger.LogInformation("403 for {Method} {Path}: Origin '{Origin}' is not this site", request.Method, request.Path, origin);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsync("Cross-site request refused: the Origin is not this site.");
    }
}
