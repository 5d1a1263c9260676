namespace Dashboard.Agent.Configuration;

/// <summary>Checks a whole <see cref="AgentOptions"/> and returns every problem, each naming its key.</summary>
public static class AgentOptionsValidator
{
    private static readonly HashSet<string> s_iptablesTables = new(StringComparer.Ordinal) { "filter", "nat", "mangle", "raw", "security" };

    /// <param name="forSending">False for a dry run: no server or token needed.</param>
    public static IReadOnlyList<string> Validate(AgentOptions options, bool forSending)
    {
        var errors = new List<string>();
        if (forSending)
        {
            ValidateServer(options, errors);
        }

        if (string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add($"{AgentConfigNames.Host}: must not be empty");
        }
        else if (options.Host.Any(char.IsWhiteSpace))
        {
            errors.Add($"{AgentConfigNames.Host}: '{options.Host}' contains blanks");
        }

        Range(errors, AgentConfigNames.IntervalSeconds, options.IntervalSeconds, 1, 3600);
        if (string.IsNullOrEmpty(options.SpoolDirectory) || !Path.IsPathFullyQualified(options.SpoolDirectory))
        {
            errors.Add($"{AgentConfigNames.SpoolDirectory}: '{options.SpoolDirectory}' is not an absolute path");
        }

        Range(errors, AgentConfigNames.SpoolMaxBytes, options.SpoolMaxBytes, 64 * 1024, long.MaxValue);
        Range(errors, AgentConfigNames.SpoolMaxAgeHours, options.SpoolMaxAgeHours, 1, 24 * 365);
        Range(errors, AgentConfigNames.PushMaxRetries, options.Push.MaxRetries, 0, 10);
        Range(errors, AgentConfigNames.PushRetryBaseDelayMilliseconds, options.Push.RetryBaseDelayMilliseconds, 1, 60_000);
        Range(errors, AgentConfigNames.PushMaxRetryDelaySeconds, options.Push.MaxRetryDelaySeconds, 1, 3600);
        Range(errors, AgentConfigNames.PushRequestTimeoutSeconds, options.Push.RequestTimeoutSeconds, 1, 300);

        var collectors = options.Collectors;
        if (!collectors.Ipvs.Enabled && !collectors.Iptables.Enabled && !collectors.Nsx.Enabled && !collectors.Keepalived.Enabled && !collectors.Ovs.Enabled)
        {
            errors.Add($"{AgentConfigNames.Collectors}: no collector is enabled (set one of Collectors:Ipvs|Iptables|Nsx|Keepalived|Ovs:Enabled to true)");
        }

        ValidateIpvs(collectors.Ipvs, errors);
        ValidateIptables(collectors.Iptables, errors);
        ValidateNsx(collectors.Nsx, errors);
        ValidateKeepalived(collectors.Keepalived, errors);
        ValidateOvs(collectors.Ovs, errors);
        return errors;
    }

    private static void ValidateServer(AgentOptions options, List<string> errors)
    {
        if (options.Server is null)
        {
            errors.Add($"{AgentConfigNames.Server}: required (the dashboard's base URL, e.g. https://dashboard.example.net)");
        }
        else if (!string.IsNullOrEmpty(options.Server.Query) || !string.IsNullOrEmpty(options.Server.Fragment))
        {
            errors.Add($"{AgentConfigNames.Server}: '{options.Server}' must be a base URL without query or fragment");
        }

        var hasToken = !string.IsNullOrEmpty(options.Token);
        var hasFile = !string.IsNullOrEmpty(options.TokenFile);
        if (hasToken == hasFile)
        {
            errors.Add(hasToken
                ? $"{AgentConfigNames.Token}: set {AgentConfigNames.Token} or {AgentConfigNames.TokenFile}, not both"
                : $"{AgentConfigNames.TokenFile}: required (or {AgentConfigNames.Token}): the agent token from `token create --role …`");
        }
        else if (hasToken && options.Token!.Any(char.IsWhiteSpace))
        {
            errors.Add($"{AgentConfigNames.Token}: contains blanks");
        }
        else if (hasFile && !File.Exists(options.TokenFile))
        {
            errors.Add($"{AgentConfigNames.TokenFile}: '{options.TokenFile}' does not exist");
        }
    }

