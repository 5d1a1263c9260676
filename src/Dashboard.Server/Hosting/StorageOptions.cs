namespace Dashboard.Server.Hosting;

/// <summary>The "Dashboard:Storage" section: the free-space floor of the database's file system.</summary>
public sealed class StorageOptions
{
    /// <summary>Ingest answers 503 while the database's file system has less free than this (or than <see cref="MinFreePercent"/>, whichever is larger).</summary>
    public long MinFreeMegabytes { get; set; } = 1024;

    /// <summary>The same floor as a share of the file system's size; 0 turns the share off.</summary>
    public double MinFreePercent { get; set; } = 5;

    /// <summary>Seconds refused agents are told to wait; above the agent's 30 s retry limit, so they spool at once instead of retrying.</summary>
    public int RetryAfterSeconds { get; set; } = 60;

    /// <summary>
    /// A folder on the database's file system as mounted on this machine, for an external database; without it the floor watches the
    /// embedded data folder, or the data_directory PostgreSQL reports when it is on this machine, or nothing (logged at start).
    /// </summary>
    public string? DataPath { get; set; }
}
