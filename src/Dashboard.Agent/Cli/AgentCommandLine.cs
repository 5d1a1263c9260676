using System.CommandLine;
using System.CommandLine.Completions;
using Dashboard.Agent.Hosting;
using Dashboard.Core.Parsing;

namespace Dashboard.Agent.Cli;

/// <summary>dashboard-agent parse | run | once | version.</summary>
public static class AgentCommandLine
{
    public static async Task<int> RunAsync(string[] args, AgentConsole console, TimeProvider? time = null)
    {
        var commands = new AgentCommands(console, time ?? TimeProvider.System);
        var root = new RootCommand("LVS-DR cluster health agent: collects IPVS, iptables, NSX and keepalived state and pushes it to the dashboard.");

        var format = new Argument<string>("FORMAT") { Description = "Input format (tab completion, or an unknown one, lists them)" };
        // Lazy: the format table is built only when completions are asked for, not on every start.
        format.CompletionSources.Add(static _ => KnownFormats.Names.Order(StringComparer.Ordinal).Select(static name => new CompletionItem(name)));
        var file = new Argument<string?>("FILE") { Description = "File to read; - or nothing for stdin", Arity = ArgumentArity.ZeroOrOne };
        var parse = new Command("parse", "Parse one captured output and print it as JSON") { format, file };
        parse.SetAction(result => ParseCommand.Run(result.GetValue(format)!, result.GetValue(file), console));
        root.Subcommands.Add(parse);

        var runFlags = new ConfigurationFlags();
        var run = new Command("run", "Collect and push a batch every IntervalSeconds until SIGTERM");
        runFlags.AddTo(run);
        run.SetAction(result => runFlags.TryGetOverrides(result, out var overrides, out var error)
            ? commands.RunAsync(result.GetValue(runFlags.Config), overrides)
            : UsageError(console, error!));
        root.Subcommands.Add(run);

        var onceFlags = new ConfigurationFlags();
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the batch JSON that would be sent; send and store nothing" };
        var once = new Command("once", "Collect and push one batch (after any spooled ones)") { dryRun };
        onceFlags.AddTo(once);
        once.SetAction(result => onceFlags.TryGetOverrides(result, out var overrides, out var error)
            ? commands.OnceAsync(result.GetValue(onceFlags.Config), overrides, result.GetValue(dryRun))
            : UsageError(console, error!));
        root.Subcommands.Add(once);

        var version = new Command("version", "Print the agent version");
        version.SetAction(_ =>
        {
            console.Output.Write(System.Text.Encoding.UTF8.GetBytes($"dashboard-agent {AgentInfo.Version}\n"));
            console.Output.Flush();
            return ExitCodes.Success;
        });
        root.Subcommands.Add(version);

        var parsed = root.Parse(args);
        var configuration = new InvocationConfiguration
        {
            Error = console.Error,
            Output = new StreamWriter(console.Output, leaveOpen: true) { AutoFlush = true },
            // The agent handles SIGTERM itself: it must finish and spool the batch in hand, however long that takes.
            ProcessTerminationTimeout = null,
        };
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                console.Error.WriteLine(error.Message);
            }

            console.Error.WriteLine("usage: dashboard-agent parse FORMAT [FILE|-] | run --config FILE | once --config FILE [--dry-run] | version (--help for more)");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(configuration);
    }

    private static Task<int> UsageError(AgentConsole console, string error)
    {
        console.Error.WriteLine(error);
        return Task.FromResult(ExitCodes.Usage);
    }
}