    private static void ValidateIpvs(IpvsCollectorOptions ipvs, List<string> errors)
    {
        if (!ipvs.Enabled)
        {
            return;
        }

        if (string.IsNullOrEmpty(ipvs.ProcRoot) || !Path.IsPathFullyQualified(ipvs.ProcRoot))
        {
            errors.Add($"{AgentConfigNames.IpvsProcRoot}: '{ipvs.ProcRoot}' is not an absolute path");
        }

        if (string.IsNullOrEmpty(ipvs.IpvsadmPath))
        {
            errors.Add($"{AgentConfigNames.IpvsIpvsadmPath}: must not be empty");
        }

        Range(errors, AgentConfigNames.IpvsTopSynRecvSources, ipvs.TopSynRecvSources, 0, 1000);
    }

    private static void ValidateOvs(OvsCollectorOptions ovs, List<string> errors)
    {
        if (!ovs.Enabled)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(ovs.OfctlPath) || ovs.OfctlPath.Any(char.IsWhiteSpace))
        {
            errors.Add($"{AgentConfigNames.OvsOfctlPath}: '{ovs.OfctlPath}' is not a program path (e.g. ovs-ofctl)");
        }

        if (ovs.VsctlPath.Any(char.IsWhiteSpace))
        {
            errors.Add($"{AgentConfigNames.OvsVsctlPath}: '{ovs.VsctlPath}' is not a program path (e.g. ovs-vsctl; empty to skip port ids)");
        }

        // ovs-vsctl's --db forms: a private daemon's socket (unix:/run/ovslab/x/db.sock) or a TCP/SSL manager.
        if (ovs.OvsdbRemote is { } remote
            && (remote.Any(char.IsWhiteSpace) || !(remote.StartsWith("unix:/", StringComparison.Ordinal) || remote.StartsWith("tcp:", StringComparison.Ordinal) || remote.StartsWith("ssl:", StringComparison.Ordinal))))
        {
            errors.Add($"{AgentConfigNames.OvsOvsdbRemote}: '{remote}' is not an OVSDB remote (unix:/path, tcp:HOST:PORT or ssl:HOST:PORT)");
        }

        if (ovs.Bridges.Count == 0)
        {
            errors.Add($"{AgentConfigNames.OvsBridges}: empty: nothing to read (Neutron's firewall flows are on br-int)");
        }

