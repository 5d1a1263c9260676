using Dapper;
using Dashboard.Core.Diagnosis;
using Dashboard.Server.Hosting;
using Dashboard.Server.Live;
using Dashboard.Server.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Diagnosis;

/// <summary>
/// Evaluates the known-failure rules over the live fleet every couple of seconds, keeps findings open and resolved with
/// their history in PostgreSQL, and tells the UI and alerting when the set changes.
/// </summary>
public sealed class DiagnosisService(
    LiveStore live,
    FindingRepository findings,
    DashboardDatabase database,
    FreeSpaceFloor floor,
    IOptionsMonitor<DashboardOptions> options,
    TimeProvider clock,
    ILogger<DiagnosisService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_persistUpdatesEvery = TimeSpan.FromSeconds(30);

    private readonly ChangeNotifier _changes = new(clock);
    private readonly Dictionary<string, DateTimeOffset> _lastPersisted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _explainedUntil = new(StringComparer.Ordinal);

    /// <summary>IPVS keeps a SYN_RECV entry for 60 s: that long after a hypervisor cause ends, leftovers are no new failure.</summary>
    private static readonly TimeSpan s_leftoverSynRecv = TimeSpan.FromSeconds(90);
    private FindingTracker? _tracker;
    private IReadOnlyDictionary<string, (string Role, DateTimeOffset LastSeen)> _knownHosts = new Dictionary<string, (string, DateTimeOffset)>();
    private volatile IReadOnlyList<TrackedFinding> _open = [];

    /// <summary>Findings open now, most severe first.</summary>
    public IReadOnlyList<TrackedFinding> Open => _open;

    /// <summary>Events of the last evaluation, for alerting.</summary>
    public event Action<IReadOnlyList<FindingEvent>>? FindingsChanged;

    public IDisposable Subscribe(Func<Task> onChanged, TimeSpan? minInterval = null) =>
        _changes.Subscribe(onChanged, minInterval ?? TimeSpan.FromMilliseconds(options.CurrentValue.Live.MinRefreshMilliseconds));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                if (_tracker is null)
                {
                    await RestoreAsync(stoppingToken);
                }

                await EvaluateAsync(stoppingToken);
            }
            catch (Exception e) when (Storage.DatabaseFaults.IsUnavailable(e))
            {
                logger.LogWarning("Diagnosis could not store findings, database unavailable: {Reason}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One evaluation now; the timer calls it, and tests may too.</summary>
    public async Task EvaluateAsync(CancellationToken ct)
    {
        _tracker ??= new FindingTracker(options.CurrentValue.Diagnosis);
        var settings = options.CurrentValue.Diagnosis;
        var now = live.Now;
        var fleet = FleetViewBuilder.Build(live, _knownHosts) with
        {
            RecentlyExplained = _explainedUntil.Where(e => e.Value > now).Select(e => e.Key).ToHashSet(StringComparer.Ordinal),
            DatabaseDisk = floor.Current,
            ClockOffsets = live.ClockOffsets.ToDictionary(StringComparer.Ordinal),
            LimitBreaches = live.Limits.Breaches,
        };
        var candidates = new Diagnoser(settings, options.CurrentValue.Inventory).Evaluate(fleet);
        foreach (var director in Diagnoser.ExplainedDirectors(candidates))
        {
            _explainedUntil[director] = now + s_leftoverSynRecv;
        }

        var events = _tracker.Update(candidates, fleet.Now);
        foreach (var e in events)
        {
            await PersistAsync(e, fleet.Now, ct);
        }

        _open = _tracker.Open.OrderByDescending(f => f.Latest.Severity).ThenBy(f => f.OpenedAt).ToList();
        if (events.Count > 0)
        {
            FindingsChanged?.Invoke(events);
            _changes.Notify();
        }
    }

    private async Task PersistAsync(FindingEvent e, DateTimeOffset now, CancellationToken ct)
    {
        var key = e.Finding.Latest.Key;
        switch (e.Change)
        {
            case FindingChange.Opened:
                await findings.OpenAsync(e.Finding, ct);
                _lastPersisted[key] = now;
                logger.LogWarning("Finding opened: {Summary}", e.Finding.Latest.Summary);
                break;
            case FindingChange.Updated when now - _lastPersisted.GetValueOrDefault(key) >= s_persistUpdatesEvery:
                await findings.UpdateAsync(e.Finding, ct);
                _lastPersisted[key] = now;
                break;
            case FindingChange.Resolved:
                await findings.ResolveAsync(e.Finding, ct);
                _lastPersisted.Remove(key);
                logger.LogInformation("Finding resolved: {Summary}", e.Finding.Latest.Summary);
                break;
        }
    }

    private async Task RestoreAsync(CancellationToken ct)
    {
        var tracker = new FindingTracker(options.CurrentValue.Diagnosis);
        tracker.Restore(await findings.LoadOpenAsync(ct));
        const string sql = "select name, role, last_seen from hosts";
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var hosts = await conn.QueryAsync<(string Name, string Role, DateTime LastSeen)>(new CommandDefinition(sql, cancellationToken: ct));
        _knownHosts = hosts.ToDictionary(h => h.Name, h => (h.Role, (DateTimeOffset)DateTime.SpecifyKind(h.LastSeen, DateTimeKind.Utc)), StringComparer.Ordinal);
        _tracker = tracker;
    }
}
