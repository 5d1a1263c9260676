using System.Security.Claims;
using Dashboard.Server.Ingest;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Security;

/// <summary>A token's identity as claims, and back: the hosts it speaks for travel with the request to ingest.</summary>
public static class TokenClaims
{
    public const string Host = "token_host";
    public const string HostPattern = "token_host_pattern";
    public const string Scoped = "token_scoped";

    public static IEnumerable<Claim> Of(ApiTokenIdentity token)
    {
        yield return new Claim(ClaimTypes.Name, token.Name);
        yield return new Claim(ClaimTypes.Role, token.Role);
        yield return new Claim(DashboardPolicies.AuthKindClaim, DashboardPolicies.TokenKind);
        if (token.Scope is not { } scope)
        {
            yield break;
        }

        yield return new Claim(Scoped, "true");
        foreach (var host in scope.Hosts)
        {
            yield return new Claim(Host, host);
        }

        if (scope.Pattern is { } pattern)
        {
            yield return new Claim(HostPattern, pattern);
        }
    }

    public static BatchOrigin OriginOf(ClaimsPrincipal user, string source)
    {
        var scope = user.HasClaim(c => c.Type == Scoped)
            ? new HostScope(user.FindAll(Host).Select(c => c.Value).ToList(), user.FindFirstValue(HostPattern))
            : null;
        return new BatchOrigin(user.Identity?.Name ?? "", user.FindFirstValue(ClaimTypes.Role) ?? "", source, scope);
    }
}
