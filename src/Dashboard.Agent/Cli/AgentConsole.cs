namespace Dashboard.Agent.Cli;

/// <summary>The streams a command uses, so tests run commands in-process without touching the real console.</summary>
public sealed record AgentConsole(Stream Input, Stream Output, TextWriter Error)
{
    public static AgentConsole Standard() => new(Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error);
}
