using System.Collections.Concurrent;
using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Rates;
using Dashboard.Server.Hosting;
using Dashboard.Server.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Live;

/// <summary>
/// Latest snapshot per host with rolling rates, and bounded live history per virtual service and real server.
/// Updated once per committed batch; subscribers hear about it through a throttled callback.
/// </summary>
public sealed class LiveStore(IOptionsMonitor<DashboardOptions> options, TimeProvider clock)
{
    public const int HistoryPoints = 360;
    public const int MaxHosts = 5000;

    private readonly ConcurrentDictionary<string, HostSnapshot> _hosts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SeriesKey, RingBuffer<SeriesPoint>> _history = new();
    private readonly ChangeNotifier _changes = new(clock);
    private long _version;

    public long Version => Interlocked.Read(ref _version);

    public IReadOnlyCollection<HostSnapshot> Hosts => (IReadOnlyCollection<HostSnapshot>)_hosts.Values;

    /// <summary>How many hosts are known, without copying their snapshots out.</summary>
    public int HostCount => _hosts.Count;

    public HostSnapshot? Host(string name) => _hosts.GetValueOrDefault(name);

    /// <summary>True when the host has not reported for longer than the silence threshold.</summary>
    public bool IsSilent(HostSnapshot host) =>
        clock.GetUtcNow() - host.ReceivedAt > TimeSpan.FromSeconds(options.CurrentValue.Live.SilentAfterSeconds);

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Live points of one virtual service (all real servers summed), oldest first.</summary>
    public SeriesPoint[] History(string director, string protocol, string virtualAddress) =>
        ReadHistory(new SeriesKey(director, protocol, virtualAddress, null));

    public SeriesPoint[] History(string director, string protocol, string virtualAddress, string destination) =>
        ReadHistory(new SeriesKey(director, protocol, virtualAddress, destination));

    public void Apply(AgentBatch batch, string role, DateTimeOffset receivedAt) => Apply(new BatchRows(batch), role, receivedAt);

    public void Apply(BatchRows rows, string role, DateTimeOffset receivedAt)
    {
        var batch = rows.Batch;
        var previous = _hosts.GetValueOrDefault(batch.Host);
        if (previous is not null && batch.CollectedAt < previous.CollectedAt)
        {
            return;
        }

        if (previous is null && _hosts.Count >= MaxHosts)
        {
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
        _changes.Subscribe(onChanged, minInterval ?? TimeSpan.FromMilliseconds(options.CurrentValue.Live.MinRefreshMilliseconds));

    public int SubscriberCount => _changes.Count;

    private void RecordHistory(HostSnapshot snapshot)
    {
        foreach (var vs in snapshot.Virtuals)
        {
            Append(new SeriesKey(snapshot.Name, vs.Protocol, vs.Virtual, null), new SeriesPoint(snapshot.CollectedAt, vs.Connections, vs.SynRecv));
            foreach (var rs in vs.RealServers)
            {
                Append(new SeriesKey(snapshot.Name, vs.Protocol, vs.Virtual, rs.Destination), new SeriesPoint(snapshot.CollectedAt, rs.Connections, rs.SynRecv));
            }
        }
    }

    private void Append(SeriesKey key, SeriesPoint point)
    {
        var ring = _history.GetOrAdd(key, static _ => new RingBuffer<SeriesPoint>(HistoryPoints));
        lock (ring)
        {
            ring.Add(point);
        }
    }

    private SeriesPoint[] ReadHistory(SeriesKey key)
    {
        if (!_history.TryGetValue(key, out var ring))
        {
            return [];
        }

        lock (ring)
        {
            return ring.ToArray();
        }
    }

    /// <summary>A virtual service (no destination) or one of its real servers; a struct, so recording a push allocates no keys.</summary>
    private readonly record struct SeriesKey(string Director, string Protocol, string Virtual, string? Destination);
}
