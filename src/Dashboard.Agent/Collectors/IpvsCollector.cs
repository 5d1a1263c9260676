using Dashboard.Agent.Commands;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Hosting;
using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Parsing;

namespace Dashboard.Agent.Collectors;

/// <summary>
/// IPVS on a director: the service table, the connection table (aggregated by the parser, never per-connection rows) and
/// global stats, read from ProcRoot/net/ip_vs* without forking; `ipvsadm` only when /proc lacks them.
/// </summary>
public sealed class IpvsCollector : ICollector
{
    private readonly IpvsCollectorOptions _options;
    private readonly ICommandRunner _runner;
    private readonly TimeSpan _commandTimeout;
    private readonly UnavailableNotice _unavailable;

    public IpvsCollector(IpvsCollectorOptions options, ICommandRunner runner, AgentLog log, TimeSpan commandTimeout)
    {
        _options = options;
        _runner = runner;
        _commandTimeout = commandTimeout;
        _unavailable = new UnavailableNotice(log, Name);
    }

    public string Name => "ipvs";

    public async Task<CollectResult> CollectAsync(CancellationToken ct)
    {
        var contributions = new List<Action<AgentBatch>>();
        var problems = new List<string>();
        var net = Path.Combine(_options.ProcRoot, "net");

        var services = await ReadAsync(Path.Combine(net, "ip_vs"), "proc-ip-vs", ["-Ln", "--exact"], "ipvsadm", problems, ct);
        if (services is null && problems.Count == 0)
        {
            return _unavailable.Report($"no {Path.Combine(net, "ip_vs")}, and {_options.IpvsadmPath} gave nothing");
        }

        _unavailable.Available();
        Add(services, contributions);
        var connections = await ReadAsync(Path.Combine(net, "ip_vs_conn"), "proc-ip-vs-conn", ["-Lnc"], "ipvsadm-conn", problems, ct);
        if (connections?.Value is IpvsConnectionSummary summary)
        {
            KeepTopSources(summary, _options.TopSynRecvSources);
        }

        Add(connections, contributions);
        Add(await ReadAsync(Path.Combine(net, "ip_vs_stats"), "proc-ip-vs-stats", null, null, problems, ct), contributions);
        if (contributions.Count > 0 && ReadKernelRelease() is { } kernel)
        {
            contributions.Add(batch => (batch.Ipvs ??= new IpvsSnapshot()).Kernel = kernel);
        }

        return CollectResult.Data(contributions, problems);
    }

    private static void Add(ParsedInput? parsed, List<Action<AgentBatch>> contributions)
    {
        if (parsed is not null)
        {
            contributions.Add(parsed.AddTo);
        }
    }

    /// <summary>The /proc file through its parser; without the file, ipvsadm with the fallback arguments; null when neither exists.</summary>
    private async Task<ParsedInput?> ReadAsync(string path, string procFormat, string[]? fallbackArguments, string? fallbackFormat,
        List<string> problems, CancellationToken ct)
    {
        var fromFile = await Task.Run(() => ReadFile(path, procFormat, problems), ct);
        if (fromFile.Found || fallbackArguments is null || fallbackFormat is null)
        {
            return fromFile.Parsed;
        }

        var outcome = await _runner.RunAsync([_options.IpvsadmPath, .. fallbackArguments],
            input => FormatReader.Parse(fallbackFormat, input), _commandTimeout, ct);
        var source = $"{_options.IpvsadmPath} {string.Join(' ', fallbackArguments)}";
        switch (outcome.Status)
        {
            case CommandStatus.NotFound:
                return null;
            case CommandStatus.Failed when fallbackFormat == "ipvsadm":
                // ipvsadm exits non-zero when the kernel has no IPVS at all: that is "not available", not a failure.
                return null;
            case CommandStatus.Succeeded when FormatReader.IsUsable(outcome.Value!):
                return outcome.Value;
            case CommandStatus.Succeeded:
                problems.Add(FormatReader.DescribeUnusable(source, outcome.Value!));
                return null;
            default:
                problems.Add($"{source}: {outcome.Status.ToString().ToLowerInvariant()} (exit {outcome.ExitCode?.ToString() ?? "none"}): {outcome.Error}");
                return null;
        }
    }

    private static (bool Found, ParsedInput? Parsed) ReadFile(string path, string format, List<string> problems)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (false, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{path}: {e.Message}");
            return (true, null);
        }

        using (stream)
        {
            var parsed = FormatReader.Parse(format, stream);
            if (FormatReader.IsUsable(parsed))
            {
                return (true, parsed);
            }

            problems.Add(FormatReader.DescribeUnusable(path, parsed));
            return (true, null);
        }
    }

    private string? ReadKernelRelease()
    {
        try
        {
            return File.ReadAllText(Path.Combine(_options.ProcRoot, "sys", "kernel", "osrelease")).Trim() is { Length: > 0 } release ? release : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The parser keeps a fixed number of sources per virtual service; the configuration may ask for fewer.</summary>
    private static void KeepTopSources(IpvsConnectionSummary summary, int perVirtual)
    {
        var kept = new List<IpvsSynRecvSource>(summary.TopSynRecvSources.Count);
        foreach (var group in summary.TopSynRecvSources.GroupBy(static s => (s.Protocol, s.Virtual)))
        {
            kept.AddRange(group.OrderByDescending(static s => s.Connections).ThenBy(static s => s.Client, StringComparer.Ordinal).Take(perVirtual));
        }

        summary.TopSynRecvSources = kept;
    }
}
