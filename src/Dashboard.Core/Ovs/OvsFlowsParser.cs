using System.Globalization;
using System.Text.RegularExpressions;
using Dashboard.Core.Iptables;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ovs;

/// <summary>
/// `ovs-ofctl show BRIDGE`, `ovs-vsctl --format=csv --columns=name,ofport,external_ids list Interface` and
/// `ovs-ofctl dump-flows BRIDGE` (in one input, in any order; show and ovs-vsctl optional) as an iptables dump, so that
/// flows are stored, rated and shown as rules are: table "openflow", one chain per bridge table ("br-int table 71"), a
/// rule per flow with its n_packets/n_bytes, and the flows of Neutron's Open vSwitch firewall mapped to ports (register 5
/// → OpenFlow port → tap/qvo name or external_ids:iface-id → port-id prefix), directions and drop kinds. Allowed IP/MAC
/// pairs come from the egress table's accept flows.
/// </summary>
public sealed partial class OvsFlowsParser
{
    public const string TableName = "openflow";
    public const string DefaultBridge = "br-int";

    private static readonly string[] s_showPrefixes =
        ["OFPT_", "OFPST_", "NXST_", "n_tables:", "capabilities:", "actions:", "config:", "state:", "speed:", "current:", "advertised:", "supported:", "peer:"];

    private readonly CappedDiagnostics _diagnostics = new();
    private readonly List<OvsFlow> _flows = [];
    private readonly Dictionary<ulong, string> _portNames = [];
    private readonly List<OvsInterface> _interfaces = [];
    private readonly Dictionary<ulong, OvsInterface?> _interfaceByPort = [];
    private OvsInterfaceCsvParser? _interfaceRows;
    private string _bridge = DefaultBridge;
    private long _usableLines;

    private OvsFlowsParser()
    {
    }

    public static ParseOutcome<IptablesDump> Parse(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new OvsFlowsParser().Run(input);
    }

    [GeneratedRegex(@"^(\d+|LOCAL)\((.+)\): addr:([0-9a-fA-F:]{17})$", RegexOptions.CultureInvariant)]
    private static partial Regex ShowPort();

    [GeneratedRegex(@"load:(0x[0-9a-fA-F]+|\d+)->NXM_NX_REG5\[\]|set_field:(0x[0-9a-fA-F]+|\d+)->reg5", RegexOptions.CultureInvariant)]
    private static partial Regex LoadsPortRegister();

    private ParseOutcome<IptablesDump> Run(Stream input)
    {
        var lines = TextLines.ForEach(input, _diagnostics, trim: true, ReadLine);
        NamePortsFromFlows();
        var dump = Build();
        var diagnostics = _diagnostics.ToList();
        dump.Warnings = CappedDiagnostics.ToWarnings(diagnostics);
        return new ParseOutcome<IptablesDump>(dump, diagnostics, lines, _usableLines);
    }

    private void ReadLine(string line, long number)
    {
        if (line.Contains("actions=", StringComparison.Ordinal) && !line.StartsWith("actions:", StringComparison.Ordinal))
        {
            if (OvsFlow.TryRead(line, number, out var field, out var problem) is { } flow)
            {
                _flows.Add(flow);
                _usableLines++;
            }
            else
            {
                _diagnostics.Error(number, field, $"{problem}; flow skipped");
            }

            return;
        }

        if (ShowPort().Match(line) is { Success: true } port)
        {
            ReadShowPort(port.Groups[1].Value, port.Groups[2].Value, number);
            return;
        }

        if (Array.Exists(s_showPrefixes, p => line.StartsWith(p, StringComparison.Ordinal)))
        {
            return;
        }

        if (OvsInterfaceCsvParser.FromHeader(line) is { } header)
        {
            _interfaceRows = header;
            _usableLines++;
            return;
        }

        if (_interfaceRows is not null)
        {
            ReadInterface(_interfaceRows, line, number);
            return;
        }

        _diagnostics.Warning(number, null, $"not an ovs-ofctl show, ovs-vsctl or dump-flows line: '{(line.Length > 80 ? line[..80] + "…" : line)}'");
    }

