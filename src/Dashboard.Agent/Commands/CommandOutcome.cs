namespace Dashboard.Agent.Commands;

public enum CommandStatus
{
    Succeeded,

    /// <summary>The program does not exist on this host (or is not executable).</summary>
    NotFound,
    Failed,
    TimedOut,
}

/// <summary>What a command run gave: the reader's value when it exited 0, otherwise why not (with the end of its stderr).</summary>
public sealed record CommandOutcome<T>(CommandStatus Status, T? Value, int? ExitCode, string Error) where T : class
{
    public bool Succeeded => Status == CommandStatus.Succeeded;
}
