namespace Dashboard.Server.Alerting;

/// <summary>What a rule watches.</summary>
public static class AlertRuleKinds
{
    /// <summary>A diagnosis finding of one kind: opening fires, resolving resolves.</summary>
    public const string Finding = "finding";

    /// <summary>SYN_RECV share of a VIP's or real server's connections above a threshold.</summary>
    public const string SynRecvRatio = "syn-recv-ratio";

    /// <summary>Drops per second above a threshold, per rule, chain, known drop kind or NSX reason.</summary>
    public const string DropRate = "drop-rate";

    /// <summary>No batch from a host for more than the threshold in seconds.</summary>
    public const string AgentSilent = "agent-silent";

    /// <summary>keepalived's health check marks a real server down.</summary>
    public const string RealServerDown = "real-server-down";

    public static readonly string[] All = [Finding, SynRecvRatio, DropRate, AgentSilent, RealServerDown];

    public const string ScopeVip = "vip";
    public const string ScopeRealServer = "real-server";
    public static readonly string[] Scopes = [ScopeVip, ScopeRealServer];

    public const string SelectDropKind = "drop-kind";
    public const string SelectChain = "chain";
    public const string SelectRule = "rule";
    public const string SelectNsxReason = "nsx-reason";
    public static readonly string[] Selectors = [SelectDropKind, SelectChain, SelectRule, SelectNsxReason];

    /// <summary>Kinds whose data lives in the in-memory live store, which is empty right after a restart.</summary>
    public static bool NeedsLiveData(string kind) => kind is SynRecvRatio or DropRate or RealServerDown;
}
