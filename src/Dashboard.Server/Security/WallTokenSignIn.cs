using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Dashboard.Server.Security;

/// <summary>
/// `/wall?token=…` with a wall token signs the screen in with a cookie that never expires on its own;
/// the token's revocation still ends it (checked on every request).
/// </summary>
public sealed class WallTokenSignIn(RequestDelegate next)
{
    public const string TokenNameClaim = "wall_token";

    public async Task InvokeAsync(HttpContext context, TokenValidator validator)
    {
        if (context.Request.Path.StartsWithSegments("/wall") && context.Request.Query["token"].ToString() is { Length: > 0 } token)
        {
            var check = TokenSecrets.LooksLikeToken(token) ? await validator.CheckAsync(token, context.RequestAborted) : new TokenCheck(null, false);
            if (check.Identity is { Role: KnownRoles.Wall } wall)
            {
                var principal = new ClaimsPrincipal(new ClaimsIdentity(
                    [
                        new Claim(ClaimTypes.Name, wall.Name),
                        new Claim(ClaimTypes.Role, KnownRoles.Wall),
                        new Claim(TokenNameClaim, wall.Name),
                        new Claim(DashboardPolicies.AuthKindClaim, DashboardPolicies.TokenKind),
                    ],
                    CookieAuthenticationDefaults.AuthenticationScheme));
                await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties
                {
                    IsPersistent = true,
                    ExpiresUtc = DateTimeOffset.UtcNow.AddYears(10),
                });
                // Drop the secret from the address bar (and from screenshots of the wall).
                var query = QueryString.Create(context.Request.Query.Where(q => q.Key != "token"));
                context.Response.Redirect(context.Request.PathBase + context.Request.Path + query);
                return;
            }

            context.Response.StatusCode = check.DatabaseDown ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status401Unauthorized;
            if (check.DatabaseDown)
            {
                // Nobody stands at a wall to press reload: the browser tries again by itself (Refresh), scripts wait (Retry-After).
                context.Response.Headers.RetryAfter = "5";
                context.Response.Headers["Refresh"] = "5";
            }

            await context.Response.WriteAsync(check.DatabaseDown ? "The token store is unavailable; retrying helps." : "This wall link is not valid or was revoked.");
            return;
        }

        await next(context);
    }
}
