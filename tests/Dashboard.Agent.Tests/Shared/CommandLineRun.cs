using System.Text;
using Dashboard.Agent.Cli;

namespace Dashboard.Agent.Tests.Shared;

/// <summary>One in-process run of the agent's command line, with its exit code, stdout and stderr.</summary>
public sealed record CommandLineRun(int ExitCode, string Output, string Error)
{
    public static async Task<CommandLineRun> RunAsync(string[] args, string input = "")
    {
        using var stdin = new MemoryStream(Encoding.UTF8.GetBytes(input));
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        var exit = await AgentCommandLine.RunAsync(args, new AgentConsole(stdin, stdout, stderr));
        return new CommandLineRun(exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }
}
