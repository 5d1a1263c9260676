using System.Collections.Concurrent;
using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Rates;
using Dashboard.Server.Hosting;
using Dashboard.Server.Ingest;
using Dashboard.Server.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Live;

/// <summary>
/// Latest snapshot per host with rolling rates, and bounded live history per virtual service and real server.
/// Updated once per committed batch; subscribers hear about it through a throttled callback.
/// </summary>
public sealed class LiveStore
{
    public const int HistoryPoints = 360;

    private readonly ConcurrentDictionary<string, HostSnapshot> _hosts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SeriesKey, RingBuffer<HistoryPoint>> _history = new();
    private readonly ConcurrentDictionary<string, HostSeries> _seriesOfHost = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _clockOffsets = new(StringComparer.Ordinal);
    private readonly ChangeNotifier _changes;
    private readonly IOptionsMonitor<DashboardOptions> _options;
    private readonly TimeProvider _clock;
    private long _version;

    public LiveStore(IOptionsMonitor<DashboardOptions> options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        _changes = new ChangeNotifier(clock);
        Limits = new LiveLimits(options, clock, _hosts.ContainsKey, () => _hosts.Count);
    }

    /// <summary>Hosts, hosts per token and rows per batch: refused and counted past their configured limits.</summary>
    public LiveLimits Limits { get; }

    /// <summary>How far ahead of the server each host's clock ran, for the hosts whose last batch was beyond the tolerance.</summary>
    public IReadOnlyDictionary<string, TimeSpan> ClockOffsets => _clockOffsets;

    /// <summary>Notes (or, with null, clears) how far ahead of receipt a host's last batch claimed to be collected.</summary>
    public void RecordClockOffset(string host, TimeSpan? ahead)
    {
        if (ahead is { } offset)
        {
            _clockOffsets[host] = offset;
        }
        else
        {
            _clockOffsets.TryRemove(host, out _);
        }
    }

    /// <summary>Hosts unseen since <paramref name="before"/> leave the live store with their history; returns how many left.</summary>
    public int ForgetUnseenSince(DateTimeOffset before)
    {
        var gone = 0;
        foreach (var host in _hosts.Values.Where(h => h.ReceivedAt < before).ToList())
        {
            if (!_hosts.TryRemove(new KeyValuePair<string, HostSnapshot>(host.Name, host)))
            {
                continue;
            }

            gone++;
            Limits.Forget(host.Name);
            _clockOffsets.TryRemove(host.Name, out _);
            if (_seriesOfHost.TryRemove(host.Name, out var series))
            {
                foreach (var key in series.Keys)
                {
                    _history.TryRemove(key, out _);
                }
            }
        }

        if (gone > 0)
        {
            Interlocked.Increment(ref _version);
            _changes.Notify();
        }

        return gone;
    }

    public long Version => Interlocked.Read(ref _version);

    public IReadOnlyCollection<HostSnapshot> Hosts => (IReadOnlyCollection<HostSnapshot>)_hosts.Values;

    /// <summary>How many hosts are known, without copying their snapshots out.</summary>
    public int HostCount => _hosts.Count;

    public HostSnapshot? Host(string name) => _hosts.GetValueOrDefault(name);

    /// <summary>True when the host has not reported for longer than the silence threshold.</summary>
    public bool IsSilent(HostSnapshot host) =>
        _clock.GetUtcNow() - host.ReceivedAt > TimeSpan.FromSeconds(_options.CurrentValue.Live.SilentAfterSeconds);

    public DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>Live points of one virtual service (all real servers summed), oldest first.</summary>
    public SeriesPoint[] History(string director, string protocol, string virtualAddress) =>
        ReadHistory(new SeriesKey(director, protocol, virtualAddress, null));

    public SeriesPoint[] History(string director, string protocol, string virtualAddress, string destination) =>
        ReadHistory(new SeriesKey(director, protocol, virtualAddress, destination));

    public void Apply(AgentBatch batch, string role, DateTimeOffset receivedAt) => Apply(new NormalizedBatch(batch), role, receivedAt);

