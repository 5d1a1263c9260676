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
    TokenValidator validator,
    FailedAuthLimiter failures,
    ILogger<FailedAuthLimiter> failureLog) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string DatabaseDownKey = "dashboard.token.database-down";
    private const string ThrottledKey = "dashboard.token.throttled";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var address = Context.Connection.RemoteIpAddress?.ToString() ?? "";
        var token = header["Bearer ".Length..].Trim();
        if (!TokenSecrets.LooksLikeToken(token))
        {
            return Failed(address, "malformed token");
        }

        // Known tokens are answered from memory; only an address that keeps failing is stopped before the database.
        var check = validator.CheckRemembered(token) ?? (failures.IsBlocked(address) ? null : await validator.CheckAsync(token, Context.RequestAborted));
        if (check is null)
        {
            Context.Items[ThrottledKey] = true;
            return AuthenticateResult.NoResult();
        }

        if (check.DatabaseDown)
        {
            Context.Items[DatabaseDownKey] = true;
            return AuthenticateResult.NoResult();
        }

        if (check.Identity is null)
        {
            return Failed(address, "unknown or revoked token");
        }

        var identity = new ClaimsIdentity(TokenClaims.Of(check.Identity), Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    private AuthenticateResult Failed(string address, string reason)
    {
        if (failures.RecordFailure(address))
        {
            failureLog.LogInformation("Bearer authentication from {Address} keeps failing ({Reason}); refused before any look-up for the rest of the minute", address, reason);
        }
        else
        {
            failureLog.LogDebug("Bearer authentication from {Address} failed: {Reason}", address, reason);
        }

        // NoResult, not Fail: the framework would log every failure at information level; one line per address is enough.
        return AuthenticateResult.NoResult();
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

        if (Context.Items.ContainsKey(ThrottledKey))
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = failures.SecondsLeft().ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
