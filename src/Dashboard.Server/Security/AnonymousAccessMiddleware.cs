using System.Security.Claims;
using Dashboard.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Security;

/// <summary>When anonymous access is on, people who have not logged in act with the configured role (as in Grafana).</summary>
public sealed class AnonymousAccessMiddleware(RequestDelegate next, IOptionsMonitor<DashboardOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated != true
            && options.CurrentValue.Auth.AnonymousRole is { Length: > 0 } role
            && !context.Request.Headers.Authorization.Any())
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity(
                [
                    new Claim(ClaimTypes.Name, "anonymous"),
                    new Claim(ClaimTypes.Role, role),
                    new Claim(DashboardPolicies.AuthKindClaim, DashboardPolicies.AnonymousKind),
                ],
                DashboardPolicies.AnonymousKind));
        }

        return next(context);
    }
}
