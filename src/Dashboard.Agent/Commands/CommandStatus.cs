namespace Dashboard.Agent.Commands;

public enum CommandStatus
{
    Succeeded,

    /// <summary>The program does not exist on this host (or is not executable).</summary>
    NotFound,
    Failed,
    TimedOut,
}
