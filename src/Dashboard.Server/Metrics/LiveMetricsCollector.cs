using Dashboard.Core.Ipvs;
using Dashboard.Server.Live;

namespace Dashboard.Server.Metrics;

/// <summary>
/// The live families, read from the live store at scrape time: per VIP and real server the connections by state and the
/// SYN_RECV ratio, per drop rule and NSX filter reason the packet counters as the agents read them (a counter that goes
/// down is a reset, which Prometheus' rate() already handles). Whole entities are admitted in name order until the cap.
/// </summary>
public sealed class LiveMetricsCollector(LiveStore live)
{
    public const string Prefix = "lvs_dashboard_";

    public void Write(ExpositionWriter w, SeriesBudget budget)
    {
        var hosts = live.Hosts.OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
        var admittedHosts = hosts.Where(_ => budget.TryTake(2)).ToList();
        var vips = new List<(HostSnapshot Host, VirtualServiceLive Vip, StateCounts ByState)>();
        var realServers = new List<(HostSnapshot Host, VirtualServiceLive Vip, RealServerSample Server)>();
        var rules = new List<(HostSnapshot Host, RuleLive Rule)>();
        var filters = new List<(HostSnapshot Host, NsxFilterLive Filter, KeyValuePair<string, ulong>[] Reasons)>();
        foreach (var host in hosts)
        {
            foreach (var vip in host.Virtuals.OrderBy(v => v.Protocol, StringComparer.Ordinal).ThenBy(v => v.Virtual, StringComparer.Ordinal))
            {
                var byState = new StateCounts();
                foreach (var server in vip.RealServers)
                {
                    foreach (var (state, count) in server.ByState)
                    {
                        byState.Increase(state, count);
                    }
                }

                if (!budget.TryTake(2 + byState.Count))
                {
                    budget.TryTake(vip.RealServers.Sum(SeriesOf));
                    continue;
                }

                vips.Add((host, vip, byState));
                foreach (var server in vip.RealServers)
                {
                    if (budget.TryTake(SeriesOf(server)))
                    {
                        realServers.Add((host, vip, server));
                    }
                }
            }

            foreach (var rule in host.Rules.Where(IsDropRule).OrderBy(r => r.Rule.Identity, StringComparer.Ordinal))
            {
                if (budget.TryTake(2))
                {
                    rules.Add((host, rule));
                }
            }

            foreach (var filter in host.NsxFilters.OrderBy(f => f.Filter.Name, StringComparer.Ordinal))
            {
                var reasons = filter.Filter.Counters.Where(c => c.Key != "pass").ToArray();
                if (budget.TryTake(reasons.Length))
                {
                    filters.Add((host, filter, reasons));
                }
            }
        }

        WriteHosts(w, admittedHosts);
        WriteVips(w, vips);
        WriteRealServers(w, realServers);
        WriteRules(w, rules);
        WriteFilters(w, filters);
    }

    /// <summary>The rules the drops API lists by default: known drop kinds, and any DROP or REJECT.</summary>
    public static bool IsDropRule(RuleLive rule) => rule.Rule.DropKind is not null || rule.Rule.Target is "DROP" or "REJECT";

    private static int SeriesOf(RealServerSample server) =>
        server.ByState.Count + 2 + (server.Weight is null ? 0 : 1) + (server.ActiveConn is null ? 0 : 1) + (server.InActConn is null ? 0 : 1);

    private void WriteHosts(ExpositionWriter w, List<HostSnapshot> hosts)
    {
        w.Family(Prefix + "host_last_batch_timestamp_seconds", "gauge", "When the host's last batch was collected, Unix seconds.");
        foreach (var h in hosts)
        {
            w.Sample(Prefix + "host_last_batch_timestamp_seconds", h.CollectedAt.ToUnixTimeMilliseconds() / 1000.0, ("host", h.Name), ("role", h.Role));
        }

        w.Family(Prefix + "host_silent", "gauge", "1 when the host has not reported for longer than Dashboard:Live:SilentAfterSeconds.");
        foreach (var h in hosts)
        {
            w.Sample(Prefix + "host_silent", live.IsSilent(h) ? 1 : 0, ("host", h.Name));
        }
    }

    private static void WriteVips(ExpositionWriter w, List<(HostSnapshot Host, VirtualServiceLive Vip, StateCounts ByState)> vips)
    {
        const string connections = Prefix + "vip_connections";
        w.Family(connections, "gauge", "Connections of a virtual service by IPVS state, persistence templates excluded.");
        foreach (var (host, vip, byState) in vips)
        {
            foreach (var (state, count) in byState)
            {
                w.Sample(connections, count, ("director", host.Name), ("protocol", vip.Protocol), ("vip", vip.Virtual), ("state", state));
            }
        }

        const string ratio = Prefix + "vip_syn_recv_ratio";
        w.Family(ratio, "gauge", "SYN_RECV connections over all connections of the virtual service (0 when it has none).");
        foreach (var (host, vip, _) in vips)
        {
            w.Sample(ratio, vip.SynRecvRatio, ("director", host.Name), ("protocol", vip.Protocol), ("vip", vip.Virtual));
        }

        const string up = Prefix + "vip_real_servers_up";
        w.Family(up, "gauge", "Real servers of the virtual service with a weight above 0 (or not in the service table).");
        foreach (var (host, vip, _) in vips)
        {
            w.Sample(up, vip.RealServersUp, ("director", host.Name), ("protocol", vip.Protocol), ("vip", vip.Virtual));
        }
    }

