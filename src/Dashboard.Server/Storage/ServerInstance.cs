namespace Dashboard.Server.Storage;

/// <summary>This server process among several on one database: its own announcements are not replayed to itself.</summary>
public sealed class ServerInstance
{
    public string Id { get; } = Guid.NewGuid().ToString("N");
}
