using System.Text.Json.Serialization.Metadata;
using Dashboard.Core.Batches;
using Dashboard.Core.Iptables;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Keepalived;
using Dashboard.Core.Nsx;

namespace Dashboard.Core.Parsing;

/// <summary>Every input format by its command-line name: what parses it and where its result goes in a batch.</summary>
public static class KnownFormats
{
    private static readonly Dictionary<string, Func<Stream, ParsedInput>> s_parsers = new(StringComparer.Ordinal);

    static KnownFormats()
    {
        // Type infos are looked up when a format is parsed: building all of them up front cost the CLI a few ms per run.
        var json = DashboardJsonContext.Default;
        Register("ipvsadm", IpvsadmListParser.Parse, () => json.IpvsServiceTable, static (b, v) => IpvsOf(b).Services = v);
        Register("ipvsadm-conn", IpvsadmConnectionParser.Parse, () => json.IpvsConnectionSummary, static (b, v) => IpvsOf(b).Connections = v);
        Register("proc-ip-vs", ProcIpVsParser.Parse, () => json.IpvsServiceTable, static (b, v) => IpvsOf(b).Services = v);
        Register("proc-ip-vs-conn", ProcIpVsConnParser.Parse, () => json.IpvsConnectionSummary, static (b, v) => IpvsOf(b).Connections = v);
        Register("proc-ip-vs-conn-sync", ProcIpVsConnParser.Parse, () => json.IpvsConnectionSummary, static (b, v) => IpvsOf(b).Connections = v);
        Register("proc-ip-vs-stats", ProcIpVsStatsParser.Parse, () => json.IpvsGlobalStats, static (b, v) => IpvsOf(b).Stats = v);
        Register("proc-ip-vs-stats-percpu", ProcIpVsStatsParser.Parse, () => json.IpvsGlobalStats, static (b, v) => IpvsOf(b).Stats = v);
        Register("iptables-save", IptablesSaveParser.Parse, () => json.IptablesDump, static (b, v) => (b.Iptables ??= []).Add(v));
        Register("iptables-list", IptablesListParser.Parse, () => json.IptablesDump, static (b, v) => (b.Iptables ??= []).Add(v));
        Register("nsx-filterstat", NsxFilterStatParser.Parse, () => json.NsxFirewallStats, MergeNsx);
        Register("nsx-dvfilter", NsxDvfilterParser.Parse, () => json.NsxFirewallStats, MergeNsx);
        Register("nsx-api", NsxApiStatsParser.Parse, () => json.NsxFirewallStats, MergeNsx);
        Register("keepalived", KeepalivedParser.Parse, () => json.KeepalivedState, static (b, v) => b.Keepalived = v);
    }

    public static IReadOnlyCollection<string> Names => s_parsers.Keys;

    public static bool TryParse(string format, Stream input, out ParsedInput? parsed)
    {
        if (!s_parsers.TryGetValue(format, out var parse))
        {
            parsed = null;
            return false;
        }

        parsed = parse(input);
        return true;
    }

    private static void Register<T>(string name, Func<Stream, ParseOutcome<T>> parse, Func<JsonTypeInfo<T>> typeInfo, Action<AgentBatch, T> addTo)
        where T : class =>
        s_parsers[name] = input =>
        {
            var outcome = parse(input);
            return new ParsedInput(name, outcome.Value, typeInfo(), outcome.Diagnostics, outcome.LinesRead, outcome.HasUsableData,
                batch => addTo(batch, outcome.Value));
        };

    internal static IpvsSnapshot IpvsOf(AgentBatch batch) => batch.Ipvs ??= new IpvsSnapshot();

    /// <summary>Counters and names of the same filter from several NSX sources end up on one filter.</summary>
    private static void MergeNsx(AgentBatch batch, NsxFirewallStats stats)
    {
        var target = batch.Nsx ??= new NsxFirewallStats();
        foreach (var filter in stats.Filters)
        {
            var existing = target.Filters.FirstOrDefault(f => f.Name == filter.Name);
            if (existing is null)
            {
                target.Filters.Add(filter);
                continue;
            }

            existing.WorldId ??= filter.WorldId;
            existing.VnicIndex ??= filter.VnicIndex;
            existing.Slot ??= filter.Slot;
            existing.VmName ??= filter.VmName;
            existing.Mac ??= filter.Mac;
            foreach (var (reason, value) in filter.Counters)
            {
                existing.Counters[reason] = value;
            }
        }

        target.Rules.AddRange(stats.Rules);
    }
}
