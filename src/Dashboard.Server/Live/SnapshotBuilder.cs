using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Rates;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Live;

/// <summary>Turns a batch into a host snapshot, deriving rates from the previous snapshot of the same host.</summary>
public static class SnapshotBuilder
{
    public static HostSnapshot Build(AgentBatch batch, string role, DateTimeOffset receivedAt, HostSnapshot? previous)
    {
        var elapsed = previous is null ? TimeSpan.Zero : batch.CollectedAt - previous.CollectedAt;
        var reset = false;

        var virtuals = BuildVirtuals(batch.Ipvs, previous, elapsed, ref reset);
        var rules = BuildRules(batch, previous, elapsed, ref reset);
        var filters = BuildFilters(batch, previous, elapsed, ref reset);

        return new HostSnapshot(
            batch.Host,
            role,
            batch.Sequence,
            batch.CollectedAt,
            receivedAt,
            virtuals,
            batch.Ipvs?.Connections?.TopSynRecvSources ?? [],
            rules,
            batch.Iptables?.SelectMany(d => d.NeutronPorts).ToList() ?? [],
            filters,
            batch.Keepalived?.Instances ?? [],
            batch.Keepalived?.RealServers ?? [],
            reset);
    }

    private static List<VirtualServiceLive> BuildVirtuals(IpvsSnapshot? ipvs, HostSnapshot? previous, TimeSpan elapsed, ref bool reset)
    {
        if (ipvs is null)
        {
            return [];
        }

        var services = (ipvs.Services?.Services ?? []).ToDictionary(s => (s.Protocol, s.Virtual ?? $"FWM:{s.FirewallMark}"));
        var before = previous?.Virtuals.ToDictionary(v => (v.Protocol, v.Virtual));
        var result = new List<VirtualServiceLive>();
        foreach (var group in RealServerSample.Join(ipvs.Services, ipvs.Connections).GroupBy(r => (r.Protocol, r.Virtual)))
        {
            services.TryGetValue(group.Key, out var service);
            var counter = service?.Stats?.Connections;
            double? cps = service?.Rates is { } rates ? rates.ConnectionsPerSecond : null;
            if (cps is null && counter is { } now && before?.GetValueOrDefault(group.Key)?.ConnectionsCounter is { } then && elapsed > TimeSpan.Zero)
            {
                cps = CounterMath.Rate(then, now, elapsed, out var wasReset);
                reset |= wasReset;
            }

            result.Add(new VirtualServiceLive(group.Key.Protocol, group.Key.Item2, service?.Scheduler, cps, counter, group.ToList()));
        }

        foreach (var (key, service) in services)
        {
            if (!result.Any(v => v.Protocol == key.Protocol && v.Virtual == key.Item2))
            {
                result.Add(new VirtualServiceLive(key.Protocol, key.Item2, service.Scheduler, null, service.Stats?.Connections, []));
            }
        }

        result.Sort(static (a, b) => string.CompareOrdinal(a.Virtual, b.Virtual));
        return result;
    }

    private static List<RuleLive> BuildRules(AgentBatch batch, HostSnapshot? previous, TimeSpan elapsed, ref bool reset)
    {
        if (batch.Iptables is not { Count: > 0 })
        {
            return [];
        }

        var before = previous?.Rules.ToDictionary(r => (r.Rule.Namespace, r.Rule.Identity), r => r.Rule);
        var result = new List<RuleLive>();
        foreach (var rule in IptablesSampleWriter.Flatten(batch.Iptables))
        {
            double packetsRate = 0, bytesRate = 0;
            var wasReset = false;
            if (before?.GetValueOrDefault((rule.Namespace, rule.Identity)) is { } then && elapsed > TimeSpan.Zero)
            {
                packetsRate = CounterMath.Rate(then.Packets, rule.Packets, elapsed, out wasReset);
                bytesRate = CounterMath.Rate(then.Bytes, rule.Bytes, elapsed, out _);
            }

            reset |= wasReset;
            result.Add(new RuleLive(rule, packetsRate, bytesRate, wasReset));
        }

        return result;
    }

    private static List<NsxFilterLive> BuildFilters(AgentBatch batch, HostSnapshot? previous, TimeSpan elapsed, ref bool reset)
    {
        if (batch.Nsx is null)
        {
            return [];
        }

        var before = previous?.NsxFilters.ToDictionary(f => f.Filter.Name, f => f.Filter);
        var result = new List<NsxFilterLive>();
        foreach (var filter in batch.Nsx.Filters.DistinctBy(f => f.Name))
        {
            var rates = new Dictionary<string, double>(StringComparer.Ordinal);
            var filterReset = false;
            var then = before?.GetValueOrDefault(filter.Name);
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
