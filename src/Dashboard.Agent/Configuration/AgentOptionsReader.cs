using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Dashboard.Agent.Configuration;

/// <summary>
/// Reads <see cref="AgentOptions"/> key by key. The configuration binder stops at the first value it cannot convert;
/// reading each key here lets one message name every bad key, and unknown keys (typos) too.
/// </summary>
public sealed class AgentOptionsReader
{
    private readonly IConfiguration _configuration;
    private readonly List<string> _errors;

    public AgentOptionsReader(IConfiguration configuration, List<string> errors)
    {
        _configuration = configuration;
        _errors = errors;
    }

    public AgentOptions Read()
    {
        ReportUnknownKeys();
        var options = new AgentOptions();
        options.Server = ReadUri(AgentConfigNames.Server, options.Server);
        options.Token = ReadString(AgentConfigNames.Token, options.Token);
        options.TokenFile = ReadString(AgentConfigNames.TokenFile, options.TokenFile);
        options.Host = ReadString(AgentConfigNames.Host, options.Host) ?? "";
        options.IntervalSeconds = ReadInt(AgentConfigNames.IntervalSeconds, options.IntervalSeconds);
        options.SpoolDirectory = ReadString(AgentConfigNames.SpoolDirectory, options.SpoolDirectory) ?? "";
        options.SpoolMaxBytes = ReadLong(AgentConfigNames.SpoolMaxBytes, options.SpoolMaxBytes);
        options.SpoolMaxAgeHours = ReadInt(AgentConfigNames.SpoolMaxAgeHours, options.SpoolMaxAgeHours);

        var push = options.Push;
        push.MaxRetries = ReadInt(AgentConfigNames.PushMaxRetries, push.MaxRetries);
        push.RetryBaseDelayMilliseconds = ReadInt(AgentConfigNames.PushRetryBaseDelayMilliseconds, push.RetryBaseDelayMilliseconds);
        push.MaxRetryDelaySeconds = ReadInt(AgentConfigNames.PushMaxRetryDelaySeconds, push.MaxRetryDelaySeconds);
        push.RequestTimeoutSeconds = ReadInt(AgentConfigNames.PushRequestTimeoutSeconds, push.RequestTimeoutSeconds);

        var ipvs = options.Collectors.Ipvs;
        ipvs.Enabled = ReadBool(AgentConfigNames.IpvsEnabled, ipvs.Enabled);
        ipvs.ProcRoot = ReadString(AgentConfigNames.IpvsProcRoot, ipvs.ProcRoot) ?? "";
        ipvs.IpvsadmPath = ReadString(AgentConfigNames.IpvsIpvsadmPath, ipvs.IpvsadmPath) ?? "";
        ipvs.TopSynRecvSources = ReadInt(AgentConfigNames.IpvsTopSynRecvSources, ipvs.TopSynRecvSources);

        var iptables = options.Collectors.Iptables;
        iptables.Enabled = ReadBool(AgentConfigNames.IptablesEnabled, iptables.Enabled);
        iptables.Command = ReadString(AgentConfigNames.IptablesCommand, iptables.Command) ?? "";
        iptables.HostNamespace = ReadBool(AgentConfigNames.IptablesHostNamespace, iptables.HostNamespace);
        iptables.Namespaces = ReadList(AgentConfigNames.IptablesNamespaces, iptables.Namespaces);
        iptables.Tables = ReadList(AgentConfigNames.IptablesTables, iptables.Tables);

        var nsx = options.Collectors.Nsx;
        nsx.Enabled = ReadBool(AgentConfigNames.NsxEnabled, nsx.Enabled);
        nsx.Command = ReadString(AgentConfigNames.NsxCommand, nsx.Command);
        nsx.ApiUrl = ReadUri(AgentConfigNames.NsxApiUrl, nsx.ApiUrl);
        nsx.User = ReadString(AgentConfigNames.NsxUser, nsx.User);
        nsx.PasswordFile = ReadString(AgentConfigNames.NsxPasswordFile, nsx.PasswordFile);

        var keepalived = options.Collectors.Keepalived;
        keepalived.Enabled = ReadBool(AgentConfigNames.KeepalivedEnabled, keepalived.Enabled);
        keepalived.NotifyFifo = ReadString(AgentConfigNames.KeepalivedNotifyFifo, keepalived.NotifyFifo);
        keepalived.DataFile = ReadString(AgentConfigNames.KeepalivedDataFile, keepalived.DataFile);

        var ovs = options.Collectors.Ovs;
        ovs.Enabled = ReadBool(AgentConfigNames.OvsEnabled, ovs.Enabled);
        ovs.OfctlPath = ReadString(AgentConfigNames.OvsOfctlPath, ovs.OfctlPath) ?? "";
        ovs.Bridges = ReadList(AgentConfigNames.OvsBridges, ovs.Bridges);
        ovs.VsctlPath = ReadString(AgentConfigNames.OvsVsctlPath, ovs.VsctlPath) ?? "";
        ovs.OvsdbRemote = ReadString(AgentConfigNames.OvsOvsdbRemote, ovs.OvsdbRemote);
        return options;
    }

