namespace Dashboard.Server.Ingest;

/// <summary>Who sent a batch and how: the token, its role, and "agent" or "raw:FORMAT".</summary>
public sealed record BatchOrigin(string TokenName, string Role, string Source)
{
    public const string AgentSource = "agent";

    public bool IsAgent => Source == AgentSource;
}
