using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Counts connection rows by (protocol, virtual, destination, state) in memory bounded by the number of distinct
/// tuples, not rows; persistence templates go under their own id and never into the state counts. Each distinct
/// (protocol, virtual, destination) pair gets a row of counters for the common states, rarer states go to a side
/// table. A row whose pair bytes were already checked is counted through <see cref="TryCountSeen"/> without parsing them.
/// </summary>
internal sealed class ConnectionTableAggregator
{
    private const string TooManyNames = "too many distinct names, row rejected";
    private const int NoSketchYet = -1;
    private const int Untracked = -2;

    // State ids below this (the template slot and the TCP/UDP/template names) have a counter in every pair's row.
    private const int CommonStates = 16;

    private readonly IpvsConnectionParseOptions _options;
    private readonly CappedDiagnostics _diagnostics;
    private readonly ConnectionColumns _columns;
    private readonly int _maxNames;
    private readonly Utf8NameTable _protocols = new(0, KnownConnectionProtocols.Names);
    private readonly Utf8NameTable _states = new(KnownConnectionStates.None, KnownConnectionStates.Names);
    private readonly EndpointTable _endpoints;
    private readonly RawTupleCache _seenPairs;
    private readonly Dictionary<(int Protocol, ulong Virtual, ulong Destination), int> _pairIndex = [];
    private readonly List<(int Protocol, ulong Virtual, ulong Destination)> _pairs = [];
    private readonly Dictionary<(int Pair, int State), long> _rareStateCounts = [];
    private readonly Dictionary<(int Protocol, ulong Virtual), int> _sketchIndex = [];
    private readonly List<SpaceSavingTopSources> _sketches = [];
    private readonly string _tooManyAggregates;
    private long[] _counts = new long[64 * CommonStates];
    private int[] _sketchOfPair = new int[64];
    private bool _untrackedVirtualReported;
    private long _firewallMarkTemplates;
    private long _invalidatedTemplates;

    public ConnectionTableAggregator(IpvsConnectionParseOptions options, CappedDiagnostics diagnostics, ConnectionColumns columns)
    {
        _options = options;
        _diagnostics = diagnostics;
        _columns = columns;
        _maxNames = Math.Max(1, options.MaxDistinctNames);
        _endpoints = new EndpointTable(_maxNames);
        _seenPairs = new RawTupleCache(Math.Min(options.MaxDistinctAggregates, 1 << 20));
        _tooManyAggregates = $"more than {options.MaxDistinctAggregates} distinct (protocol, virtual, destination) pairs or rare-state tuples, row rejected";
    }

    public IpvsConnectionParseOptions Options => _options;

    public bool NamesNotNumeric { get; private set; }

    /// <summary>
    /// Counts a row whose protocol, common state and IPv4 client the caller has checked, if its virtual/destination
    /// bytes (<paramref name="pair"/>) were seen before under the same protocol; false sends it to <see cref="TryAdd"/>.
    /// A SYN_RECV row gets a <paramref name="sourceTracker"/> for <see cref="OfferSynRecvSource"/>, otherwise -1.
    /// </summary>
    public bool TryCountSeen(int protocol, int state, bool clientPortZero, ReadOnlySpan<byte> pair, out int sourceTracker)
    {
        sourceTracker = -1;
        if ((uint)state >= CommonStates || !_seenPairs.TryGet((uint)protocol, pair, out var index))
        {
            return false;
        }

        var isTemplate = clientPortZero && (state == KnownConnectionStates.None || state == KnownConnectionStates.Assured);
        if (state == KnownConnectionStates.SynRecv && !isTemplate)
        {
            // The pair's first SYN_RECV row takes the full path, which sets up its source tracking.
            sourceTracker = _sketchOfPair[index];
            if (sourceTracker == NoSketchYet)
            {
                return false;
            }
        }

        _counts[(index * CommonStates) + (isTemplate ? KnownConnectionStates.Template : state)]++;
        return true;
    }

    public void OfferSynRecvSource(int sourceTracker, uint clientIpv4)
    {
        _sketches[sourceTracker].Offer(new ClientAddress(EndpointKind.Ipv4, clientIpv4), default);
    }

