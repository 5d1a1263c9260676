using System.Security.Claims;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Server.Api;

/// <summary>Cookie login and logout for people, and the language choice.</summary>
public static class AccountApi
{
    public static readonly string[] Cultures = ["en", "zh-CN"];

    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/login", LoginAsync).AllowAnonymous().RequireRateLimiting(DashboardPolicies.LoginRateLimit).WithName("Login")
            .WithSummary("Cookie login from the login form; redirects back, or to the login page with the reason").Produces(StatusCodes.Status302Found).Produces(StatusCodes.Status429TooManyRequests);
        app.MapPost("/account/logout", LogoutAsync).RequireAuthorization(DashboardPolicies.View).WithName("Logout")
            .WithSummary("End the cookie session (form post with its antiforgery token)").Produces(StatusCodes.Status302Found);
        app.MapGet("/culture", SetCulture).AllowAnonymous().WithName("SetCulture")
            .WithSummary("Choose the UI language (?c=en or zh-CN) and go back to a local page").Produces(StatusCodes.Status302Found);
        return app;
    }

    /// <summary>
    /// A wrong password, an unknown user and a throttled try get the same answer after the same work, so the page tells
    /// neither which names exist nor whom someone is trying to lock out.
    /// </summary>
    public static async Task<IResult> LoginAsync([FromForm] string name, [FromForm] string password, [FromForm] string? returnUrl,
        HttpContext context, DashboardDatabase database, LoginThrottle throttle, ILogger<LoginThrottle> logger, CancellationToken ct)
    {
        var users = new UserRepository(database.DataSource);
        var back = SafeReturnUrl(returnUrl);
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "";
        var failed = Results.Redirect($"/login?error=LoginFailed&returnUrl={Uri.EscapeDataString(back)}");
        var throttled = throttle.IsThrottled(name, address);
        var user = !throttled && name.Length <= 100 ? await users.FindAsync(name, ct) : null;
        if (user is null || password.Length > 200 || throttled)
        {
            UserRepository.HashPassword(name, password.Length > 200 ? password[..200] : password); // equal work whether or not the user exists
            throttle.RecordFailure(name, address);
            logger.LogInformation("Failed login from {Address}", address);
            return failed;
        }

        if (!UserRepository.VerifyPassword(user, password))
        {
            throttle.RecordFailure(name, address);
            logger.LogInformation("Failed login from {Address}", address);
            return failed;
        }

        throttle.RecordSuccess(name, address);
        var session = await users.StartSessionAsync(user.Name, ct);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, user.Name),
                new Claim(ClaimTypes.Role, user.Role),
                new Claim(DashboardPolicies.AuthKindClaim, DashboardPolicies.UserKind),
                new Claim(SessionValidator.SessionClaim, session.ToString()),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme));
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return Results.LocalRedirect(back);
    }

    /// <summary>
    /// Binding the form makes the framework check the antiforgery token: a forged cross-site form cannot log anyone out.
    /// The session ends on the server too, so a copy of the cookie is worth nothing afterwards.
    /// </summary>
    public static async Task<IResult> LogoutAsync([FromForm] string? returnUrl, HttpContext context, DashboardDatabase database, CancellationToken ct)
    {
        if (Guid.TryParse(context.User.FindFirstValue(SessionValidator.SessionClaim), out var session))
        {
            await new UserRepository(database.DataSource).EndSessionAsync(session, ct);
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.LocalRedirect("/login" + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl(returnUrl))));
    }

    public static IResult SetCulture(string? c, string? redirect, HttpContext context)
    {
        var culture = Cultures.Contains(c) ? c! : Cultures[0];
        context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
        return Results.LocalRedirect(SafeReturnUrl(redirect));
    }

    /// <summary>Only local paths: a login link must never bounce people to another site.</summary>
    public static string SafeReturnUrl(string? url) =>
        url is { Length: > 0 } && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
