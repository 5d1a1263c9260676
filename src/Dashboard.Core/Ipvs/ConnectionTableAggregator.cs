using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Counts connection rows by (protocol, virtual, destination, state) in memory bounded by the number of distinct
/// tuples, not rows; persistence templates go under their own id and never into the state counts.
/// </summary>
internal sealed class ConnectionTableAggregator
{
    private const string TooManyNames = "too many distinct names, row rejected";

    private readonly IpvsConnectionParseOptions _options;
    private readonly CappedDiagnostics _diagnostics;
    private readonly ConnectionColumns _columns;
    private readonly Utf8NameTable _protocols = new(0, KnownConnectionProtocols.Names);
    private readonly Utf8NameTable _states = new(KnownConnectionStates.None, KnownConnectionStates.Names);
    private readonly EndpointTable _endpoints;
    private readonly Dictionary<AggregateKey, long> _counts = [];
    private readonly Dictionary<(int Protocol, ulong Virtual), SpaceSavingTopSources> _synRecvSources = [];
    private readonly string _tooManyAggregates;
    private bool _untrackedVirtualReported;

    public ConnectionTableAggregator(IpvsConnectionParseOptions options, CappedDiagnostics diagnostics, ConnectionColumns columns)
    {
        _options = options;
        _diagnostics = diagnostics;
        _columns = columns;
        _endpoints = new EndpointTable(options.MaxDistinctNames);
        _tooManyAggregates = $"more than {options.MaxDistinctAggregates} distinct (protocol, virtual, destination, state) tuples, row rejected";
    }

    public bool NamesNotNumeric { get; private set; }

    /// <summary>Counts a checked row; false (with a diagnostic) only when a memory limit turns it away.</summary>
    public bool TryAdd(scoped in ConnectionRow row, long line)
    {
        var protocol = ResolveProtocol(row.Protocol, line);
        var state = protocol < 0 ? -1 : ResolveState(row.State, line);
        if (state < 0)
        {
            return false;
        }

        if (!_endpoints.TryGetCode(row.Virtual, row.VirtualText, out var virtualCode))
        {
            _diagnostics.Report(line, _columns.Virtual, TooManyNames, row.VirtualText);
            return false;
        }

        if (!_endpoints.TryGetCode(row.Destination, row.DestinationText, out var destinationCode))
        {
            _diagnostics.Report(line, _columns.Destination, TooManyNames, row.DestinationText);
            return false;
        }

        var isTemplate = row.Client.PortIsZero && (state == KnownConnectionStates.None || state == KnownConnectionStates.Assured);
        var key = new AggregateKey(protocol, virtualCode, destinationCode, isTemplate ? KnownConnectionStates.Template : state);
        if (!TryIncrement(key))
        {
            _diagnostics.Report(line, null, _tooManyAggregates);
            return false;
        }

        if (state == KnownConnectionStates.SynRecv && !isTemplate)
        {
            TrackSynRecvSource(protocol, virtualCode, row, line);
        }

        if (HasName(row))
        {
            NoteNames(line);
        }

        return true;
    }

    public IpvsConnectionSummary Build()
    {
        var summary = new IpvsConnectionSummary { NamesNotNumeric = NamesNotNumeric };
        var destinations = new Dictionary<(int, ulong, ulong), IpvsDestinationStates>();
        var ordered = _counts
            .OrderBy(c => _protocols.NameOf(c.Key.Protocol), StringComparer.Ordinal)
            .ThenBy(c => c.Key.VirtualCode)
            .ThenBy(c => c.Key.DestinationCode);
        foreach (var (key, count) in ordered)
        {
            var destinationKey = (key.Protocol, key.VirtualCode, key.DestinationCode);
            if (!destinations.TryGetValue(destinationKey, out var destination))
            {
                destination = new IpvsDestinationStates
                {
                    Protocol = _protocols.NameOf(key.Protocol),
                    Virtual = _endpoints.TextOf(key.VirtualCode),
                    Destination = _endpoints.TextOf(key.DestinationCode),
                };
                destinations.Add(destinationKey, destination);
                summary.Destinations.Add(destination);
            }

            if (key.State == KnownConnectionStates.Template)
            {
                destination.Templates += count;
                summary.Templates += count;
                continue;
            }

            var state = _states.NameOf(key.State);
            destination.ByState[state] = destination.ByState.GetValueOrDefault(state) + count;
            summary.ByState[state] = summary.ByState.GetValueOrDefault(state) + count;
            summary.Connections += count;
        }

        var sketches = _synRecvSources
            .OrderBy(s => _protocols.NameOf(s.Key.Protocol), StringComparer.Ordinal)
            .ThenBy(s => s.Key.Virtual);
        foreach (var ((protocol, virtualCode), sketch) in sketches)
        {
            foreach (var (client, count, overcount) in sketch.Top(_options.TopSourcesPerVirtual))
            {
                summary.TopSynRecvSources.Add(new IpvsSynRecvSource
                {
                    Protocol = _protocols.NameOf(protocol),
                    Virtual = _endpoints.TextOf(virtualCode),
                    Client = client,
                    Connections = count,
                    Overcount = overcount,
                });
            }
        }

        return summary;
    }