    private void ReportUnknownKeys()
    {
        foreach (var (key, value) in _configuration.AsEnumerable())
        {
            if (value is null || IsKnown(key))
            {
                continue;
            }

            _errors.Add($"{key}: unknown key");
        }
    }

    private static bool IsKnown(string key)
    {
        foreach (var known in AgentConfigNames.Scalars)
        {
            if (string.Equals(key, known, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var list in AgentConfigNames.Lists)
        {
            if (string.Equals(key, list, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (key.Length > list.Length + 1 && key.StartsWith(list, StringComparison.OrdinalIgnoreCase) && key[list.Length] == ':'
                && int.TryParse(key.AsSpan(list.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                return true;
            }
        }

        return false;
    }

    private string? ReadString(string key, string? fallback)
    {
        var value = _configuration[key];
        return value is null ? fallback : value.Trim() is { Length: > 0 } trimmed ? trimmed : null;
    }

    private int ReadInt(string key, int fallback)
    {
        var value = _configuration[key];
        if (value is null)
        {
            return fallback;
        }

        if (int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        _errors.Add($"{key}: '{value}' is not a whole number");
        return fallback;
    }

    private long ReadLong(string key, long fallback)
    {
        var value = _configuration[key];
        if (value is null)
        {
            return fallback;
        }

        if (long.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        _errors.Add($"{key}: '{value}' is not a whole number");
        return fallback;
    }

    private bool ReadBool(string key, bool fallback)
    {
        var value = _configuration[key];
        if (value is null)
        {
            return fallback;
        }

        if (bool.TryParse(value.Trim(), out var parsed))
        {
            return parsed;
        }

        _errors.Add($"{key}: '{value}' is not true or false");
        return fallback;
    }

    private Uri? ReadUri(string key, Uri? fallback)
    {
        var value = _configuration[key];
        if (value is null)
        {
            return fallback;
        }

        if (value.Trim().Length == 0)
        {
            return null;
        }

        if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
        {
            return parsed;
        }

        _errors.Add($"{key}: '{value}' is not an absolute http:// or https:// URL");
        return fallback;
    }

    private List<string> ReadList(string key, List<string> fallback)
    {
        var section = _configuration.GetSection(key);
        if (section.Value is { } single)
        {
            // A variable such as DASHBOARD_AGENT__Collectors__Iptables__Tables=filter,raw sets the whole list.
            return [.. single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        var children = section.GetChildren().Where(static c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)).ToList();
        if (children.Count == 0)
        {
            return fallback;
        }

        children.Sort(static (a, b) => int.Parse(a.Key, CultureInfo.InvariantCulture).CompareTo(int.Parse(b.Key, CultureInfo.InvariantCulture)));
        var values = new List<string>(children.Count);
        foreach (var child in children)
        {
            if (child.Value is { } item && item.Trim().Length > 0)
            {
                values.Add(item.Trim());
            }
            else
            {
                _errors.Add($"{key}:{child.Key}: expected a non-empty string");
            }
        }

        return values;
    }
}
