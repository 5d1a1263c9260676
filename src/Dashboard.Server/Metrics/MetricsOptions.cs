namespace Dashboard.Server.Metrics;

/// <summary>The "Dashboard:Metrics" section: the Prometheus page's extra listener and its series cap.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Dashboard:Metrics";

    /// <summary>Port of an extra listener serving /metrics without authentication, for scrapers in a trusted network; off when unset.</summary>
    public int? Port { get; set; }

    /// <summary>Address that listener binds (an IP address); every address when unset.</summary>
    public string? Address { get; set; }

    /// <summary>Most series of the live families (VIPs, real servers, rules, NSX filters) on one page; the rest are counted as dropped.</summary>
    public int MaxSeries { get; set; } = 50_000;
}
