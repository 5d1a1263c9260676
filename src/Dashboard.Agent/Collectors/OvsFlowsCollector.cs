using Dashboard.Agent.Commands;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Hosting;
using Dashboard.Core.Iptables;

namespace Dashboard.Agent.Collectors;

/// <summary>
/// OpenFlow counters of Neutron's Open vSwitch firewall on a compute node: `ovs-ofctl show BRIDGE` (port numbers to tap
/// names), `ovs-vsctl list Interface` (Neutron port ids and MACs) and `ovs-ofctl dump-flows BRIDGE`, read together
/// through the ovs-flows parser for each bridge.
/// </summary>
public sealed class OvsFlowsCollector : ICollector
{
    private const string Format = "ovs-flows";

    private readonly OvsCollectorOptions _options;
    private readonly ICommandRunner _runner;
    private readonly TimeSpan _commandTimeout;
    private readonly UnavailableNotice _unavailable;

    public OvsFlowsCollector(OvsCollectorOptions options, ICommandRunner runner, AgentLog log, TimeSpan commandTimeout)
    {
        _options = options;
        _runner = runner;
        _commandTimeout = commandTimeout;
        _unavailable = new UnavailableNotice(log, Name);
    }

    public string Name => "ovs";

    public async Task<CollectResult> CollectAsync(CancellationToken ct)
    {
        var contributions = new List<Action<Core.Batches.AgentBatch>>();
        var problems = new List<string>();
        byte[]? interfaces = null;
        foreach (var bridge in _options.Bridges)
        {
            var show = await _runner.RunAsync([_options.OfctlPath, "show", bridge], ReadAll, _commandTimeout, ct);
            if (show.Status == CommandStatus.NotFound)
            {
                return _unavailable.Report($"{_options.OfctlPath} not found");
            }

            _unavailable.Available();
            if (!show.Succeeded)
            {
                problems.Add(Describe($"show {bridge}", show));
                continue;
            }

            // Interfaces are the whole switch's: one listing serves every bridge of the cycle.
            interfaces ??= await ListInterfacesAsync(problems, ct);

            // The ports listed first name the OpenFlow port numbers the flows after them use.
            var flows = await _runner.RunAsync([_options.OfctlPath, "dump-flows", bridge],
                input => FormatReader.Parse(Format, Concatenated(show.Value!, interfaces, input)), _commandTimeout, ct);
            if (!flows.Succeeded)
            {
                problems.Add(Describe($"dump-flows {bridge}", flows));
                continue;
            }

            var parsed = flows.Value!;
            if (!FormatReader.IsUsable(parsed))
            {
                problems.Add(FormatReader.DescribeUnusable($"{_options.OfctlPath} dump-flows {bridge}", parsed));
                continue;
            }

            if (parsed.Value is IptablesDump { RulesWithoutCounters: > 0 } dump)
            {
                problems.Add($"{_options.OfctlPath} dump-flows {bridge}: {dump.RulesWithoutCounters} flows without n_packets/n_bytes");
            }

            contributions.Add(parsed.AddTo);
        }

        return CollectResult.Data(contributions, problems);
    }

    /// <summary>`ovs-vsctl --format=csv --columns=name,ofport,external_ids list Interface`; empty when it cannot run (ports then keep device names only).</summary>
    private async Task<byte[]> ListInterfacesAsync(List<string> problems, CancellationToken ct)
    {
        if (_options.VsctlPath.Length == 0)
        {
            return [];
        }

        List<string> arguments = [_options.VsctlPath];
        if (_options.OvsdbRemote is { } remote)
        {
            arguments.Add($"--db={remote}");
        }

        arguments.AddRange(["--format=csv", "--columns=name,ofport,external_ids", "list", "Interface"]);
        var listed = await _runner.RunAsync(arguments, ReadAll, _commandTimeout, ct);
        if (listed.Succeeded)
        {
            return listed.Value!;
        }

        problems.Add(Describe(_options.VsctlPath, "list Interface", listed) + "; ports have no Neutron port ids");
        return [];
    }

    private string Describe<T>(string what, CommandOutcome<T> outcome) where T : class => Describe(_options.OfctlPath, what, outcome);

    private static string Describe<T>(string program, string what, CommandOutcome<T> outcome) where T : class =>
        $"{program} {what}: {outcome.Status.ToString().ToLowerInvariant()} (exit {outcome.ExitCode?.ToString() ?? "none"}): {outcome.Error}";

    private static byte[] ReadAll(Stream input)
    {
        using var buffer = new MemoryStream();
        input.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static MemoryStream Concatenated(byte[] show, byte[] interfaces, Stream flows)
    {
        var buffer = new MemoryStream();
        buffer.Write(show);
        buffer.WriteByte((byte)'\n');
        if (interfaces.Length > 0)
        {
            buffer.Write(interfaces);
            buffer.WriteByte((byte)'\n');
        }

        flows.CopyTo(buffer);
        buffer.Position = 0;
        return buffer;
    }
}
