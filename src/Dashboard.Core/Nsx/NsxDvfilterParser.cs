using System.Globalization;
using System.Text;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Nsx;

/// <summary>
/// Reads `summarize-dvfilter` on ESXi into the DFW filters it lists, in the documented layout:
/// `world &lt;id&gt; vmm0:&lt;VM&gt; vcUuid:'…'`, ` port &lt;id&gt; &lt;name&gt;`, `  vNic slot &lt;n&gt;` (or `  dvPort slot &lt;n&gt;`, a
/// filter on the switch port rather than the vNIC), `   name: nic-…-vmware-sfw.&lt;n&gt;`.
/// Only vmware-sfw (DFW) filters are kept; their names join with getfilterstat output. Counters stay empty.
/// </summary>
public sealed class NsxDvfilterParser
{
    private readonly NsxFirewallStats _stats = new();
    private readonly CappedDiagnostics _diagnostics = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private long? _worldId;
    private string? _vmName;
    private long? _portId;
    private string? _portName;
    private int? _slot;
    private long _usableLines;

    private NsxDvfilterParser()
    {
    }

    public static ParseOutcome<NsxFirewallStats> Parse(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new NsxDvfilterParser().Run(input);
    }

    private ParseOutcome<NsxFirewallStats> Run(Stream input)
    {
        var lines = TextLines.ForEach(input, _diagnostics, trim: true, ReadLine);
        var diagnostics = _diagnostics.ToList();
        _stats.Warnings = CappedDiagnostics.ToWarnings(diagnostics);
        return new ParseOutcome<NsxFirewallStats>(_stats, diagnostics, lines, _usableLines);
    }

    private void ReadLine(string line, long number)
    {
        if (line.StartsWith("world ", StringComparison.Ordinal))
        {
            ReadWorld(line["world ".Length..], number);
        }
        else if (line.StartsWith("port ", StringComparison.Ordinal))
        {
            ReadPort(line["port ".Length..], number);
        }
        else if (line.StartsWith("vNic slot ", StringComparison.Ordinal))
        {
            _slot = int.TryParse(line["vNic slot ".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var slot) ? slot : null;
            if (_slot is null)
            {
                _diagnostics.Warning(number, "slot", $"'{line}' has no slot number");
            }
        }
        else if (line.StartsWith("dvPort slot ", StringComparison.Ordinal))
        {
            // Filters on the distributed switch port (dvfilter-generic-vmware) are not DFW filters; their names are not nic-….
            _slot = null;
            if (!int.TryParse(line["dvPort slot ".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                _diagnostics.Warning(number, "slot", $"'{line}' has no slot number");
            }
        }
        else if (line.StartsWith("name:", StringComparison.Ordinal))
        {
            ReadFilter(line["name:".Length..].Trim(), number);
        }
        else if (!line.Contains(':', StringComparison.Ordinal))
        {
            _diagnostics.Warning(number, null, $"not a summarize-dvfilter line: '{(line.Length > 80 ? line[..80] + "…" : line)}'");
        }

        // Other "key: value" lines (agentName, state, failurePolicy, …) describe the filter; nothing to keep.
    }

    private void ReadWorld(string rest, long number)
    {
        var parts = rest.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        _worldId = parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var world) ? world : null;
        _vmName = null;
        _portId = null;
        _portName = null;
        _slot = null;
        if (_worldId is null)
        {
            _diagnostics.Warning(number, "world", $"'world {rest}' has no numeric world id");
        }

        var vmm = rest.IndexOf("vmm0:", StringComparison.Ordinal);
        if (vmm >= 0)
        {
            var name = rest[(vmm + "vmm0:".Length)..];
            var uuid = name.IndexOf(" vcUuid:", StringComparison.Ordinal);
            _vmName = (uuid >= 0 ? name[..uuid] : name).Trim();
        }
    }

    private void ReadPort(string rest, long number)
    {
        var parts = rest.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        _portId = parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
        _portName = parts.Length > 1 ? parts[1].Trim() : null;
        _slot = null;
        if (_portId is null)
        {
            _diagnostics.Warning(number, "port", $"'port {rest}' has no numeric port id");
        }
    }

    private void ReadFilter(string name, long number)
    {
        if (!NsxFilterName.TryParse(name, out var worldId, out _, out var slot))
        {
            return;
        }

        if (!_names.Add(name))
        {
            _diagnostics.Warning(number, "name", $"filter {name} listed twice; keeping the first");
            return;
        }

        var filter = NsxFilterName.NewFilter(name);
        filter.VmName = _vmName;
        filter.PortId = _portId;
        filter.PortName = _portName;
        if (_worldId is { } world && world != worldId)
        {
            _diagnostics.Warning(number, "world", $"filter {name} names world {worldId} but is listed under world {world}");
        }

        if (_slot is { } listedSlot && listedSlot != slot)
        {
            _diagnostics.Warning(number, "slot", $"filter {name} names slot {slot} but is listed under vNic slot {listedSlot}");
        }

        _stats.Filters.Add(filter);
        _usableLines++;
    }
}
