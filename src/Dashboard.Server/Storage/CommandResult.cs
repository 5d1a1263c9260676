namespace Dashboard.Server.Storage;

/// <summary>Exit code and combined output of a finished program.</summary>
internal sealed record CommandResult(int ExitCode, string Output);
