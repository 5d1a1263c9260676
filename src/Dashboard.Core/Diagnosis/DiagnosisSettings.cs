namespace Dashboard.Core.Diagnosis;

/// <summary>Thresholds and durations; the defaults fit the seed incidents and ignore healthy churn.</summary>
public sealed class DiagnosisSettings
{
    /// <summary>SYN_RECV share of a real server's connections that counts as a pile-up (healthy DR: near 0).</summary>
    public double PileUpRatio { get; set; } = 0.5;

    /// <summary>Fewer SYN_RECV than this is churn, whatever the share.</summary>
    public long PileUpMinimum { get; set; } = 10;

    /// <summary>Share of a VIP's real servers that must pile up for "across the real servers".</summary>
    public double AcrossShare { get; set; } = 0.75;

    /// <summary>Drops per second on a drop rule that count as "rising".</summary>
    public double DropRate { get; set; } = 0.2;

    /// <summary>INVALID or state-mismatch drops per second on the director's port or vNIC.</summary>
    public double StatefulDropRate { get; set; } = 1.0;

    /// <summary>How long a condition must hold before a finding opens.</summary>
    public TimeSpan For { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a condition must be gone before a finding resolves (no flapping).</summary>
    public TimeSpan ResolveAfter { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan SilentAfter { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsPileUp(Ipvs.RealServerRow rs) => rs.SynRecv >= PileUpMinimum && rs.SynRecvRatio >= PileUpRatio;
}
