using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Rates;
using Dashboard.Server.Ingest;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Live;

/// <summary>Turns a batch into a host snapshot, deriving rates from the previous snapshot of the same host.</summary>
public static class SnapshotBuilder
{
    public static HostSnapshot Build(NormalizedBatch rows, string role, DateTimeOffset receivedAt, HostSnapshot? previous)
    {
        var batch = rows.Batch;
        var reset = false;
        var times = previous?.Sections ?? SectionTimes.None;
        TimeSpan Since(DateTimeOffset? then) => then is { } t ? batch.CollectedAt - t : TimeSpan.Zero;

        // A host posting raw outputs sends one section per request: sections it did not send this time are kept.
        var virtuals = batch.Ipvs is null ? previous?.Virtuals ?? [] : BuildVirtuals(batch.Ipvs, rows.RealServers, previous, Since(times.Ipvs), ref reset);
        var rules = batch.Iptables is null ? previous?.Rules ?? [] : BuildRules(rows.Rules, previous, Since(times.Iptables), ref reset);
        var filters = batch.Nsx is null ? previous?.NsxFilters ?? [] : BuildFilters(batch, previous, Since(times.Nsx), ref reset);

        return new HostSnapshot(
            batch.Host,
            role,
            batch.Sequence,
            batch.CollectedAt,
            receivedAt,
            virtuals,
            batch.Ipvs is null ? previous?.TopSynRecvSources ?? [] : batch.Ipvs.Connections?.TopSynRecvSources ?? [],
            rules,
            batch.Iptables is null ? previous?.NeutronPorts ?? [] : SnapshotReuse.Ports(batch.Iptables.SelectMany(d => d.NeutronPorts), previous?.NeutronPorts ?? []),
            filters,
            batch.Keepalived is null ? previous?.Vrrp ?? [] : batch.Keepalived.Instances,
            batch.Keepalived is null ? previous?.HealthChecks ?? [] : batch.Keepalived.RealServers,
            reset,
            new SectionTimes(
                batch.Ipvs is null ? times.Ipvs : batch.CollectedAt,
                batch.Iptables is null ? times.Iptables : batch.CollectedAt,
                batch.Nsx is null || NamesOnly(batch.Nsx) ? times.Nsx : batch.CollectedAt))
        {
            RulesWithoutCounters = batch.Iptables is null ? previous?.RulesWithoutCounters ?? 0 : batch.Iptables.Sum(d => d.RulesWithoutCounters),
        };
    }

    private static List<VirtualServiceLive> BuildVirtuals(IpvsSnapshot ipvs, IReadOnlyList<RealServerSample> realServers, HostSnapshot? previous,
        TimeSpan elapsed, ref bool reset)
    {
        var services = (ipvs.Services?.Services ?? []).ToDictionary(s => (s.Protocol, s.Virtual ?? $"FWM:{s.FirewallMark}"));
        var before = previous?.Virtuals.ToDictionary(v => (v.Protocol, v.Virtual));
        var result = new List<VirtualServiceLive>();
        foreach (var group in realServers.GroupBy(r => (r.Protocol, r.Virtual)))
        {
            services.TryGetValue(group.Key, out var service);
            var counter = service?.Stats?.Connections;
            double? cps = service?.Rates is { } rates ? rates.ConnectionsPerSecond : null;
            var earlier = before?.GetValueOrDefault(group.Key);
            if (cps is null && counter is { } now && earlier?.ConnectionsCounter is { } then && elapsed > TimeSpan.Zero)
            {
                cps = CounterMath.Rate(then, now, elapsed, out var wasReset);
                reset |= wasReset;
            }

            var (protocol, virtualText) = (earlier?.Protocol ?? group.Key.Protocol, earlier?.Virtual ?? group.Key.Item2);
            result.Add(new VirtualServiceLive(protocol, virtualText,
                earlier is not null && earlier.Scheduler == service?.Scheduler ? earlier.Scheduler : service?.Scheduler, cps, counter,
                RealServerTable.Create(protocol, virtualText, group, earlier?.RealServers)));
        }

        foreach (var (key, service) in services)
        {
            if (!result.Any(v => v.Protocol == key.Protocol && v.Virtual == key.Item2))
            {
                result.Add(new VirtualServiceLive(key.Protocol, key.Item2, service.Scheduler, null, service.Stats?.Connections,
                    RealServerTable.Create(key.Protocol, key.Item2, [], null)));
            }
        }

        result.Sort(static (a, b) => string.CompareOrdinal(a.Virtual, b.Virtual));
        return result;
    }

