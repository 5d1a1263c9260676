using Dashboard.Agent.Commands;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Hosting;
using Dashboard.Core.Batches;
using Dashboard.Core.Iptables;

namespace Dashboard.Agent.Collectors;

/// <summary>
/// iptables counters on a hypervisor: the configured command (iptables-save -c) in the host's namespace and in each named
/// network namespace (`ip netns exec NAME …`), once per configured table, each dump through the iptables-save parser.
/// </summary>
public sealed class IptablesCollector : ICollector
{
    private const string Format = "iptables-save";

    private readonly IptablesCollectorOptions _options;
    private readonly ICommandRunner _runner;
    private readonly TimeSpan _commandTimeout;
    private readonly UnavailableNotice _unavailable;
    private readonly List<string> _command;

    public IptablesCollector(IptablesCollectorOptions options, ICommandRunner runner, AgentLog log, TimeSpan commandTimeout)
    {
        _options = options;
        _runner = runner;
        _commandTimeout = commandTimeout;
        _unavailable = new UnavailableNotice(log, Name);
        _command = CommandLineSplitter.Split(options.Command);
    }

    public string Name => "iptables";

    public async Task<CollectResult> CollectAsync(CancellationToken ct)
    {
        var contributions = new List<Action<AgentBatch>>();
        var problems = new List<string>();
        var notFound = 0;
        var runs = 0;
        foreach (var space in Namespaces())
        {
            foreach (var table in Tables())
            {
                runs++;
                List<string> arguments = space is null ? [.. _command] : ["ip", "netns", "exec", space, .. _command];
                if (table is not null)
                {
                    arguments.AddRange(["-t", table]);
                }

                var outcome = await _runner.RunAsync(arguments, input => FormatReader.Parse(Format, input), _commandTimeout, ct);
                var source = (space is null ? "" : $"[netns {space}] ") + string.Join(' ', arguments.Skip(space is null ? 0 : 4));
                if (outcome.Status == CommandStatus.NotFound)
                {
                    notFound++;
                    continue;
                }

                if (!outcome.Succeeded)
                {
                    problems.Add($"{source}: {outcome.Status.ToString().ToLowerInvariant()} (exit {outcome.ExitCode?.ToString() ?? "none"}): {outcome.Error}");
                    continue;
                }

                var parsed = outcome.Value!;
                if (!FormatReader.IsUsable(parsed))
                {
                    problems.Add(FormatReader.DescribeUnusable(source, parsed));
                    continue;
                }

                if (parsed.Value is IptablesDump dump)
                {
                    dump.Namespace = space;
                }

                contributions.Add(parsed.AddTo);
            }
        }

        if (notFound == runs)
        {
            return _unavailable.Report($"{(_options.HostNamespace ? _command[0] : "ip")} not found");
        }

        _unavailable.Available();
        return CollectResult.Data(contributions, problems);
    }

    /// <summary>null stands for the host's own namespace.</summary>
    private IEnumerable<string?> Namespaces()
    {
        if (_options.HostNamespace)
        {
            yield return null;
        }

        foreach (var name in _options.Namespaces)
        {
            yield return name;
        }
    }

    private IEnumerable<string?> Tables() => _options.Tables.Count == 0 ? new string?[] { null } : _options.Tables;
}
