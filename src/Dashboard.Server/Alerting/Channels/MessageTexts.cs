using Dashboard.Core.Diagnosis;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>The fixed words of chat messages in each channel language; data from the fleet stays as it was reported.</summary>
public sealed class MessageTexts
{
    public static readonly MessageTexts English = new()
    {
        Firing = "FIRING",
        Resolved = "RESOLVED",
        Repeat = "still firing",
        ResolvedCount = "{0} resolved",
        Digest = "DIGEST",
        DigestTitle = "{0} notifications folded into one (this channel's rate limit)",
        Where = "Where",
        Since = "Since",
        ResolvedAt = "Resolved",
        Value = "Value",
        Severity = "Severity",
        Evidence = "Evidence",
        LikelyCause = "Likely cause",
        AcknowledgedBy = "Acknowledged by {0}",
        More = "… and {0} more alerts, see the dashboard",
        Truncated = "… (cut to this chat's size limit, see the dashboard)",
        Open = "Open in the dashboard",
        TestTitle = "Test message",
        TestBody = "The LVS-DR health dashboard can post to channel {0}.",
        Director = "director",
        Vip = "VIP",
        RealServer = "real server",
        Hypervisor = "hypervisor",
        Port = "port/filter",
        Chain = "chain",
        Reason = "reason",
        Alerts = "{0} alerts",
        Explains = "Explains",
        Symptoms = "{0} symptoms: {1}",
        OneSymptom = "1 symptom: {1}",
        Threshold = "threshold",
        Seconds = "{0:0} s",
        SeverityNames = new Dictionary<string, string> { ["critical"] = "critical", ["warning"] = "warning", ["info"] = "info" },
        RuleTitles = new Dictionary<string, string>
        {
            [AlertRuleKinds.SynRecvRatio] = "SYN_RECV share too high",
            [AlertRuleKinds.DropRate] = "Firewall drops",
            [AlertRuleKinds.AgentSilent] = "Agent silent",
            [AlertRuleKinds.RealServerDown] = "Real server down (keepalived health check)",
        },
        FindingTitles = new Dictionary<string, string>
        {
            [FindingKinds.DrForwardDrop] = "DR forward drop: the hypervisor drops what the director forwards",
            [FindingKinds.RsIngressDrop] = "The real server's port drops VIP traffic",
            [FindingKinds.StatefulHalfFlowDrop] = "Stateful firewall drops DR half-flows",
            [FindingKinds.DirectorWideSynRecv] = "Every VIP of the director piles up in SYN_RECV",
            [FindingKinds.AgentSilent] = "Agent silent",
            [FindingKinds.CounterReset] = "Counter reset",
            [FindingKinds.StorageFull] = "Database disk below its free-space floor: ingest paused",
            [FindingKinds.CountersMissing] = "Counters missing: the firewall dump has no rule counters",
            [FindingKinds.ClockSkew] = "Agent clock ahead of the server",
            [FindingKinds.LimitReached] = "A configured limit refused data",
        },
    };

    public static readonly MessageTexts Chinese = new()
    {
        Firing = "告警",
        Resolved = "已恢复",
        Repeat = "仍在告警",
        ResolvedCount = "{0} 条已恢复",
        Digest = "汇总",
        DigestTitle = "{0} 条通知合并为一条（已达本频道的发送频率上限）",
        Where = "位置",
        Since = "开始时间",
        ResolvedAt = "恢复时间",
        Value = "当前值",
        Severity = "级别",
        Evidence = "证据",
        LikelyCause = "可能原因",
        AcknowledgedBy = "已由 {0} 确认",
        More = "……另有 {0} 条告警，请在看板中查看",
        Truncated = "……（超出本群消息长度限制，请在看板中查看）",
        Open = "在看板中打开",
        TestTitle = "测试消息",
        TestBody = "LVS-DR 健康看板可以向频道 {0} 发送消息。",
        Director = "调度器",
        Vip = "VIP",
        RealServer = "真实服务器",
        Hypervisor = "宿主机",
        Port = "端口/过滤器",
        Chain = "链",
        Reason = "原因",
        Alerts = "{0} 条告警",
        Explains = "解释",
        Symptoms = "{0} 个症状：{1}",
        OneSymptom = "1 个症状：{1}",
        Threshold = "阈值",
        Seconds = "{0:0} 秒",
        SeverityNames = new Dictionary<string, string> { ["critical"] = "严重", ["warning"] = "警告", ["info"] = "提示" },
        RuleTitles = new Dictionary<string, string>
        {
            [AlertRuleKinds.SynRecvRatio] = "SYN_RECV 占比过高",
            [AlertRuleKinds.DropRate] = "防火墙丢包",
            [AlertRuleKinds.AgentSilent] = "采集代理失联",
            [AlertRuleKinds.RealServerDown] = "真实服务器宕机（keepalived 健康检查）",
        },
        FindingTitles = new Dictionary<string, string>
        {
            [FindingKinds.DrForwardDrop] = "DR 转发被丢弃：宿主机丢弃了调度器转发的报文",
            [FindingKinds.RsIngressDrop] = "真实服务器端口丢弃 VIP 流量",
            [FindingKinds.StatefulHalfFlowDrop] = "有状态防火墙丢弃 DR 半连接流量",
            [FindingKinds.DirectorWideSynRecv] = "调度器的所有 VIP 堆积 SYN_RECV",
            [FindingKinds.AgentSilent] = "采集代理失联",
            [FindingKinds.CounterReset] = "计数器重置",
            [FindingKinds.StorageFull] = "数据库磁盘可用空间低于下限：已暂停接收数据",
            [FindingKinds.CountersMissing] = "计数缺失：防火墙规则导出不含计数器",
            [FindingKinds.ClockSkew] = "采集代理时钟超前于服务器",
            [FindingKinds.LimitReached] = "已达配置上限，数据被拒收",
        },
    };

    public required string Firing { get; init; }
    public required string Resolved { get; init; }
    public required string Repeat { get; init; }
    public required string ResolvedCount { get; init; }
    public required string Digest { get; init; }
    public required string DigestTitle { get; init; }
    public required string Where { get; init; }
    public required string Since { get; init; }
    public required string ResolvedAt { get; init; }
    public required string Value { get; init; }
    public required string Severity { get; init; }
    public required string Evidence { get; init; }
    public required string LikelyCause { get; init; }
    public required string AcknowledgedBy { get; init; }
    public required string More { get; init; }
    public required string Truncated { get; init; }
    public required string Open { get; init; }
    public required string TestTitle { get; init; }
    public required string TestBody { get; init; }
    public required string Director { get; init; }
    public required string Vip { get; init; }
    public required string RealServer { get; init; }
    public required string Hypervisor { get; init; }
    public required string Port { get; init; }
    public required string Chain { get; init; }
    public required string Reason { get; init; }
    public required string Alerts { get; init; }
    public required string Explains { get; init; }
    public required string Symptoms { get; init; }
    public required string OneSymptom { get; init; }
    public required string Threshold { get; init; }
    public required string Seconds { get; init; }
    public required IReadOnlyDictionary<string, string> SeverityNames { get; init; }
    public required IReadOnlyDictionary<string, string> RuleTitles { get; init; }
    public required IReadOnlyDictionary<string, string> FindingTitles { get; init; }

    public static MessageTexts For(string language) => language == ChannelLanguages.Chinese ? Chinese : English;
}
