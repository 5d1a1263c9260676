using Dashboard.Agent.Commands;

namespace Dashboard.Agent.Tests.Shared;

/// <summary>Answers commands with captured output files, as the real runner would stream a program's output; records every call.</summary>
public sealed class FixtureCommandRunner : ICommandRunner
{
    private readonly Dictionary<string, string> _outputs = new(StringComparer.Ordinal);
    private readonly List<string> _calls = [];

    public IReadOnlyList<string> Calls => _calls;

    /// <summary>The command line (arguments joined by blanks) whose output is the file; any other command is "not found".</summary>
    public FixtureCommandRunner Answer(string commandLine, string outputFile)
    {
        _outputs[commandLine] = outputFile;
        return this;
    }

    public Task<CommandOutcome<T>> RunAsync<T>(IReadOnlyList<string> arguments, Func<Stream, T> readOutput, TimeSpan timeout, CancellationToken ct)
        where T : class
    {
        var commandLine = string.Join(' ', arguments);
        _calls.Add(commandLine);
        if (!_outputs.TryGetValue(commandLine, out var file))
        {
            return Task.FromResult(new CommandOutcome<T>(CommandStatus.NotFound, null, null, $"{arguments[0]}: not found"));
        }

        using var output = File.OpenRead(file);
        return Task.FromResult(new CommandOutcome<T>(CommandStatus.Succeeded, readOutput(output), 0, ""));
    }
}
