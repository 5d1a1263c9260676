using Dapper;
using Dashboard.Core.Diagnosis;
using Dashboard.Server.Alerting.Channels;
using Dashboard.Server.Alerting.Delivery;
using Dashboard.Server.Alerting.Rules;
using Dashboard.Server.Diagnosis;
using Dashboard.Server.Hosting;
using Dashboard.Server.Live;
using Dashboard.Server.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Alerting;

/// <summary>
/// Evaluates the rules every second (and at once when findings change), moves alerts through pending, firing and
/// resolved, and flushes groups: each notification becomes outbox rows, one per channel, in the same transaction as the
/// state changes that caused it. Evaluations are serialized across instances by an advisory lock.
/// </summary>
public sealed class AlertEngine : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_hostsReloadEvery = TimeSpan.FromSeconds(15);

    private readonly LiveStore _live;
    private readonly FindingRepository _findings;
    private readonly DiagnosisService _diagnosis;
    private readonly AlertRuleCatalog _rules;
    private readonly ChannelCatalog _channels;
    private readonly AlertDispatcher _dispatcher;
    private readonly AlertLinks _links;
    private readonly DashboardDatabase _database;
    private readonly IOptionsMonitor<AlertingOptions> _options;
    private readonly IOptionsMonitor<DashboardOptions> _dashboardOptions;
    private readonly TimeProvider _clock;
    private readonly ILogger<AlertEngine> _logger;
    private readonly IReadOnlyDictionary<string, IAlertCondition> _conditions;
    private readonly ChangeNotifier _changes;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly SemaphoreSlim _evaluating = new(1, 1);
    private IReadOnlyDictionary<string, (string Role, DateTimeOffset LastSeen)> _knownHosts = new Dictionary<string, (string, DateTimeOffset)>();
    private long _hostsLoadedAtTicks = long.MinValue;
    private TopologyIndex _topology = TopologyIndex.Empty;
    private long _topologyVersion = -1;
    private long _topologyBuiltAtTicks = long.MinValue;
    private int _topologyHosts = -1;

    /// <summary>Which VIP a port serves changes with the fleet, not with each push: rebuilt at most this often unless hosts come or go.</summary>
    private static readonly TimeSpan s_topologyRebuildEvery = TimeSpan.FromSeconds(10);

    public AlertEngine(LiveStore live, FindingRepository findings, DiagnosisService diagnosis, AlertRuleCatalog rules, ChannelCatalog channels,
        AlertDispatcher dispatcher, AlertLinks links, DashboardDatabase database, IOptionsMonitor<AlertingOptions> options,
        IOptionsMonitor<DashboardOptions> dashboardOptions, [FromKeyedServices(AlertingServices.ClockKey)] TimeProvider clock,
        IEnumerable<IAlertCondition> conditions, ILogger<AlertEngine> logger)
    {
        _live = live;
        _findings = findings;
        _diagnosis = diagnosis;
        _rules = rules;
        _channels = channels;
        _dispatcher = dispatcher;
        _links = links;
        _database = database;
        _options = options;
        _dashboardOptions = dashboardOptions;
        _clock = clock;
        _logger = logger;
        _conditions = conditions.ToDictionary(c => c.Kind, StringComparer.Ordinal);
        _changes = new ChangeNotifier(TimeProvider.System);
    }

    /// <summary>Calls back (throttled) after evaluations that changed alerts or sent notifications, for the alerts page.</summary>
    public IDisposable Subscribe(Func<Task> onChanged) =>
        _changes.Subscribe(onChanged, TimeSpan.FromMilliseconds(_dashboardOptions.CurrentValue.Live.MinRefreshMilliseconds));

    /// <summary>Tells the alerts page that something it shows changed outside an evaluation (an acknowledgement, a silence).</summary>
    public void NotifyChanged() => _changes.Notify();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _diagnosis.FindingsChanged += OnFindingsChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await EvaluateAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (Storage.DatabaseFaults.IsUnavailable(e))
                {
                    _logger.LogWarning("Alert evaluation skipped, database unavailable: {Reason}", e.Message);
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "Alert evaluation failed; retrying at the next tick");
                }

                try
                {
                    await _wake.WaitAsync(Interval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            _diagnosis.FindingsChanged -= OnFindingsChanged;
        }
    }

    /// <summary>One evaluation now: the timer calls it, and tests may too. Returns the number of outbox rows written.</summary>
    public async Task<int> EvaluateAsync(CancellationToken ct)
    {
        await _evaluating.WaitAsync(ct);
        try
        {
            return await EvaluateLockedAsync(ct);
        }
        finally
        {
            _evaluating.Release();
        }
    }

    private async Task<int> EvaluateLockedAsync(CancellationToken ct)
    {
        var options = _options.CurrentValue;
        var rules = (await _rules.GetAsync(ct)).Where(r => r.Enabled).ToList();
        var inputs = await CaptureAsync(ct);
        var candidates = new List<AlertCandidate>();
        foreach (var rule in rules)
        {
            if (_conditions.TryGetValue(rule.Kind, out var condition))
            {
                candidates.AddRange(condition.Evaluate(rule, inputs));
            }
        }

        var channels = (await _channels.AllAsync(ct)).Where(c => c.Enabled).Select(c => c.Name).ToList();

        await using var conn = await _database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await AlertRepository.LockAsync(conn, tx, ct);
        var now = AlertClock.Now(_clock);
        var active = await AlertRepository.LoadActiveForUpdateAsync(conn, tx, ct);
        var transitions = AlertStateMachine.Apply(active, candidates, inputs.HasLiveData, options.EffectiveGroupBy, now, options.StaleAfter);
        var written = await AlertRepository.WriteAsync(conn, tx, transitions, ct);
        var changedStates = transitions.Count(t => t.ChangesState);

        var current = active.ToDictionary(a => a.Id);
        foreach (var row in written)
        {
            current[row.Id] = row;
        }

        var stillActive = current.Values.Where(a => a.IsActive).ToList();
        foreach (var group in stillActive.Where(a => a.State == AlertStates.Firing).GroupBy(a => a.GroupKey))
        {
            await AlertRepository.EnsureGroupAsync(conn, tx, group.Key, AlertLabels.GroupLabels(group.First().Labels, options.EffectiveGroupBy), now, ct);
        }

        var enqueued = await FlushGroupsAsync(conn, tx, stillActive, channels, options, now, ct);
        await tx.CommitAsync(ct);

        if (enqueued > 0)
        {
            _dispatcher.Wake();
        }

        if (changedStates > 0 || enqueued > 0)
        {
            _changes.Notify();
        }

        return enqueued;
    }

    private async Task<int> FlushGroupsAsync(Npgsql.NpgsqlConnection conn, Npgsql.NpgsqlTransaction tx, List<AlertRow> active, List<string> channels,
        AlertingOptions options, DateTimeOffset now, CancellationToken ct)
    {
        var groups = await AlertRepository.LoadGroupsForUpdateAsync(conn, tx, ct);
        if (groups.Count == 0)
        {
            return 0;
        }

        var silences = await SilenceRepository.ActiveAsync(conn, tx, now, ct);
        var resolved = await AlertRepository.LoadLatestResolvedAsync(conn, tx, groups.SelectMany(g => g.NotifiedFiring).Distinct().ToList(), ct);
        // Inhibition: symptoms a firing cause explains count as absent, as silenced ones do, and are named in the cause's message.
        var firingCauses = AlertInhibition.FiringCauses(active);
        bool Silenced(AlertRow a) => silences.Any(s => s.Mutes(a.Labels, now));
        // Each firing cause's active symptoms, each under the one cause the alerts page folds it under.
        var symptoms = AlertInhibition.Fold(active.Where(a => !Silenced(a)), firingCauses).ByCause;
        var enqueued = 0;
        foreach (var group in groups)
        {
            var members = active.Where(a => a.GroupKey == group.GroupKey).ToList();
            var decision = GroupFlushPolicy.Decide(
                group,
                members.Where(a => a.State == AlertStates.Firing).ToList(),
                resolved.Where(a => a.GroupKey == group.GroupKey).ToList(),
                members.Any(a => a.State == AlertStates.Pending),
                a => Silenced(a) || AlertInhibition.Inhibited(a, firingCauses),
                options,
                now);
            if (decision.Send)
            {
                var notification = Notification(decision, await AlertRepository.NextNotificationNumberAsync(conn, tx, ct), symptoms, now);
                enqueued += await AlertRepository.EnqueueAsync(conn, tx, notification, channels, now, ct);
                _logger.LogInformation("Alert group {Group}: notification {Sequence} ({Status}, {Count} alerts) queued for {Channels} channels",
                    group.GroupKey, notification.Sequence, notification.Status, notification.Alerts.Count, channels.Count);
            }

            if (decision.Delete)
            {
                await AlertRepository.DeleteGroupAsync(conn, tx, group.GroupKey, ct);
            }
            else if (decision.GroupChanged)
            {
                await AlertRepository.SaveGroupAsync(conn, tx, decision.Group, ct);
            }
        }

        return enqueued;
    }

    private AlertNotification Notification(FlushDecision decision, int number, IReadOnlyDictionary<string, List<AlertRow>> symptoms, DateTimeOffset now)
    {
        var alerts = decision.Firing
            .Select(a => NotifiedAlert.From(a, AlertStates.Firing, _links) with
            {
                Symptoms = [.. (symptoms.GetValueOrDefault(a.Fingerprint) ?? []).Select(s => new NotifiedSymptom(s.Rule, s.Severity, s.Fingerprint))],
            })
            .Concat(decision.Resolved.Select(a => NotifiedAlert.From(a, AlertStates.Resolved, _links)))
            .ToList();
        return new AlertNotification
        {
            GroupKey = decision.Group.GroupKey,
            Status = decision.Status,
            Sequence = number,
            Repeat = decision.Repeat,
            CreatedAt = now,
            GroupLabels = decision.Group.Labels,
            CommonLabels = Common(alerts.Select(a => a.Labels).ToList()),
            CommonAnnotations = Common(alerts.Select(a => a.Annotations).ToList()),
            ExternalUrl = _links.Base,
            Link = _links.Incident(alerts.Count > 0 ? Common(alerts.Select(a => a.Labels).ToList()) : decision.Group.Labels),
            Alerts = alerts,
        };
    }

    private static SortedDictionary<string, string> Common(IReadOnlyList<IReadOnlyDictionary<string, string>> maps)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (maps.Count == 0)
        {
            return result;
        }

        foreach (var (key, value) in maps[0])
        {
            if (maps.All(m => m.TryGetValue(key, out var other) && other == value))
            {
                result[key] = value;
            }
        }

        return result;
    }

    private async Task<AlertInputs> CaptureAsync(CancellationToken ct)
    {
        if (Environment.TickCount64 - _hostsLoadedAtTicks > s_hostsReloadEvery.TotalMilliseconds)
        {
            const string sql = "select name, role, last_seen from hosts";
            await using var conn = await _database.DataSource.OpenConnectionAsync(ct);
            var hosts = await conn.QueryAsync<(string Name, string Role, DateTime LastSeen)>(new CommandDefinition(sql, cancellationToken: ct));
            _knownHosts = hosts.ToDictionary(h => h.Name, h => (h.Role, new DateTimeOffset(DateTime.SpecifyKind(h.LastSeen, DateTimeKind.Utc))), StringComparer.Ordinal);
            _hostsLoadedAtTicks = Environment.TickCount64;
        }

        var hostCount = _live.HostCount;
        if (_live.Version != _topologyVersion
            && (hostCount != _topologyHosts || Environment.TickCount64 - _topologyBuiltAtTicks >= s_topologyRebuildEvery.TotalMilliseconds))
        {
            _topologyVersion = _live.Version;
            _topologyHosts = hostCount;
            _topologyBuiltAtTicks = Environment.TickCount64;
            _topology = TopologyIndex.Build(FleetViewBuilder.Build(_live, _knownHosts), _dashboardOptions.CurrentValue.Inventory);
        }

        IReadOnlyList<TrackedFinding> findings = await _findings.LoadOpenAsync(ct);
        return new AlertInputs(AlertClock.Now(_clock), _live.Hosts.ToList(), _topology, _knownHosts, findings);
    }

    private void OnFindingsChanged(IReadOnlyList<FindingEvent> events)
    {
        if (events.Any(e => e.Change != FindingChange.Updated) && _wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        _evaluating.Dispose();
        base.Dispose();
    }
}