    private int ResolveProtocol(ReadOnlySpan<byte> name, long line)
    {
        var id = KnownConnectionProtocols.FindCommon(name);
        if (id >= 0 || _protocols.TryFind(name, out id))
        {
            return id;
        }

        if (_protocols.Count >= _options.MaxDistinctNames)
        {
            _diagnostics.Report(line, _columns.Protocol, TooManyNames, name);
            return -1;
        }

        if (!KnownConnectionProtocols.IsNumbered(name))
        {
            _diagnostics.Report(line, _columns.Protocol, "unknown protocol name, counted verbatim", name, DiagnosticSeverity.Warning);
        }

        return _protocols.Add(name);
    }

    private int ResolveState(ReadOnlySpan<byte> name, long line)
    {
        var id = KnownConnectionStates.FindCommon(name);
        if (id >= 0 || _states.TryFind(name, out id))
        {
            return id;
        }

        if (_states.Count >= _options.MaxDistinctNames)
        {
            _diagnostics.Report(line, _columns.State, TooManyNames, name);
            return -1;
        }

        _diagnostics.Report(line, _columns.State, "unknown state name, counted verbatim", name, DiagnosticSeverity.Warning);
        return _states.Add(name);
    }

    private bool TryIncrement(AggregateKey key)
    {
        if (_counts.Count < _options.MaxDistinctAggregates)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_counts, key, out _)++;
            return true;
        }

        ref var count = ref CollectionsMarshal.GetValueRefOrNullRef(_counts, key);
        if (Unsafe.IsNullRef(ref count))
        {
            return false;
        }

        count++;
        return true;
    }

    private void TrackSynRecvSource(int protocol, ulong virtualCode, scoped in ConnectionRow row, long line)
    {
        ref var sketch = ref CollectionsMarshal.GetValueRefOrAddDefault(_synRecvSources, (protocol, virtualCode), out var exists);
        if (!exists)
        {
            if (_synRecvSources.Count > _options.MaxTrackedVirtuals)
            {
                _synRecvSources.Remove((protocol, virtualCode));
                if (!_untrackedVirtualReported)
                {
                    _untrackedVirtualReported = true;
                    _diagnostics.Report(line, _columns.Virtual, $"SYN_RECV sources tracked for the first {_options.MaxTrackedVirtuals} virtual services only", row.VirtualText, DiagnosticSeverity.Warning);
                }

                return;
            }

            sketch = new SpaceSavingTopSources(_options.SourceSketchCapacity);
        }

        var host = row.Client.Kind == EndpointKind.Name ? EndpointText.HostOf(row.ClientText) : default;
        sketch!.Offer(ClientAddress.From(row.Client, row.ClientText), host);
    }

    private static bool HasName(scoped in ConnectionRow row) =>
        row.Client.Kind == EndpointKind.Name || row.Virtual.Kind == EndpointKind.Name || row.Destination.Kind == EndpointKind.Name;

    private void NoteNames(long line)
    {
        if (!NamesNotNumeric)
        {
            NamesNotNumeric = true;
            _diagnostics.Report(line, _columns.Virtual, "addresses or ports printed as names (ipvsadm without -n); kept as printed", DiagnosticSeverity.Warning);
        }
    }
}