    private void ReadInterface(OvsInterfaceCsvParser rows, string line, long number)
    {
        if (rows.TryRead(line, out var field, out var problem) is not { } row)
        {
            _diagnostics.Error(number, field, $"{problem}; interface skipped");
            return;
        }

        _interfaces.Add(row);
        _usableLines++;
        if (row.OfPort is { } ofport)
        {
            NamePort(ofport, row.Name, number);
        }
    }

    private void ReadShowPort(string number, string name, long line)
    {
        _usableLines++;
        if (number == "LOCAL")
        {
            // The bridge's own port carries the bridge's name.
            _bridge = name;
            return;
        }

        NamePort(ulong.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture), name, line);
    }

    private void NamePort(ulong ofport, string name, long line)
    {
        if (_portNames.TryGetValue(ofport, out var known) && known != name)
        {
            _diagnostics.Warning(line, "port", $"OpenFlow port {ofport} is named both {known} and {name}; keeping {known}");
            return;
        }

        _portNames[ofport] = name;
    }

    /// <summary>
    /// Without `ovs-ofctl show`, flows that name their in_port and set or match register 5 still tie a port number to its
    /// name; and an interface ovs-vsctl lists without a number is found by its VM's MAC in the flows that load register 5
    /// for traffic to that MAC (tables 60 and 73).
    /// </summary>
    private void NamePortsFromFlows()
    {
        foreach (var row in _interfaces.Where(i => i.OfPort is null && i.AttachedMac is not null))
        {
            var loads = _flows.Where(f => string.Equals(f.Field("dl_dst"), row.AttachedMac, StringComparison.OrdinalIgnoreCase))
                .Select(f => LoadsPortRegister().Match(f.Actions))
                .FirstOrDefault(m => m.Success);
            if (loads is not null && OvsFlow.TryNumber(loads.Groups[1].Success ? loads.Groups[1].Value : loads.Groups[2].Value, out var byMac))
            {
                row.OfPort = byMac;
                _portNames.TryAdd(byMac, row.Name);
            }
        }

        foreach (var flow in _flows)
        {
            if (flow.Field("in_port") is not { } inPort || OvsFlow.TryNumber(inPort, out _) || inPort == "LOCAL")
            {
                continue;
            }

            var register = flow.Field("reg5") ?? (LoadsPortRegister().Match(flow.Actions) is { Success: true } load
                ? (load.Groups[1].Success ? load.Groups[1].Value : load.Groups[2].Value)
                : null);
            if (OvsFlow.TryNumber(register, out var ofport))
            {
                _portNames.TryAdd(ofport, inPort);
            }
        }
    }

    private IptablesDump Build()
    {
        var table = new IptablesTable { Name = TableName };
        var dump = new IptablesDump { Tables = [table] };
        var chains = new Dictionary<int, IptablesChain>();
        var ports = new Dictionary<string, NeutronPort>(StringComparer.Ordinal);
        var hasher = new RuleIdentityHasher();
        long uncountedFirstLine = 0, unnamedFirstLine = 0, unnamed = 0;
        foreach (var flow in _flows)
        {
            if (!chains.TryGetValue(flow.Table, out var chain))
            {
                chain = new IptablesChain { Name = $"{_bridge} table {flow.Table}" };
                chains.Add(flow.Table, chain);
                table.Chains.Add(chain);
            }

            var (kind, comment) = NeutronOvsFirewall.Classify(flow);
            var port = PortOf(flow, ports, ref unnamed, ref unnamedFirstLine);
            var direction = NeutronOvsFirewall.DirectionOf(flow, kind);
            var drops = NeutronOvsFirewall.Drops(flow);
            var target = drops ? "DROP" : TargetOf(flow.Actions);
            var rule = new IptablesRule
            {
                Index = chain.Rules.Count + 1,
                PacketCount = flow.Packets,
                ByteCount = flow.Packets is null ? null : flow.Bytes,
                Target = target,
                TargetOptions = flow.Actions,
                Comment = comment,
                Spec = flow.Match,
                DropKind = kind,
                Neutron = port is not null && direction is not null ? new NeutronChainRef { Port = port.Port, Direction = direction } : null,
            };
            // No cookie: the agent stamps a new one on every restart, and a flow re-installed the same is the same rule.
            rule.Identity = hasher.Compute(TableName, chain.Name, comment, target, false, flow.Actions, flow.Match);
            chain.Rules.Add(rule);
            if (!rule.HasCounters)
            {
                dump.RulesWithoutCounters++;
                uncountedFirstLine = uncountedFirstLine == 0 ? flow.Line : uncountedFirstLine;
            }

            NoteAllowedPair(flow, port, drops);
        }

        if (uncountedFirstLine > 0)
        {
            _diagnostics.Warning(uncountedFirstLine, "n_packets",
                $"no flow counters: run ovs-ofctl dump-flows {_bridge} (without --no-stats); packets and bytes of {dump.RulesWithoutCounters} flows are null");
        }

        if (unnamed > 0)
        {
            _diagnostics.Warning(unnamedFirstLine, "reg5",
                $"{unnamed} flows name OpenFlow ports no port name is known for: put `ovs-ofctl show {_bridge}` before the flows to map them to Neutron ports");
        }

        dump.NeutronPorts = [.. ports.Values];
        return dump;
    }

    /// <summary>The Neutron port a flow of the firewall is about, through register 5 (the OpenFlow port number) and the port's name.</summary>
    private NeutronPort? PortOf(OvsFlow flow, Dictionary<string, NeutronPort> ports, ref long unnamed, ref long unnamedFirstLine)
    {
        if (!OvsFlow.TryNumber(flow.Field("reg5"), out var ofport))
        {
            return null;
        }

        if (!_portNames.TryGetValue(ofport, out var name))
        {
            unnamedFirstLine = unnamed++ == 0 ? flow.Line : unnamedFirstLine;
            return null;
        }

        var row = InterfaceOf(ofport, name);
        // Hybrid plugging puts qvoXXXXXXXX-XX on br-int, the native one tapXXXXXXXX-XX: the same port-id prefix either way;
        // other names (vhost-user vhuXXXXXXXX-XX, a lab's own) leave the prefix to the Neutron port id ovs-vsctl lists.
        var device = name.StartsWith("qvo", StringComparison.Ordinal) ? "tap" + name[3..] : name;
        if ((NeutronChains.PortOfTapDevice(device) ?? PrefixOf(row?.IfaceId)) is not { } prefix)
        {
            return null;
        }

        if (!ports.TryGetValue(prefix, out var port))
        {
            port = new NeutronPort { Port = prefix, Device = name, OfPort = ofport, PortId = row?.IfaceId, Mac = row?.AttachedMac };
            ports.Add(prefix, port);
        }

        return port;
    }

    /// <summary>The ovs-vsctl row of an OpenFlow port, by number or else by name; looked up once per port, not per flow.</summary>
    private OvsInterface? InterfaceOf(ulong ofport, string name)
    {
        if (_interfaces.Count == 0)
        {
            return null;
        }

        if (!_interfaceByPort.TryGetValue(ofport, out var row))
        {
            row = _interfaces.Find(i => i.OfPort == ofport) ?? _interfaces.Find(i => i.Name == name);
            _interfaceByPort.Add(ofport, row);
        }

        return row;
    }

    /// <summary>The port-id prefix Neutron's chain and device names carry (10 characters, e.g. "38833ad6-c") of a whole port id.</summary>
    private static string? PrefixOf(string? portId) =>
        portId is { Length: > 10 } && portId[8] == '-' && !portId.AsSpan(0, 8).ContainsAnyExcept("0123456789abcdef") ? portId[..10] : null;

    private static void NoteAllowedPair(OvsFlow flow, NeutronPort? port, bool drops)
    {
        if (port is null || drops || !NeutronOvsFirewall.AllowsPair(flow) || (flow.Field("nw_src") ?? flow.Field("ipv6_src")) is not { } address)
        {
            return;
        }

        var mac = flow.Field("dl_src");
        if (!port.AllowedPairs.Exists(p => p.Address == address && p.Mac == mac))
        {
            port.AllowedPairs.Add(new NeutronAllowedPair { Address = address, Mac = mac });
        }
    }

    /// <summary>The first action's name: resubmit, ct, output, NORMAL, load…</summary>
    private static string TargetOf(string actions)
    {
        var end = actions.IndexOfAny(['(', ':', ',']);
        return end < 0 ? actions : actions[..end];
    }
}