    /// <summary>Counts a checked row; false (with a diagnostic) only when a memory limit turns it away.</summary>
    public bool TryAdd(scoped in ConnectionRow row, long line, ReadOnlySpan<byte> pair)
    {
        var protocol = ResolveProtocol(row.Protocol, line);
        var state = protocol < 0 ? -1 : ResolveState(row.State, line);
        if (state < 0)
        {
            return false;
        }

        if (CountsApartAsTemplate(row, protocol, state))
        {
            return true;
        }

        if (!_endpoints.TryGetCode(row.Virtual, row.VirtualText, out var virtualCode))
        {
            Report(line, _columns.Virtual, TooManyNames, row.VirtualText);
            return false;
        }

        if (!_endpoints.TryGetCode(row.Destination, row.DestinationText, out var destinationCode))
        {
            Report(line, _columns.Destination, TooManyNames, row.DestinationText);
            return false;
        }

        var isTemplate = row.Client.PortIsZero && (state == KnownConnectionStates.None || state == KnownConnectionStates.Assured);
        var counted = isTemplate ? KnownConnectionStates.Template : state;
        var pairKey = (protocol, virtualCode, destinationCode);
        if (!_pairIndex.TryGetValue(pairKey, out var index))
        {
            if (_pairIndex.Count >= _options.MaxDistinctAggregates)
            {
                Report(line, null, _tooManyAggregates);
                return false;
            }

            index = AddPair(pairKey);
        }

        if (counted < CommonStates)
        {
            _counts[(index * CommonStates) + counted]++;
        }
        else if (!TryCountRare(index, counted, line))
        {
            return false;
        }

        _seenPairs.Add((uint)protocol, pair, index);
        if (counted == KnownConnectionStates.SynRecv)
        {
            var sketch = SketchOf(index, line, row.VirtualText);
            if (sketch >= 0)
            {
                var host = row.Client.Kind == EndpointKind.Name ? EndpointText.HostOf(row.ClientText) : default;
                _sketches[sketch].Offer(ClientAddress.From(row.Client, row.ClientText), host);
            }
        }

        if (row.Client.Kind == EndpointKind.Name || row.Virtual.Kind == EndpointKind.Name || row.Destination.Kind == EndpointKind.Name)
        {
            NoteNames(line);
        }

        return true;
    }

    /// <summary>
    /// Templates whose virtual is no service: a firewall mark printed as an address, or the 65535 ports of an invalidated
    /// template. They are counted, never made a (virtual, destination) pair, so no real server appears that does not exist.
    /// </summary>
    private bool CountsApartAsTemplate(scoped in ConnectionRow row, int protocol, int state)
    {
        if (!row.Client.PortIsZero || (state != KnownConnectionStates.None && state != KnownConnectionStates.Assured && protocol != KnownConnectionProtocols.Ip))
        {
            return false;
        }

        if (row.Virtual.Port == ushort.MaxValue && row.Destination.Port == ushort.MaxValue)
        {
            _invalidatedTemplates++;
            return true;
        }

        if (protocol == KnownConnectionProtocols.Ip)
        {
            _firewallMarkTemplates++;
            return true;
        }

        return false;
    }

