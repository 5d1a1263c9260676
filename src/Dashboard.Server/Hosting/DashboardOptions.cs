namespace Dashboard.Server.Hosting;

/// <summary>The "Dashboard" configuration section.</summary>
public sealed class DashboardOptions
{
    /// <summary>Folder of the embedded PostgreSQL cluster; default under the user's local data folder.</summary>
    public string? DataDir { get; set; }

    /// <summary>Serve with simulated directors and hypervisors replaying the seed incidents.</summary>
    public bool Demo { get; set; }

    /// <summary>postgresql.conf settings for the embedded PostgreSQL (name → value), over the launcher's own; ignored with a connection string.</summary>
    public Dictionary<string, string> EmbeddedPostgresSettings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Base address used in links sent to chat (defaults to the first listening address).</summary>
    public string? PublicUrl { get; set; }

    public AuthOptions Auth { get; set; } = new();
    public IngestOptions Ingest { get; set; } = new();
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>The free-space floor of the database's file system.</summary>
    public StorageOptions Storage { get; set; } = new();

    public LiveOptions Live { get; set; } = new();
    public LimitsOptions Limits { get; set; } = new();
    public DatabaseOptions Database { get; set; } = new();

    public WallOptions Wall { get; set; } = new();

    /// <summary>Thresholds and durations of the known-failure rules.</summary>
    public Core.Diagnosis.DiagnosisSettings Diagnosis { get; set; } = new();

    /// <summary>What cannot be inferred: which VM sits on which port or NSX filter.</summary>
    public Core.Diagnosis.Inventory Inventory { get; set; } = new();

    /// <summary>Chat channels, rule overrides, grouping and delivery of alerts.</summary>
    public Alerting.AlertingOptions Alerting { get; set; } = new();

    /// <summary>The Prometheus page: an optional unauthenticated listener and the series cap.</summary>
    public Metrics.MetricsOptions Metrics { get; set; } = new();
}

public sealed class AuthOptions
{
    /// <summary>Role given to people who have not logged in (viewer), or none; as Grafana's anonymous access.</summary>
    public string? AnonymousRole { get; set; }

    /// <summary>Refuse agent tokens made before host scopes until `token bind NAME --host …` binds them (the end of the migration).</summary>
    public bool RequireBoundTokens { get; set; }

    /// <summary>Proxies whose X-Forwarded-For/-Proto are believed (addresses), so client limits and Secure cookies work behind TLS.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of such proxies, in CIDR notation (10.0.0.0/8).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Login attempts one client address may make per minute before 429.</summary>
    public int MaxLoginsPerMinutePerAddress { get; set; } = 10;

    /// <summary>Seconds between checks that a signed-in person's session, or a wall's token, is still valid in an open page.</summary>
    public int RevalidateSeconds { get; set; } = 5;
}

public sealed class IngestOptions
{
    /// <summary>Largest accepted body after decompression.</summary>
    public long MaxBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Pushes per minute one token may make before 429.</summary>
    public int MaxRequestsPerMinutePerToken { get; set; } = 120;

    /// <summary>Seconds an agent is told to wait (Retry-After) while the database is unreachable or the server is saturated.</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>Batches written at once; beyond it pushes wait briefly, then get 503 so agents spool instead of piling up.</summary>
    public int MaxConcurrentWrites { get; set; } = Math.Max(4, 2 * Environment.ProcessorCount);

    /// <summary>Seconds a batch's collectedAt may lie ahead of receipt; beyond, it is stored as of receipt and a clock-skew finding names the host.</summary>
    public int ClockSkewToleranceSeconds { get; set; } = 30;

    /// <summary>Failed bearer authentications one client address may make per minute before 429, checked before any database look-up.</summary>
    public int MaxFailedAuthPerMinutePerAddress { get; set; } = 30;
}

public sealed class RetentionOptions
{
    /// <summary>Every push is kept this long (the window of an incident and its postmortem).</summary>
    public int RawHours { get; set; } = 48;

    /// <summary>One-minute rollups are kept this long.</summary>
    public int MinuteDays { get; set; } = 30;

    /// <summary>One-hour rollups are kept this long.</summary>
    public int HourDays { get; set; } = 400;

    /// <summary>
    /// Past this size of the database (GB, 0 for no bound), the oldest partition of the finest tier that has more than the
    /// current one goes first, as Prometheus' retention.size does.
    /// </summary>
    public double MaxDatabaseGB { get; set; }

    /// <summary>Daily partitions created ahead of today.</summary>
    public int PartitionsAhead { get; set; } = 3;
}

public sealed class LiveOptions
{
    /// <summary>Least time between two UI refreshes of one view; batches arriving faster are coalesced.</summary>
    public int MinRefreshMilliseconds { get; set; } = 250;

    /// <summary>Seconds without a batch after which a host counts as silent.</summary>
    public int SilentAfterSeconds { get; set; } = 30;
}

public sealed class WallOptions
{
    /// <summary>Seconds each page of the wall display stays before it rotates to the next.</summary>
    public int RotateSeconds { get; set; } = 15;

    /// <summary>Pages of the rotation, each a title and the directors it shows; empty: one page per director.</summary>
    public List<WallPage> Playlist { get; set; } = [];
}

public sealed class WallPage
{
    public string Title { get; set; } = "";
    public List<string> Directors { get; set; } = [];
}

public sealed class LimitsOptions
{
    /// <summary>Hosts the live store holds; a new host past it is refused with 429 (Dashboard:Limits:MaxHosts), never dropped silently.</summary>
    public int MaxHosts { get; set; } = 5000;

    /// <summary>Distinct hosts one token may send for (a pattern or list token), as Mimir's per-tenant series limit.</summary>
    public int MaxHostsPerToken { get; set; } = 1000;

    /// <summary>Rows (real servers, rules, filters…) one batch may carry, as Prometheus' sample_limit; past it 400.</summary>
    public int MaxRowsPerBatch { get; set; } = 500_000;
}

public sealed class DatabaseOptions
{
    /// <summary>Seconds the database may stay unreachable before /healthz answers 503, so a supervisor restarts the server.</summary>
    public int UnhealthyAfterSeconds { get; set; } = 120;
}
