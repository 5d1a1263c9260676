using System.Text.Json.Serialization.Metadata;
using Dashboard.Core.Batches;
using Dashboard.Core.Iptables;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Keepalived;
using Dashboard.Core.Nsx;
using Dashboard.Core.Ovs;

namespace Dashboard.Core.Parsing;

/// <summary>Every input format by its command-line name: what parses it and where its result goes in a batch.</summary>
public static class KnownFormats
{
    private static readonly Dictionary<string, Func<Stream, ParsedInput>> s_parsers = new(StringComparer.Ordinal);

    static KnownFormats()
    {
        // Type infos are looked up when a format is parsed: building all of them up front cost the CLI a few ms per run.
        var json = DashboardJsonContext.Default;
        Register("ipvsadm", static input => IpvsadmListParser.Parse(input), () => json.IpvsServiceTable, static (b, v) => IpvsOf(b).Services = v);
        Register("ipvsadm-conn", static input => IpvsadmConnectionParser.Parse(input), () => json.IpvsConnectionSummary, static (b, v) => IpvsOf(b).Connections = v, IpvsConnectionSummaryJsonWriter.Write);
        Register("proc-ip-vs", static input => ProcIpVsParser.Parse(input), () => json.IpvsServiceTable, static (b, v) => IpvsOf(b).Services = v);
        Register("proc-ip-vs-conn", static input => ProcIpVsConnParser.Parse(input), () => json.IpvsConnectionSummary, static (b, v) => IpvsOf(b).Connections = v, IpvsConnectionSummaryJsonWriter.Write);
        Register("proc-ip-vs-conn-sync", static input => ProcIpVsConnParser.Parse(input), () => json.IpvsConnectionSummary, static (b, v) => IpvsOf(b).Connections = v, IpvsConnectionSummaryJsonWriter.Write);
        Register("proc-ip-vs-stats", static input => ProcIpVsStatsParser.Parse(input), () => json.IpvsGlobalStats, static (b, v) => IpvsOf(b).Stats = v);
        Register("proc-ip-vs-stats-percpu", static input => ProcIpVsStatsParser.Parse(input), () => json.IpvsGlobalStats, static (b, v) => IpvsOf(b).Stats = v);
        Register("iptables-save", static input => IptablesSaveParser.Parse(input), () => json.IptablesDump, static (b, v) => (b.Iptables ??= []).Add(v), IptablesDumpJsonWriter.Write);
        Register("iptables-list", static input => IptablesListParser.Parse(input), () => json.IptablesDump, static (b, v) => (b.Iptables ??= []).Add(v), IptablesDumpJsonWriter.Write);
        Register("ovs-flows", static input => OvsFlowsParser.Parse(input), () => json.IptablesDump, static (b, v) => (b.Iptables ??= []).Add(v), IptablesDumpJsonWriter.Write);
        Register("nsx-filterstat", static input => NsxFilterStatParser.Parse(input), () => json.NsxFirewallStats, MergeNsx);
        Register("nsx-dvfilter", static input => NsxDvfilterParser.Parse(input), () => json.NsxFirewallStats, MergeNsx);
        Register("nsx-api", static input => NsxApiStatsParser.Parse(input), () => json.NsxFirewallStats, MergeNsx);
        Register("keepalived", static input => KeepalivedParser.Parse(input), () => json.KeepalivedState, static (b, v) => b.Keepalived = v);
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

    /// <param name="writeJson">Writes the same JSON as the serializer with <paramref name="typeInfo"/>, faster; null to use the serializer.</param>
    private static void Register<T>(string name, Func<Stream, ParseOutcome<T>> parse, Func<JsonTypeInfo<T>> typeInfo, Action<AgentBatch, T> addTo,
        Action<System.Text.Json.Utf8JsonWriter, T>? writeJson = null)
        where T : class =>
        s_parsers[name] = input =>
        {
            var outcome = parse(input);
            return new ParsedInput(name, outcome.Value, typeInfo, writeJson is null ? null : writer => writeJson(writer, outcome.Value),
                outcome.Diagnostics, outcome.LinesRead, outcome.HasUsableData, batch => addTo(batch, outcome.Value));
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