        for (var i = 0; i < ovs.Bridges.Count; i++)
        {
            var bridge = ovs.Bridges[i];
            // A bridge name, or an OpenFlow target ovs-ofctl accepts instead (unix:/run/openvswitch/br-int.mgmt for a private daemon).
            var target = bridge.StartsWith("unix:/", StringComparison.Ordinal);
            if (bridge.Length == 0 || bridge.StartsWith('-') || bridge.Any(char.IsWhiteSpace) || (!target && bridge.Contains('/')))
            {
                errors.Add($"{AgentConfigNames.OvsBridges}:{i}: '{bridge}' is not a bridge name or unix:/path target");
            }
        }
    }

    /// <summary>The iptables-save program of a command that lacks -c/--counters; null when it has them or is a wrapper (sh -c, cat …) the agent cannot judge.</summary>
    private static string? SaveWithoutCounters(IReadOnlyList<string> arguments)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            var program = Path.GetFileName(arguments[i]);
            if (program.EndsWith("tables-save", StringComparison.Ordinal) || program is "iptables-nft-save" or "iptables-legacy-save"
                or "ip6tables-nft-save" or "ip6tables-legacy-save")
            {
                var counted = arguments.Skip(i + 1).Any(a => a is "--counters" || (a.Length > 1 && a[0] == '-' && a[1] != '-' && a.Contains('c')));
                return counted ? null : program;
            }
        }

        return null;
    }

    private static void ValidateIptables(IptablesCollectorOptions iptables, List<string> errors)
    {
        if (!iptables.Enabled)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(iptables.Command))
        {
            errors.Add($"{AgentConfigNames.IptablesCommand}: must not be empty");
        }
        else if (!Commands.CommandLineSplitter.TrySplit(iptables.Command, out var arguments, out var reason))
        {
            errors.Add($"{AgentConfigNames.IptablesCommand}: {reason}");
        }
        else if (SaveWithoutCounters(arguments) is { } program)
        {
            errors.Add($"{AgentConfigNames.IptablesCommand}: '{iptables.Command}' prints no rule counters, so no drop could be seen: add -c ({program} -c)");
        }

        if (!iptables.HostNamespace && iptables.Namespaces.Count == 0)
        {
            errors.Add($"{AgentConfigNames.IptablesNamespaces}: empty while {AgentConfigNames.IptablesHostNamespace} is false: nothing to read");
        }

        for (var i = 0; i < iptables.Namespaces.Count; i++)
        {
            var name = iptables.Namespaces[i];
            if (name.Contains('/') || name is "." or ".." || name.Any(char.IsWhiteSpace))
            {
                errors.Add($"{AgentConfigNames.IptablesNamespaces}:{i}: '{name}' is not a network namespace name");
            }
        }

        for (var i = 0; i < iptables.Tables.Count; i++)
        {
            if (!s_iptablesTables.Contains(iptables.Tables[i]))
            {
                errors.Add($"{AgentConfigNames.IptablesTables}:{i}: '{iptables.Tables[i]}' is not one of filter, nat, mangle, raw, security");
            }
        }
    }

    private static void ValidateNsx(NsxCollectorOptions nsx, List<string> errors)
    {
        if (!nsx.Enabled)
        {
            return;
        }

        var hasCommand = !string.IsNullOrWhiteSpace(nsx.Command);
        if (hasCommand == (nsx.ApiUrl is not null))
        {
            errors.Add($"{AgentConfigNames.NsxCommand}: set exactly one of {AgentConfigNames.NsxCommand} or {AgentConfigNames.NsxApiUrl}");
        }

        if (hasCommand && !Commands.CommandLineSplitter.TrySplit(nsx.Command!, out _, out var reason))
        {
            errors.Add($"{AgentConfigNames.NsxCommand}: {reason}");
        }

        if (nsx.ApiUrl is null)
        {
            return;
        }

        if (string.IsNullOrEmpty(nsx.User))
        {
            errors.Add($"{AgentConfigNames.NsxUser}: required with {AgentConfigNames.NsxApiUrl}");
        }

        if (string.IsNullOrEmpty(nsx.PasswordFile))
        {
            errors.Add($"{AgentConfigNames.NsxPasswordFile}: required with {AgentConfigNames.NsxApiUrl}");
        }
        else if (!File.Exists(nsx.PasswordFile))
        {
            errors.Add($"{AgentConfigNames.NsxPasswordFile}: '{nsx.PasswordFile}' does not exist");
        }
    }

    private static void ValidateKeepalived(KeepalivedCollectorOptions keepalived, List<string> errors)
    {
        if (!keepalived.Enabled)
        {
            return;
        }

        if (string.IsNullOrEmpty(keepalived.NotifyFifo) == string.IsNullOrEmpty(keepalived.DataFile))
        {
            errors.Add($"{AgentConfigNames.KeepalivedNotifyFifo}: set exactly one of {AgentConfigNames.KeepalivedNotifyFifo} or {AgentConfigNames.KeepalivedDataFile}");
        }

        foreach (var (key, path) in new[] { (AgentConfigNames.KeepalivedNotifyFifo, keepalived.NotifyFifo), (AgentConfigNames.KeepalivedDataFile, keepalived.DataFile) })
        {
            if (!string.IsNullOrEmpty(path) && !Path.IsPathFullyQualified(path))
            {
                errors.Add($"{key}: '{path}' is not an absolute path");
            }
        }
    }

    private static void Range(List<string> errors, string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            errors.Add(max == long.MaxValue ? $"{key}: {value} is below the minimum {min}" : $"{key}: {value} is outside {min}..{max}");
        }
    }
}