    public void Apply(NormalizedBatch rows, string role, DateTimeOffset receivedAt)
    {
        var batch = rows.Batch;
        var previous = _hosts.GetValueOrDefault(batch.Host);
        // Older than what is shown: a replay, never shown over newer data. Unless what is shown claims a time still ahead of the
        // server (stored before clocks were checked, or by an older instance): then the host's latest batch wins, not its clock.
        if (previous is not null && batch.CollectedAt < previous.CollectedAt
            && previous.CollectedAt <= _clock.GetUtcNow().AddSeconds(_options.CurrentValue.Ingest.ClockSkewToleranceSeconds))
        {
            return;
        }

        var maxHosts = _options.CurrentValue.Limits.MaxHosts;
        if (previous is null && _hosts.Count >= maxHosts)
        {
            // Only batches another instance took get here unadmitted (ingest refuses first); counted, never silent.
            Limits.Refuse(LiveLimits.MaxHostsName, batch.Host, "", $"the live store holds {maxHosts} hosts ({LiveLimits.MaxHostsName}); host '{batch.Host}' is new");
            return;
        }

        var snapshot = SnapshotBuilder.Build(rows, role, receivedAt, previous);
        _hosts[batch.Host] = snapshot;
        RecordHistory(snapshot);
        Interlocked.Increment(ref _version);
        _changes.Notify();
    }

    /// <summary>Calls <paramref name="onChanged"/> at most once per configured interval while batches arrive.</summary>
    public IDisposable Subscribe(Func<Task> onChanged, TimeSpan? minInterval = null) =>
        _changes.Subscribe(onChanged, minInterval ?? TimeSpan.FromMilliseconds(_options.CurrentValue.Live.MinRefreshMilliseconds));

    public int SubscriberCount => _changes.Count;

    /// <summary>
    /// Appends a point to the ring of every virtual service and real server of the snapshot. A host's series are the same
    /// from push to push, so the rings found for its previous snapshot are taken by position, without a lookup each.
    /// </summary>
    private void RecordHistory(HostSnapshot snapshot)
    {
        var count = 0;
        foreach (var vs in snapshot.Virtuals)
        {
            count += 1 + vs.RealServers.Count;
        }

        var known = _seriesOfHost.GetValueOrDefault(snapshot.Name);
        var keys = known?.Keys.Length == count ? known.Keys : null;
        var rings = keys is null ? new RingBuffer<HistoryPoint>[count] : known!.Rings;
        var at = snapshot.CollectedAt.UtcTicks;
        var i = 0;
        foreach (var vs in snapshot.Virtuals)
        {
            Append(new SeriesKey(snapshot.Name, vs.Protocol, vs.Virtual, null), new HistoryPoint(at, vs.Connections, vs.SynRecv));
            foreach (ref readonly var rs in vs.RealServers.Rows)
            {
                Append(new SeriesKey(snapshot.Name, vs.Protocol, vs.Virtual, rs.Destination), new HistoryPoint(at, rs.Connections, rs.SynRecv));
            }
        }

        if (keys is null)
        {
            _seriesOfHost[snapshot.Name] = new HostSeries(BuildKeys(snapshot, count), rings);
        }

        void Append(SeriesKey key, HistoryPoint point)
        {
            if (keys is not null && !keys[i].Equals(key))
            {
                // The host's services changed: from here on its rings are looked up, and a new list is kept for next time.
                rings = rings.ToArray();
                keys = null;
            }

            var ring = keys is not null ? rings[i] : rings[i] = _history.GetOrAdd(key, static _ => new RingBuffer<HistoryPoint>(HistoryPoints));
            lock (ring)
            {
                ring.Add(point);
            }

            i++;
        }
    }

    private static SeriesKey[] BuildKeys(HostSnapshot snapshot, int count)
    {
        var keys = new SeriesKey[count];
        var i = 0;
        foreach (var vs in snapshot.Virtuals)
        {
            keys[i++] = new SeriesKey(snapshot.Name, vs.Protocol, vs.Virtual, null);
            foreach (ref readonly var rs in vs.RealServers.Rows)
            {
                keys[i++] = new SeriesKey(snapshot.Name, vs.Protocol, vs.Virtual, rs.Destination);
            }
        }

        return keys;
    }

    private SeriesPoint[] ReadHistory(SeriesKey key)
    {
        if (!_history.TryGetValue(key, out var ring))
        {
            return [];
        }

        HistoryPoint[] points;
        lock (ring)
        {
            points = ring.ToArray();
        }

        return Array.ConvertAll(points, static p => p.ToSeriesPoint());
    }

    /// <summary>The series of one host in the order its last snapshot listed them, and their rings.</summary>
    private sealed record HostSeries(SeriesKey[] Keys, RingBuffer<HistoryPoint>[] Rings);

    /// <summary>A virtual service (no destination) or one of its real servers; a struct, so recording a push allocates no keys.</summary>
    private readonly record struct SeriesKey(string Director, string Protocol, string Virtual, string? Destination);
}
