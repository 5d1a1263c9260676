namespace Dashboard.Agent.Commands;

/// <summary>What a command run gave: the reader's value when it exited 0, otherwise why not (with the end of its stderr).</summary>
public sealed record CommandOutcome<T>(CommandStatus Status, T? Value, int? ExitCode, string Error) where T : class
{
    public bool Succeeded => Status == CommandStatus.Succeeded;
}
