using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Dashboard.Server.Tests.Lab;

/// <summary>lab.sh exited 77: this machine cannot host the lab's network namespaces.</summary>
public sealed class LabUnavailableException(string reason)
    : Exception($"network namespaces not permitted here: {reason}")
{
    public string Reason { get; } = reason;
}

/// <summary>
/// The LVS-DR lab of tests/lab/lab.sh (client, director, real servers behind a Neutron-style compute node,
/// in network namespaces named after <see cref="Prefix"/>). Disposing removes it.
/// </summary>
public sealed partial class LabNetwork : IAsyncDisposable
{
    // Generous: up may have to apt-get a missing tool; every other command is bounded by seconds.
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    private readonly string _script;
    private int _disposed;

    private LabNetwork(string script, string prefix)
    {
        _script = script;
        Prefix = prefix;
    }

    public string Prefix { get; }

    /// <summary>legacy or nft: which iptables the compute node's rules live in.</summary>
    public string Backend { get; private set; } = "legacy";

    /// <summary>The command an agent on the compute node runs to read those rules with their counters.</summary>
    public string SaveCommand => $"iptables-{Backend}-save -c";

    /// <summary>What `up` printed last: the OpenFlow target of the Open vSwitch lab's br-int (ovs-lab.sh).</summary>
    public string UpOutput { get; private set; } = "";

    /// <param name="script">lab.sh (iptables hybrid driver) or ovs-lab.sh (Open vSwitch firewall driver), both in tests/lab.</param>
    public static async Task<LabNetwork> StartAsync(string prefix, CancellationToken ct, string script = "lab.sh")
    {
        var lab = new LabNetwork(LocateScript(script), prefix);
        var (output, log) = await lab.RunWithLogAsync(ct, "up", prefix);
        lab.Backend = BackendLine().Match(log) is { Success: true } m ? m.Groups[1].Value : "legacy";
        lab.UpOutput = output.Trim();
        return lab;
    }

    /// <summary>broken, fixed, pairs or halfflow (see tests/lab/README.md).</summary>
    public Task ScenarioAsync(string scenario, CancellationToken ct = default) =>
        RunAsync(ct, "scenario", scenario, Prefix);

    /// <summary>N concurrent client requests to the VIP, each bounded by <paramref name="timeout"/> (default 2 s).</summary>
    public async Task<(int Ok, int Failed)> TrafficAsync(int n, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var seconds = (timeout ?? TimeSpan.FromSeconds(2)).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var output = await RunAsync(ct, "traffic", n.ToString(CultureInfo.InvariantCulture), seconds, Prefix);
        var match = TrafficLine().Match(output);
        if (!match.Success)
        {
            throw new InvalidOperationException($"lab.sh traffic printed '{output.Trim()}'");
        }
        return (int.Parse(match.Groups["ok"].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups["failed"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>N TCP SYN-ACKs from the client to the VIP that no connection expects (ovs-lab.sh only): conntrack marks them INVALID.</summary>
    public async Task StrayAsync(int n, CancellationToken ct = default)
    {
        var output = await RunAsync(ct, "stray", n.ToString(CultureInfo.InvariantCulture), Prefix);
        if (output.Trim() != $"sent={n}")
        {
            throw new InvalidOperationException($"ovs-lab.sh stray printed '{output.Trim()}'");
        }
    }

    /// <summary>
    /// N concurrent client requests, told apart: connected and answered, connected but slow to answer (the handshake
    /// completed, so the director saw the client's ACK), and never connected within <paramref name="timeout"/>.
    /// </summary>
    public async Task<(int Answered, int Slow, int NotConnected)> AttemptsAsync(int n, TimeSpan timeout, CancellationToken ct = default)
    {
        var seconds = timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var (output, log) = await RunWithLogAsync(ct, "traffic", n.ToString(CultureInfo.InvariantCulture), seconds, Prefix);
        var ok = TrafficLine().Match(output);
        var detail = TrafficDetailLine().Match(log);
        if (!ok.Success || !detail.Success)
        {
            throw new InvalidOperationException($"lab.sh traffic printed '{output.Trim()}' / '{log.Trim()}'");
        }

        return (int.Parse(ok.Groups["ok"].Value, CultureInfo.InvariantCulture),
                int.Parse(detail.Groups["stalled"].Value, CultureInfo.InvariantCulture),
                int.Parse(detail.Groups["failed"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>iptables-save -c of the compute node, as the hypervisor agent collects it.</summary>
    public Task<string> SaveCountersAsync(CancellationToken ct = default) => RunAsync(ct, "save", Prefix);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await RunAsync(CancellationToken.None, "down", Prefix);
        }
    }

    private static string LocateScript(string script)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dashboard.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "lab", script);
            }
        }
        throw new FileNotFoundException($"no Dashboard.sln above {AppContext.BaseDirectory}, so tests/lab/{script} cannot be found");
    }

    private async Task<string> RunAsync(CancellationToken ct, params string[] args) => (await RunWithLogAsync(ct, args)).Output;

    private async Task<(string Output, string Log)> RunWithLogAsync(CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(_script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["LAB_PREFIX"] = Prefix;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"lab.sh {string.Join(' ', args)} did not finish within {CommandTimeout}");
        }

        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode == 77)
        {
            throw new LabUnavailableException(UnavailableReason(errors));
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"lab.sh {string.Join(' ', args)} exited {process.ExitCode}:\n{errors.Trim()}\n{output.Trim()}");
        }
        return (output, errors);
    }

    private static string UnavailableReason(string stderr)
    {
        const string marker = "lab unavailable: ";
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = lines.LastOrDefault(l => l.StartsWith(marker, StringComparison.Ordinal));
        return line is not null ? line[marker.Length..] : lines.LastOrDefault() ?? "no reason given";
    }

    [GeneratedRegex(@"^ok=(?<ok>\d+) failed=(?<failed>\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex TrafficLine();

    [GeneratedRegex(@"^detail: connect_failed=(?<failed>\d+) stalled=(?<stalled>\d+) ", RegexOptions.Multiline)]
    private static partial Regex TrafficDetailLine();

    [GeneratedRegex(@"up \((legacy|nft) iptables\)")]
    private static partial Regex BackendLine();
}