    private static void WriteRealServers(ExpositionWriter w, List<(HostSnapshot Host, VirtualServiceLive Vip, RealServerSample Server)> servers)
    {
        const string connections = Prefix + "real_server_connections";
        w.Family(connections, "gauge", "Connections of a real server by IPVS state, persistence templates excluded.");
        foreach (var (host, vip, rs) in servers)
        {
            foreach (var (state, count) in rs.ByState)
            {
                w.Sample(connections, count, ("director", host.Name), ("protocol", vip.Protocol), ("vip", vip.Virtual), ("real_server", rs.Destination), ("state", state));
            }
        }

        const string ratio = Prefix + "real_server_syn_recv_ratio";
        w.Family(ratio, "gauge", "SYN_RECV connections over all connections of the real server: near 0 when DR works, near 1 when forwarded SYNs are dropped.");
        foreach (var (host, vip, rs) in servers)
        {
            w.Sample(ratio, rs.SynRecvRatio, ("director", host.Name), ("protocol", vip.Protocol), ("vip", vip.Virtual), ("real_server", rs.Destination));
        }

        const string templates = Prefix + "real_server_persistence_templates";
        w.Family(templates, "gauge", "Persistence templates bound to the real server.");
        foreach (var (host, vip, rs) in servers)
        {
            w.Sample(templates, rs.Templates, ("director", host.Name), ("protocol", vip.Protocol), ("vip", vip.Virtual), ("real_server", rs.Destination));
        }

        WriteOptional(w, Prefix + "real_server_weight", "Weight of the real server in the IPVS service table.", servers, rs => rs.Weight);
        WriteOptional(w, Prefix + "real_server_active_connections", "ActiveConn of the real server as ipvsadm lists it.", servers, rs => rs.ActiveConn);
        WriteOptional(w, Prefix + "real_server_inactive_connections", "InActConn of the real server as ipvsadm lists it.", servers, rs => rs.InActConn);
    }

    /// <summary>A value the agent did not report (a real server seen only in the connection table) has no series.</summary>
    private static void WriteOptional(ExpositionWriter w, string name, string help,
        List<(HostSnapshot Host, VirtualServiceLive Vip, RealServerSample Server)> servers, Func<RealServerSample, long?> value)
    {
        w.Family(name, "gauge", help);
        foreach (var (host, vip, rs) in servers)
        {
            if (value(rs) is { } v)
            {
                w.Sample(name, v, ("director", host.Name), ("protocol", vip.Protocol), ("vip", vip.Virtual), ("real_server", rs.Destination));
            }
        }
    }

    private static void WriteRules(ExpositionWriter w, List<(HostSnapshot Host, RuleLive Rule)> rules)
    {
        const string packets = Prefix + "neutron_rule_packets_total";
        w.Family(packets, "counter", "Packets matched by a dropping iptables rule (Neutron anti-spoof, INVALID, fallback, any DROP/REJECT), as iptables counts them.");
        foreach (var (host, r) in rules)
        {
            w.Sample(packets, r.Packets, RuleLabels(host, r));
        }

        const string bytes = Prefix + "neutron_rule_bytes_total";
        w.Family(bytes, "counter", "Bytes matched by a dropping iptables rule, as iptables counts them.");
        foreach (var (host, r) in rules)
        {
            w.Sample(bytes, r.Bytes, RuleLabels(host, r));
        }
    }

    private static (string, string?)[] RuleLabels(HostSnapshot host, RuleLive r) =>
    [
        ("hypervisor", host.Name), ("namespace", r.Rule.Namespace), ("table", r.Rule.Table), ("chain", r.Rule.Chain), ("rule", r.Rule.Identity),
        ("drop_kind", r.Rule.DropKind), ("port", r.Rule.NeutronPort), ("direction", r.Rule.NeutronDirection),
    ];

    private static void WriteFilters(ExpositionWriter w, List<(HostSnapshot Host, NsxFilterLive Filter, KeyValuePair<string, ulong>[] Reasons)> filters)
    {
        const string packets = Prefix + "nsx_filter_packets_total";
        w.Family(packets, "counter", "Packets an NSX distributed-firewall filter counted per reason except pass; reason drop is the total of which the others are parts.");
        foreach (var (host, f, reasons) in filters)
        {
            foreach (var (reason, count) in reasons)
            {
                w.Sample(packets, count, ("hypervisor", host.Name), ("filter", f.Filter.Name), ("vm", f.Filter.VmName),
                    ("vnic", f.Filter.VnicIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("reason", reason));
            }
        }
    }
}
