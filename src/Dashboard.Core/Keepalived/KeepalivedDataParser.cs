using System.Globalization;
using System.Text;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Keepalived;

/// <summary>
/// keepalived's SIGUSR1 dumps, one or both: VRRP instances of keepalived.data (`VRRP Instance =`, `State =`,
/// `Master router =`) and real servers of keepalived_check.data (`VS VIP =`, `RIP = …, RPORT =`, `alive =`).
/// keepalived does not promise a stable format, so unknown lines pass quietly.
/// </summary>
public sealed class KeepalivedDataParser
{
    private const string VrrpTopology = "VRRP Topology";
    private const string VrrpSyncGroups = "VRRP Sync groups";

    private readonly KeepalivedState _state = new();
    private readonly CappedDiagnostics _diagnostics = new();
    private string? _section;
    private VrrpInstance? _instance;
    private long _instanceLine;
    private int? _effectivePriority;
    private string? _virtual;
    private string _protocol = "TCP";
    private KeepalivedRealServer? _realServer;
    private long _realServerLine;
    private bool _realServerAlive;
    private long _usableLines;

    private KeepalivedDataParser()
    {
    }

    public static ParseOutcome<KeepalivedState> Parse(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new KeepalivedDataParser().Run(input);
    }

    private ParseOutcome<KeepalivedState> Run(Stream input)
    {
        var lines = TextLines.ForEach(input, _diagnostics, trim: false, ReadLine);
        FinishInstance();
        FinishRealServer();
        var diagnostics = _diagnostics.ToList();
        _state.Warnings = CappedDiagnostics.ToWarnings(diagnostics);
        return new ParseOutcome<KeepalivedState>(_state, diagnostics, lines, _usableLines);
    }

    private void ReadLine(string raw, long number)
    {
        var line = raw.Trim();
        if (line.StartsWith("------<", StringComparison.Ordinal) && line.EndsWith(">------", StringComparison.Ordinal))
        {
            ReadSectionHeader(raw, line);
            return;
        }

        var equals = line.IndexOf(" = ", StringComparison.Ordinal);
        if (equals < 0)
        {
            return;
        }

        var key = line[..equals];
        var value = line[(equals + 3)..].Trim();
        if (key == "VRRP Instance")
        {
            StartInstance(value, number);
        }
        else if (key.StartsWith("VS ", StringComparison.Ordinal))
        {
            StartVirtualServer(line, number);
        }
        else if (key == "RIP")
        {
            StartRealServer(line, number);
        }
        else if (_realServer is not null && key == "alive")
        {
            ReadAlive(value, number);
        }
        else if (key == "VRRP Sync Group" && _section == VrrpSyncGroups)
        {
            ReadSyncGroup(value, number);
        }
        else if (_virtual is not null && _realServer is null && key.Equals("protocol", StringComparison.OrdinalIgnoreCase))
        {
            _protocol = value.ToUpperInvariant();
        }
        else if (_instance is not null && InVrrpTopology)
        {
            ReadInstanceField(key, value, number);
        }
    }

    // A fragment without section headers is read as the VRRP section; once headers appear, only that one is.
    private bool InVrrpTopology => _section is null or VrrpTopology;

    private void ReadSectionHeader(string raw, string line)
    {
        // Indented headers (`   ------< Real server >------`) open a part of the current item, not a new section.
        if (raw.Length > 0 && raw[0] is ' ' or '\t')
        {
            return;
        }

        FinishInstance();
        FinishRealServer();
        _section = line["------<".Length..^">------".Length].Trim();
        _virtual = null;
    }

    private void StartInstance(string name, long number)
    {
        FinishInstance();
        if (!InVrrpTopology)
        {
            return;
        }

        _instance = new VrrpInstance { Name = name };
        _instanceLine = number;
        _state.Instances.Add(_instance);
        _usableLines++;
        if (name.Length == 0)
        {
            _diagnostics.Warning(number, "VRRP Instance", "instance without a name");
        }
    }

    /// <summary>` VRRP Sync Group = NAME, STATE`: the group moves its instances together, so its state is reported like theirs.</summary>
    private void ReadSyncGroup(string value, long number)
    {
        var comma = value.LastIndexOf(", ", StringComparison.Ordinal);
        var group = new VrrpInstance { Name = comma < 0 ? value : value[..comma], State = comma < 0 ? "" : value[(comma + 2)..].Trim(), Group = true };
        _state.Instances.Add(group);
        _usableLines++;
        if (!IsKnownState(group.State))
        {
            _diagnostics.Warning(number, "VRRP Sync Group", $"sync group {group.Name} has state '{group.State}'; kept as printed");
        }
    }

