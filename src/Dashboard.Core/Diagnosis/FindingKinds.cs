namespace Dashboard.Core.Diagnosis;

/// <summary>The failures the dashboard knows by name.</summary>
public static class FindingKinds
{
    public const string DrForwardDrop = "dr-forward-drop";
    public const string RsIngressDrop = "rs-ingress-drop";
    public const string StatefulHalfFlowDrop = "stateful-half-flow-drop";
    public const string DirectorWideSynRecv = "director-wide-synrecv";
    public const string AgentSilent = "agent-silent";
    public const string CounterReset = "counter-reset";
    public const string StorageFull = "storage-full";

    public const string CountersMissing = "counters-missing";

    public const string ClockSkew = "clock-skew";
    public const string LimitReached = "limit-reached";

    public static readonly string[] All =
        [DrForwardDrop, RsIngressDrop, StatefulHalfFlowDrop, DirectorWideSynRecv, AgentSilent, CounterReset, StorageFull, CountersMissing, ClockSkew, LimitReached];
}

public enum FindingSeverity
{
    Info,
    Warning,
    Critical,
}
