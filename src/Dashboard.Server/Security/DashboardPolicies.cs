namespace Dashboard.Server.Security;

/// <summary>Names of authorization and rate-limit policies.</summary>
public static class DashboardPolicies
{
    public const string Ingest = "ingest";
    public const string ReadApi = "read-api";
    public const string View = "view";
    public const string Wall = "wall";
    public const string Operate = "operate";
    public const string Administer = "administer";
    public const string IngestRateLimit = "ingest-per-token";
    public const string LoginRateLimit = "login-per-address";

    public const string TokenScheme = "Token";
    public const string AuthKindClaim = "auth_kind";
    public const string TokenKind = "token";
    public const string UserKind = "user";
    public const string AnonymousKind = "anonymous";
}