    private static bool IsKnownState(string state) => state is "MASTER" or "BACKUP" or "FAULT" or "INIT" or "STOP";

    private void ReadInstanceField(string key, string value, long number)
    {
        switch (key)
        {
            case "State":
                _instance!.State = value;
                if (!IsKnownState(value))
                {
                    _diagnostics.Warning(number, "State", $"unknown VRRP state '{value}' of {_instance.Name} kept as printed");
                }

                break;
            case "Master router":
                _instance!.MasterRouter = value;
                break;
            case "Priority" or "Base priority":
                _instance!.Priority ??= ReadInt(value, key, number);
                break;
            case "Effective priority":
                _effectivePriority = ReadInt(value, key, number);
                break;
        }
    }

    private void FinishInstance()
    {
        if (_instance is not null)
        {
            _instance.Priority = _effectivePriority ?? _instance.Priority;
            if (_instance.State.Length == 0)
            {
                _diagnostics.Warning(_instanceLine, "State", $"instance {_instance.Name} has no State line");
            }
        }

        _instance = null;
        _effectivePriority = null;
    }

    private void StartVirtualServer(string line, long number)
    {
        FinishRealServer();
        _protocol = "TCP";
        var fields = Fields(line);
        if (fields.TryGetValue("VS VIP", out var vip) && fields.TryGetValue("VPORT", out var port))
        {
            _virtual = KeepalivedEndpoint.TryFormat(vip, port, out var endpoint) ? endpoint : $"{vip}:{port}";
            if (endpoint.Length == 0)
            {
                _diagnostics.Warning(number, "VS VIP", $"'{vip}', port '{port}' is not an address and port; kept as printed");
            }
        }
        else if (fields.TryGetValue("VS FWMARK", out var mark))
        {
            _virtual = $"FWM {mark}";
        }
        else if (fields.TryGetValue("VS GROUP", out var group))
        {
            _virtual = $"GROUP {group}";
        }
        else
        {
            _virtual = line;
            _diagnostics.Warning(number, "VS", $"virtual server line not understood, kept as printed: '{line}'");
        }
    }

    private void StartRealServer(string line, long number)
    {
        FinishRealServer();
        var fields = Fields(line);
        var rip = fields.GetValueOrDefault("RIP", "");
        var port = fields.GetValueOrDefault("RPORT", "");
        if (!KeepalivedEndpoint.TryFormat(rip, port, out var address))
        {
            address = $"{rip}:{port}";
            _diagnostics.Warning(number, "RIP", $"'{rip}', port '{port}' is not an address and port; kept as printed");
        }

        if (_virtual is null)
        {
            _diagnostics.Warning(number, "RIP", $"real server {address} before any 'VS' line");
        }

        _realServer = new KeepalivedRealServer { Virtual = _virtual ?? "", Protocol = _protocol, Address = address };
        _realServerLine = number;
        _realServerAlive = false;
        _state.RealServers.Add(_realServer);
        _usableLines++;
    }

    private void ReadAlive(string value, long number)
    {
        _realServerAlive = true;
        if (value is "1" or "0")
        {
            _realServer!.Up = value == "1";
        }
        else
        {
            _diagnostics.Warning(number, "alive", $"'{value}' is neither 0 nor 1; {_realServer!.Address} taken as down");
        }
    }

    private void FinishRealServer()
    {
        if (_realServer is not null && !_realServerAlive)
        {
            _diagnostics.Warning(_realServerLine, "alive", $"real server {_realServer.Address} has no 'alive' line; taken as down");
        }

        _realServer = null;
    }

    /// <summary>`A = x, B = y, C = z D = w` as A→x, B→y (each part up to the next comma).</summary>
    private static Dictionary<string, string> Fields(string line)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in line.Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf(" = ", StringComparison.Ordinal);
            if (equals > 0)
            {
                var value = part[(equals + 3)..].Trim();
                var blank = value.IndexOf(' ', StringComparison.Ordinal);
                fields.TryAdd(part[..equals], blank < 0 ? value : value[..blank]);
            }
        }

        return fields;
    }

    private int? ReadInt(string value, string field, long number)
    {
        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result))
        {
            return result;
        }

        _diagnostics.Warning(number, field, $"'{value}' is not a number");
        return null;
    }
}
