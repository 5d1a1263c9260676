namespace Dashboard.Agent.Configuration;

/// <summary>Everything the agent is configured with: the JSON file, then DASHBOARD_AGENT__ variables, then flags.</summary>
public sealed class AgentOptions
{
    public const int DefaultIntervalSeconds = 5;
    public const string DefaultSpoolDirectory = "/var/lib/dashboard-agent/spool";
    public const long DefaultSpoolMaxBytes = 64L * 1024 * 1024;
    public const int DefaultSpoolMaxAgeHours = 24;

    /// <summary>Base URL of the dashboard server; batches go to {Server}/api/v1/ingest.</summary>
    public Uri? Server { get; set; }

    /// <summary>Agent token; prefer <see cref="TokenFile"/> so it stays out of the process environment and the config file.</summary>
    public string? Token { get; set; }

    public string? TokenFile { get; set; }

    public string Host { get; set; } = Environment.MachineName;

    public int IntervalSeconds { get; set; } = DefaultIntervalSeconds;

    public string SpoolDirectory { get; set; } = DefaultSpoolDirectory;

    public long SpoolMaxBytes { get; set; } = DefaultSpoolMaxBytes;

    public int SpoolMaxAgeHours { get; set; } = DefaultSpoolMaxAgeHours;

    public PushOptions Push { get; set; } = new();

    public CollectorsOptions Collectors { get; set; } = new();

    public TimeSpan Interval => TimeSpan.FromSeconds(IntervalSeconds);

    /// <summary>How long a collector may take: one interval, but never so long that a stop waits minutes for it.</summary>
    public TimeSpan CollectTimeout => TimeSpan.FromSeconds(Math.Min(IntervalSeconds, 30));

    public TimeSpan SpoolMaxAge => TimeSpan.FromHours(SpoolMaxAgeHours);

    /// <summary>
    /// The most one pass of `run` can take when the server answers slowly: the wait, the collectors, a spool replay (one
    /// interval, plus the push under way when it ends) and the new batch's push, each push with every retry and timeout.
    /// </summary>
    public TimeSpan LongestCycle
    {
        get
        {
            var push = TimeSpan.FromSeconds((Push.MaxRetries + 1) * (long)Push.RequestTimeoutSeconds + Push.MaxRetries * (long)Push.MaxRetryDelaySeconds);
            return Interval + CollectTimeout + Interval + push + push;
        }
    }
}
