namespace Dashboard.Agent.Commands;

/// <summary>Runs a program and hands its standard output, as a stream, to a reader: collectors never hold whole outputs as strings.</summary>
public interface ICommandRunner
{
    Task<CommandOutcome<T>> RunAsync<T>(IReadOnlyList<string> arguments, Func<Stream, T> readOutput, TimeSpan timeout, CancellationToken ct)
        where T : class;
}
