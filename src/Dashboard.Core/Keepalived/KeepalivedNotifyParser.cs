using System.Globalization;
using System.Text;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Keepalived;

/// <summary>
/// Reads lines of keepalived's notify FIFOs (keepalived.conf(5), vrrp_notify_fifo / lvs_notify_fifo):
/// `INSTANCE "VI_1" MASTER 100`, `GROUP "G" BACKUP 0`, `VS [vip]:tcp:80 UP`, `RS [rip]:tcp:80 [vip]:tcp:80 DOWN`.
/// The last state of each instance, group, virtual and real server wins; first-seen order is kept.
/// </summary>
public sealed class KeepalivedNotifyParser
{
    private static readonly HashSet<string> s_knownStates = new(StringComparer.Ordinal)
    {
        "MASTER", "BACKUP", "FAULT", "STOP", "DELETED", "INIT",
    };

    private readonly KeepalivedState _state = new();
    private readonly CappedDiagnostics _diagnostics = new();
    private readonly Dictionary<(bool Group, string Name), VrrpInstance> _instances = [];
    private readonly Dictionary<(string Virtual, string Protocol), KeepalivedVirtualServer> _virtualServers = [];
    private readonly Dictionary<(string Virtual, string Protocol, string Address), KeepalivedRealServer> _realServers = [];
    private long _usableLines;

    private KeepalivedNotifyParser()
    {
    }

    public static ParseOutcome<KeepalivedState> Parse(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new KeepalivedNotifyParser().Run(input);
    }

    private ParseOutcome<KeepalivedState> Run(Stream input)
    {
        var lines = TextLines.ForEach(input, _diagnostics, trim: true, ReadLine);
        var diagnostics = _diagnostics.ToList();
        _state.Warnings = CappedDiagnostics.ToWarnings(diagnostics);
        return new ParseOutcome<KeepalivedState>(_state, diagnostics, lines, _usableLines);
    }

    private void ReadLine(string line, long number)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var kind = space < 0 ? line : line[..space];
        var rest = space < 0 ? "" : line[(space + 1)..].Trim();
        switch (kind)
        {
            case "INSTANCE" or "GROUP":
                ReadVrrp(kind == "GROUP", rest, number);
                break;
            case "VS":
                ReadVirtualServer(rest, number);
                break;
            case "RS":
                ReadRealServer(rest, number);
                break;
            default:
                _diagnostics.Error(number, null, $"not a notify line (INSTANCE, GROUP, VS or RS): '{Shorten(line)}'");
                break;
        }
    }

    private void ReadVrrp(bool group, string rest, long number)
    {
        var close = rest.Length < 2 || rest[0] != '"' ? -1 : rest.IndexOf('"', 1);
        if (close < 0)
        {
            _diagnostics.Error(number, "name", $"name must be in double quotes: '{Shorten(rest)}'");
            return;
        }

        var name = rest[1..close];
        var words = rest[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            _diagnostics.Error(number, "state", $"\"{name}\" without a state");
            return;
        }

        int? priority = null;
        if (words.Length > 1)
        {
            priority = int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
            if (priority is null)
            {
                _diagnostics.Warning(number, "priority", $"'{Shorten(words[1])}' is not a priority; state kept without it");
            }
        }

        if (!_instances.TryGetValue((group, name), out var instance))
        {
            instance = new VrrpInstance { Name = name, Group = group };
            _instances.Add((group, name), instance);
            _state.Instances.Add(instance);
        }

        ApplyState(instance, words[0], priority, number);
        _usableLines++;
    }

    private void ApplyState(VrrpInstance instance, string word, int? priority, long number)
    {
        switch (word)
        {
            case "MASTER_PRIORITY" or "BACKUP_PRIORITY":
                // A priority change while in that state, not a transition.
                instance.State = word[..word.IndexOf('_', StringComparison.Ordinal)];
                instance.Priority = priority ?? instance.Priority;
                return;
            case "MASTER_RX_LOWER_PRI":
                // Still master; the number is not this instance's own priority.
                instance.State = "MASTER";
                return;
        }

        if (!s_knownStates.Contains(word))
        {
            _diagnostics.Warning(number, "state", $"unknown state '{Shorten(word)}' kept as printed");
        }

        instance.State = word;
        instance.Priority = priority ?? instance.Priority;
    }

    private void ReadVirtualServer(string rest, long number)
    {
        var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 2 || !TryUpDown(words[1], out var up))
        {
            _diagnostics.Error(number, null, $"expected 'VS [address]:proto:port UP|DOWN': 'VS {Shorten(rest)}'");
            return;
        }

        var (virtualAddress, protocol) = Endpoint(words[0], "virtual", number);
        if (!_virtualServers.TryGetValue((virtualAddress, protocol), out var server))
        {
            server = new KeepalivedVirtualServer { Virtual = virtualAddress, Protocol = protocol };
            _virtualServers.Add((virtualAddress, protocol), server);
            _state.VirtualServers.Add(server);
        }

        server.Up = up;
        _usableLines++;
    }

    private void ReadRealServer(string rest, long number)
    {
        var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 3 || !TryUpDown(words[2], out var up))
        {
            _diagnostics.Error(number, null, $"expected 'RS [address]:proto:port [vip]:proto:port UP|DOWN': 'RS {Shorten(rest)}'");
            return;
        }

        var (address, protocol) = Endpoint(words[0], "real", number);
        var (virtualAddress, _) = Endpoint(words[1], "virtual", number);
        if (!_realServers.TryGetValue((virtualAddress, protocol, address), out var server))
        {
            server = new KeepalivedRealServer { Virtual = virtualAddress, Protocol = protocol, Address = address };
            _realServers.Add((virtualAddress, protocol, address), server);
            _state.RealServers.Add(server);
        }

        server.Up = up;
        _usableLines++;
    }

    private (string Endpoint, string Protocol) Endpoint(string text, string field, long number)
    {
        if (KeepalivedEndpoint.TryParseNotify(text, out var endpoint, out var protocol))
        {
            return (endpoint, protocol);
        }

        _diagnostics.Warning(number, field, $"'{Shorten(text)}' is not [address]:proto:port; kept as printed");
        return (text, "TCP");
    }

    private static bool TryUpDown(string word, out bool up)
    {
        up = word == "UP";
        return up || word == "DOWN";
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
