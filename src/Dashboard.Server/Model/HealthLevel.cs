namespace Dashboard.Server.Model;

public enum HealthLevel
{
    Healthy,
    Warning,
    Critical,
    Stale,
}

/// <summary>Colour rules for a virtual service: a SYN_RECV pile-up is critical, a rising share a warning.</summary>
public static class VipHealth
{
    public const double CriticalRatio = 0.5;
    public const double WarningRatio = 0.2;
    public const long MinimumSynRecv = 5;

    public static HealthLevel Of(Live.VirtualServiceLive vip, bool silent)
    {
        if (silent)
        {
            return HealthLevel.Stale;
        }

        if (vip.SynRecv >= MinimumSynRecv && vip.SynRecvRatio >= CriticalRatio)
        {
            return HealthLevel.Critical;
        }

        if ((vip.SynRecv >= MinimumSynRecv && vip.SynRecvRatio >= WarningRatio) || vip.RealServersUp < vip.RealServers.Count)
        {
            return HealthLevel.Warning;
        }

        return HealthLevel.Healthy;
    }

    public static string CssClass(HealthLevel level) => level switch
    {
        HealthLevel.Critical => "health-critical",
        HealthLevel.Warning => "health-warning",
        HealthLevel.Stale => "health-stale",
        _ => "health-ok",
    };
}