    public IpvsConnectionSummary Build()
    {
        var summary = new IpvsConnectionSummary
        {
            NamesNotNumeric = NamesNotNumeric,
            FirewallMarkTemplates = _firewallMarkTemplates,
            InvalidatedTemplates = _invalidatedTemplates,
            Templates = _firewallMarkTemplates + _invalidatedTemplates,
        };
        var rareByPair = _rareStateCounts.Count == 0 ? null : _rareStateCounts.ToLookup(r => r.Key.Pair, r => (State: r.Key.State, Count: r.Value));
        // Keys are distinct, so this unstable sort gives the order of a stable one.
        var ordered = new int[_pairs.Count];
        for (var i = 0; i < ordered.Length; i++)
        {
            ordered[i] = i;
        }

        Array.Sort(ordered, ComparePairs);
        var commonByName = CommonStatesByName();
        // One scratch list for every destination: each gets its counts as one exact array, already in name order.
        var states = new List<KeyValuePair<string, long>>(CommonStates);
        summary.Destinations.Capacity = ordered.Length;
        foreach (var index in ordered)
        {
            states.Clear();
            foreach (var state in commonByName)
            {
                var count = _counts[(index * CommonStates) + state];
                if (count > 0)
                {
                    states.Add(new(_states.NameOf(state), count));
                }
            }

            if (rareByPair is not null && rareByPair.Contains(index))
            {
                foreach (var (state, count) in rareByPair[index])
                {
                    states.Add(new(_states.NameOf(state), count));
                }

                states.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            }

            if (states.Count == 0 && _counts[index * CommonStates] == 0)
            {
                continue;
            }

            var (protocol, virtualCode, destinationCode) = _pairs[index];
            var destination = new IpvsDestinationStates
            {
                Protocol = _protocols.NameOf(protocol),
                Virtual = _endpoints.TextOf(virtualCode),
                Destination = _endpoints.TextOf(destinationCode),
                Templates = _counts[index * CommonStates],
                ByState = StateCounts.FromUnordered(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(states)),
            };
            summary.Destinations.Add(destination);
            summary.Templates += destination.Templates;
            foreach (var (state, count) in destination.ByState.Entries)
            {
                summary.ByState.Increase(state, count);
                summary.Connections += count;
            }
        }

        var sketches = _sketchIndex
            .OrderBy(s => _protocols.NameOf(s.Key.Protocol), StringComparer.Ordinal)
            .ThenBy(s => s.Key.Virtual);
        foreach (var ((protocol, virtualCode), sketch) in sketches)
        {
            foreach (var (client, count, overcount) in _sketches[sketch].Top(_options.TopSourcesPerVirtual))
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

    /// <summary>Protocol name, then virtual and destination codes: the order the summary lists real servers in.</summary>
    private int ComparePairs(int a, int b)
    {
        var (x, y) = (_pairs[a], _pairs[b]);
        var order = x.Protocol == y.Protocol ? 0 : string.CompareOrdinal(_protocols.NameOf(x.Protocol), _protocols.NameOf(y.Protocol));
        return order != 0 ? order : x.Virtual != y.Virtual ? x.Virtual.CompareTo(y.Virtual) : x.Destination.CompareTo(y.Destination);
    }

    /// <summary>The state ids with a counter in every row (the template slot left out), in ordinal order of their names.</summary>
    private int[] CommonStatesByName()
    {
        var ids = new int[CommonStates - 1];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = i + 1;
        }

        Array.Sort(ids, (a, b) => string.CompareOrdinal(_states.NameOf(a), _states.NameOf(b)));
        return ids;
    }

    private int AddPair((int Protocol, ulong Virtual, ulong Destination) pair)
    {
        var index = _pairs.Count;
        if (index == _sketchOfPair.Length)
        {
            Array.Resize(ref _counts, _counts.Length * 2);
            Array.Resize(ref _sketchOfPair, index * 2);
        }

        _pairs.Add(pair);
        _pairIndex.Add(pair, index);
        _sketchOfPair[index] = NoSketchYet;
        return index;
    }

    private bool TryCountRare(int pair, int state, long line)
    {
        ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_rareStateCounts, (pair, state), out var exists);
        if (!exists && _rareStateCounts.Count > _options.MaxDistinctAggregates)
        {
            _rareStateCounts.Remove((pair, state));
            Report(line, null, _tooManyAggregates);
            return false;
        }

        count++;
        return true;
    }

    private int SketchOf(int index, long line, ReadOnlySpan<byte> virtualText)
    {
        if (_sketchOfPair[index] != NoSketchYet)
        {
            return _sketchOfPair[index];
        }

        var virtualKey = (_pairs[index].Protocol, _pairs[index].Virtual);
        if (!_sketchIndex.TryGetValue(virtualKey, out var sketch))
        {
            if (_sketchIndex.Count >= _options.MaxTrackedVirtuals)
            {
                if (!_untrackedVirtualReported)
                {
                    _untrackedVirtualReported = true;
                    Report(line, _columns.Virtual, $"SYN_RECV sources tracked for the first {_options.MaxTrackedVirtuals} virtual services only", virtualText, DiagnosticSeverity.Warning);
                }

                return _sketchOfPair[index] = Untracked;
            }

            sketch = _sketches.Count;
            _sketches.Add(new SpaceSavingTopSources(_options.SourceSketchCapacity));
            _sketchIndex.Add(virtualKey, sketch);
        }

        return _sketchOfPair[index] = sketch;
    }

    private int ResolveProtocol(ReadOnlySpan<byte> name, long line)
    {
        var id = KnownConnectionProtocols.FindCommon(name);
        if (id >= 0 || _protocols.TryFind(name, out id))
        {
            return id;
        }

        if (_protocols.Count >= _maxNames)
        {
            Report(line, _columns.Protocol, TooManyNames, name);
            return -1;
        }

        if (!KnownConnectionProtocols.IsNumbered(name))
        {
            Report(line, _columns.Protocol, "unknown protocol name, counted verbatim", name, DiagnosticSeverity.Warning);
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

        if (_states.Count >= _maxNames)
        {
            Report(line, _columns.State, TooManyNames, name);
            return -1;
        }

        Report(line, _columns.State, "unknown state name, counted verbatim", name, DiagnosticSeverity.Warning);
        return _states.Add(name);
    }

    private void NoteNames(long line)
    {
        if (!NamesNotNumeric)
        {
            NamesNotNumeric = true;
            Report(line, _columns.Virtual, "addresses or ports printed as names (ipvsadm without -n); kept as printed", DiagnosticSeverity.Warning);
        }
    }

    private void Report(long line, string? field, string problem, ReadOnlySpan<byte> text, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        _diagnostics.Report(line, field, problem, text, severity);
    }

    private void Report(long line, string? field, string problem, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        _diagnostics.Report(line, field, problem, severity);
    }
}
