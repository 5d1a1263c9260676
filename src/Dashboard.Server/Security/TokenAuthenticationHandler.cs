using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Security;

/// <summary>`Authorization: Bearer TOKEN` for agents and scripts.</summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenValidator validator) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string DatabaseDownKey = "dashboard.token.database-down";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        if (!TokenSecrets.LooksLikeToken(token))
        {
            return AuthenticateResult.Fail("malformed token");
        }

        var check = await validator.CheckAsync(token, Context.RequestAborted);
        if (check.DatabaseDown)
        {
            Context.Items[DatabaseDownKey] = true;
            return AuthenticateResult.Fail("token store unavailable");
        }

        if (check.Identity is null)
        {
            return AuthenticateResult.Fail("unknown or revoked token");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, check.Identity.Name),
                new Claim(ClaimTypes.Role, check.Identity.Role),
                new Claim(DashboardPolicies.AuthKindClaim, DashboardPolicies.TokenKind),
            ],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(DatabaseDownKey))
        {
            // Nothing is wrong with the token as far as we know: tell the agent to come back, not to give up.
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "5";
            return Task.CompletedTask;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
