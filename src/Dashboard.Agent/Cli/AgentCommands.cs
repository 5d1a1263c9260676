using System.Text.Json;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Hosting;
using Dashboard.Agent.Spool;
using Dashboard.Agent.Transport;
using Dashboard.Core.Batches;

namespace Dashboard.Agent.Cli;

/// <summary>`run` (collect and push every interval until SIGTERM) and `once` (one cycle, or --dry-run to print the batch).</summary>
public sealed class AgentCommands
{
    private readonly AgentConsole _console;
    private readonly TimeProvider _time;

    public AgentCommands(AgentConsole console, TimeProvider time)
    {
        _console = console;
        _time = time;
    }

    public async Task<int> RunAsync(string? configFile, IReadOnlyList<KeyValuePair<string, string?>> overrides)
    {
        var log = AgentLog.For(_console.Error);
        if (!TryLoad(configFile, overrides, forSending: true, out var configuration))
        {
            return ExitCodes.Usage;
        }

        using var signal = new ShutdownSignal();
        if (!TryAssemble(configuration, log, dryRun: false, out var assembly))
        {
            return ExitCodes.Usage;
        }

        using (assembly)
        {
            var options = configuration.Options!;
            log.Info($"dashboard-agent {AgentInfo.Version}: host {options.Host}, pushing every {options.IntervalSeconds} s to {options.Server}, "
                + $"spool {options.SpoolDirectory} ({assembly.Spool!.Count} batch(es) waiting)");
            var runner = assembly.CreateRunner(options, _time, log);
            var service = ServiceManager.FromEnvironment(log);
            if (service.WatchdogTimeout is { } watchdog && watchdog < options.LongestCycle)
            {
                log.Warning($"WatchdogSec={watchdog.TotalSeconds:0} is shorter than one cycle can take with these settings ({options.LongestCycle.TotalSeconds:0} s): "
                    + "systemd may restart a healthy agent while the server is slow; raise WatchdogSec");
            }

            runner.Delivered += report => service.Status(Describe(report));
            runner.CycleEnded += service.Alive;
            using var stopping = signal.Token.Register(service.Stopping);
            service.Ready($"pushing every {options.IntervalSeconds} s to {options.Server}");
            await runner.RunAsync(signal.Token);
            // The loop can end before the signal's callback runs, and disposing the registration then drops it.
            service.Stopping();
            return ExitCodes.Success;
        }
    }

    public async Task<int> OnceAsync(string? configFile, IReadOnlyList<KeyValuePair<string, string?>> overrides, bool dryRun)
    {
        var log = AgentLog.For(_console.Error);
        if (!TryLoad(configFile, overrides, forSending: !dryRun, out var configuration))
        {
            return ExitCodes.Usage;
        }

        using var signal = new ShutdownSignal();
        if (!TryAssemble(configuration, log, dryRun, out var assembly))
        {
            return ExitCodes.Usage;
        }

        using (assembly)
        {
            var options = configuration.Options!;
            if (dryRun)
            {
                var batch = await assembly.Cycle.CollectAsync(signal.Token);
                Preview(batch, options, log);
                JsonSerializer.Serialize(_console.Output, batch, DashboardJsonContext.Default.AgentBatch);
                _console.Output.Write("\n"u8);
                _console.Output.Flush();
                return ExitCodes.Success;
            }

            DeliveryReport report;
            try
            {
                report = await assembly.CreateRunner(options, _time, log).RunOnceAsync(signal.Token);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _console.Error.WriteLine($"not delivered: {e.Message}");
                return ExitCodes.NotDelivered;
            }

            _console.Error.WriteLine(Describe(report));
            return report.Outcome == DeliveryOutcome.Delivered ? ExitCodes.Success : ExitCodes.NotDelivered;
        }
    }

    private static string Describe(DeliveryReport report)
    {
        var replayed = report.Replayed > 0 ? $" after {report.Replayed} spooled batch(es)" : "";
        return $"batch #{report.Sequence} {report.Outcome.ToString().ToLowerInvariant()}{replayed}" + (report.Reason is null ? "" : $": {report.Reason}");
    }

    /// <summary>The sequence and drop count the batch would get, read without changing anything on disk.</summary>
    private void Preview(AgentBatch batch, AgentOptions options, AgentLog log)
    {
        var state = AgentState.Load(options.SpoolDirectory, BatchSpool.HighestSequenceIn(options.SpoolDirectory), _time, log);
        (batch.Sequence, batch.DroppedBatches) = state.Peek();
        batch.AgentVersion = AgentInfo.Version;
    }

    private bool TryLoad(string? configFile, IReadOnlyList<KeyValuePair<string, string?>> overrides, bool forSending, out ConfigurationOutcome outcome)
    {
        outcome = AgentConfigurationLoader.Load(configFile, overrides, forSending);
        if (outcome.Succeeded)
        {
            return true;
        }

        _console.Error.WriteLine(outcome.Describe());
        return false;
    }

    private bool TryAssemble(ConfigurationOutcome configuration, AgentLog log, bool dryRun, out AgentAssembly assembly)
    {
        try
        {
            assembly = AgentAssembly.Create(configuration.Options!, configuration.Token, log, _time, dryRun);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _console.Error.WriteLine($"invalid configuration:{Environment.NewLine}  {AgentConfigNames.SpoolDirectory}: {e.Message}");
            assembly = null!;
            return false;
        }
    }
}
