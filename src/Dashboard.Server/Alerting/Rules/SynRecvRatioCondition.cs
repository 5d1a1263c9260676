using System.Globalization;

namespace Dashboard.Server.Alerting.Rules;

/// <summary>SYN_RECV share above the threshold, per VIP or per real server, once there are enough SYN_RECV connections to matter.</summary>
public sealed class SynRecvRatioCondition : IAlertCondition
{
    public string Kind => AlertRuleKinds.SynRecvRatio;

    public IEnumerable<AlertCandidate> Evaluate(AlertRule rule, AlertInputs inputs)
    {
        var perRealServer = rule.Scope == AlertRuleKinds.ScopeRealServer;
        foreach (var host in inputs.Hosts)
        {
            foreach (var vs in host.Virtuals)
            {
                if (!perRealServer)
                {
                    if (vs.SynRecv >= rule.Minimum && vs.SynRecvRatio > rule.Threshold)
                    {
                        yield return Create(rule, host.Name, vs.Virtual, null, vs.SynRecv, vs.Connections, vs.SynRecvRatio,
                            $"{vs.RealServers.Count} real servers, {vs.RealServers.CountRows(r => r.SynRecvRatio > rule.Threshold)} above the threshold");
                    }

                    continue;
                }

                foreach (var rs in vs.RealServers.SamplesWhere(r => r.SynRecv >= rule.Minimum && r.SynRecvRatio > rule.Threshold))
                {
                    yield return Create(rule, host.Name, vs.Virtual, rs.Destination, rs.SynRecv, rs.Connections, rs.SynRecvRatio,
                        $"weight {rs.Weight?.ToString(CultureInfo.InvariantCulture) ?? "?"}, forwarding {rs.Forward ?? "?"}");
                }
            }
        }
    }

    private static AlertCandidate Create(AlertRule rule, string director, string vip, string? realServer, long synRecv, long connections, double ratio, string more)
    {
        var where = realServer is null ? $"VIP {vip} on {director}" : $"real server {realServer} of VIP {vip} on {director}";
        var share = Percent(ratio);
        return AlertCandidate.Create(
            rule,
            rule.Severity ?? AlertSeverities.Warning,
            [new(AlertLabels.Director, director), new(AlertLabels.Vip, vip), new(AlertLabels.RealServer, realServer)],
            AlertAnnotations.Of(
                $"SYN_RECV is {share} of the connections of {where} (threshold {Percent(rule.Threshold)})",
                $"SYN_RECV: {synRecv} of {connections} connections ({share}); {more}"),
            ratio);
    }

    public static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