    private static List<RuleLive> BuildRules(IReadOnlyList<FlatRule> rules, HostSnapshot? previous, TimeSpan elapsed, ref bool reset)
    {
        if (rules.Count == 0)
        {
            return [];
        }

        var earlier = previous?.Rules ?? [];
        Dictionary<(string, string), RuleLive>? byIdentity = null;
        var result = new List<RuleLive>(rules.Count);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            // Rules come in the order iptables-save printed them, so the same position matches unless chains changed.
            var then = i < earlier.Count && earlier[i].Rule.Identity == rule.Text.Identity && earlier[i].Rule.Namespace == rule.Text.Namespace
                ? earlier[i]
                : (byIdentity ??= ByIdentity(earlier)).GetValueOrDefault((rule.Text.Namespace, rule.Text.Identity));
            if (then is { PacketsPerSecond: 0, BytesPerSecond: 0, Reset: false } && then.Packets == rule.Packets && then.Bytes == rule.Bytes
                && elapsed > TimeSpan.Zero && then.Rule == rule.Text)
            {
                // An idle rule: the previous push's object says the same, and keeping it keeps nothing new alive.
                result.Add(then);
                continue;
            }

            double packetsRate = 0, bytesRate = 0;
            var wasReset = false;
            if (then is not null && elapsed > TimeSpan.Zero)
            {
                packetsRate = CounterMath.Rate(then.Packets, rule.Packets, elapsed, out wasReset);
                bytesRate = CounterMath.Rate(then.Bytes, rule.Bytes, elapsed, out _);
            }

            reset |= wasReset;
            result.Add(new RuleLive(SnapshotReuse.Rule(rule, then?.Rule), rule.Packets, rule.Bytes, packetsRate, bytesRate, wasReset));
        }

        return result;
    }

    private static Dictionary<(string, string), RuleLive> ByIdentity(IReadOnlyList<RuleLive> rules)
    {
        var byIdentity = new Dictionary<(string, string), RuleLive>(rules.Count);
        foreach (var rule in rules)
        {
            byIdentity[(rule.Rule.Namespace, rule.Rule.Identity)] = rule;
        }

        return byIdentity;
    }

    private static bool NamesOnly(Core.Nsx.NsxFirewallStats nsx) => nsx.Filters.Count > 0 && nsx.Filters.All(f => f.Counters.Count == 0) && nsx.Rules.Count == 0;

    private static List<NsxFilterLive> BuildFilters(AgentBatch batch, HostSnapshot? previous, TimeSpan elapsed, ref bool reset)
    {
        if (batch.Nsx is null)
        {
            return [];
        }

        var before = previous?.NsxFilters.ToDictionary(f => f.Filter.Name, f => f.Filter);
        if (NamesOnly(batch.Nsx) && previous is { NsxFilters.Count: > 0 })
        {
            // summarize-dvfilter names VMs and carries no counters: name the known filters, keep their counters and rates.
            var names = batch.Nsx.Filters.ToDictionary(f => f.Name, f => f);
            foreach (var known in previous.NsxFilters)
            {
                if (names.TryGetValue(known.Filter.Name, out var named))
                {
                    known.Filter.VmName = named.VmName ?? known.Filter.VmName;
                    known.Filter.VnicIndex ??= named.VnicIndex;
                }
            }

            return [.. previous.NsxFilters];
        }

        var result = new List<NsxFilterLive>();
        foreach (var filter in batch.Nsx.Filters.DistinctBy(f => f.Name))
        {
            var rates = new Dictionary<string, double>(StringComparer.Ordinal);
            var filterReset = false;
            var then = before?.GetValueOrDefault(filter.Name);
            // getfilterstat does not name the VM; summarize-dvfilter did, earlier.
            filter.VmName ??= then?.VmName;
            filter.VnicIndex ??= then?.VnicIndex;
            foreach (var (reason, value) in filter.Counters)
            {
                // NSX omits zero counters, so a reason missing last time was zero then.
                var previousValue = then is null ? value : then.Counters.GetValueOrDefault(reason);
                rates[reason] = elapsed > TimeSpan.Zero ? CounterMath.Rate(previousValue, value, elapsed, out var r) : 0;
                filterReset |= elapsed > TimeSpan.Zero && value < previousValue;
            }

            reset |= filterReset;
            result.Add(new NsxFilterLive(filter, rates, filterReset));
        }

        return result;
    }
}
