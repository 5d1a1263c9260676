namespace Dashboard.Server.Ingest;

/// <summary>
/// Who sent a batch and how: the token, its role, "agent" or "raw:FORMAT", and the hosts the token speaks for
/// (null: a token made before scopes existed, or an in-process writer).
/// </summary>
public sealed record BatchOrigin(string TokenName, string Role, string Source, HostScope? Scope = null)
{
    public const string AgentSource = "agent";

    public bool IsAgent => Source == AgentSource;
}
