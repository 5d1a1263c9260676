using System.Security.Claims;
using Dashboard.Server.Hosting;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Security;

/// <summary>
/// Open pages check every few seconds that their sign-in still holds: a logout, a password or role change, a deleted user or
/// a revoked wall token turns the page to its sign-in page by itself, without anyone pressing reload.
/// </summary>
public sealed class DashboardAuthenticationStateProvider(
    ILoggerFactory loggers,
    SessionValidator sessions,
    TokenValidator tokens,
    IOptionsMonitor<DashboardOptions> options) : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(options.CurrentValue.Auth.RevalidateSeconds);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct) =>
        await StillValidAsync(state.User, sessions, tokens, ct);

    /// <summary>The one rule for cookies and open pages alike.</summary>
    public static async Task<bool> StillValidAsync(ClaimsPrincipal user, SessionValidator sessions, TokenValidator tokens, CancellationToken ct)
    {
        if (user.FindFirstValue(WallTokenSignIn.TokenNameClaim) is { } wallToken)
        {
            return await tokens.IsNameActiveAsync(wallToken, ct);
        }

        if (user.FindFirstValue(DashboardPolicies.AuthKindClaim) == DashboardPolicies.UserKind)
        {
            return await sessions.IsActiveAsync(user.FindFirstValue(SessionValidator.SessionClaim),
                user.Identity?.Name ?? "", user.FindFirstValue(ClaimTypes.Role) ?? "", ct);
        }

        return true;
    }
}
