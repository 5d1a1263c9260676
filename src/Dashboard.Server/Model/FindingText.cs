using System.Text.RegularExpressions;
using Dashboard.Server.Alerting.Rules;
using Dashboard.Server.Api;
using Microsoft.Extensions.Localization;

namespace Dashboard.Server.Model;

/// <summary>A finding in the viewer's language: its title, summary, evidence, commands and remediation.</summary>
public sealed record LocalizedFinding(string Title, string Summary, IReadOnlyList<EvidenceView> Evidence, IReadOnlyList<string> Commands, string Remediation);

/// <summary>
/// Renders the diagnosis' findings (written once, in English, by Dashboard.Core and stored so) in the viewer's language:
/// each known sentence shape is matched and its parts (hosts, ports, numbers) re-set in the resource's format.
/// A sentence of no known shape is shown as written, never dropped.
/// </summary>
public static partial class FindingText
{
    private static readonly (Regex Shape, string Key)[] s_sentences =
    [
        (DrForwardSummary(), "FindingSummary_DrForward"),
        (RsIngressSummary(), "FindingSummary_RsIngress"),
        (NsxHalfFlowSummary(), "FindingSummary_NsxHalfFlow"),
        (NeutronHalfFlowSummary(), "FindingSummary_NeutronHalfFlow"),
        (DirectorWideSummary(), "FindingSummary_DirectorWide"),
        (AgentSilentSummary(), "FindingSummary_AgentSilent"),
        (CounterResetSummary(), "FindingSummary_CounterReset"),
        (new("^database disk below its free-space floor: (\\d+) MiB free, floor (\\d+) MiB: ingest answers 503 and the agents spool until space is back$"), "FindingSummary_StorageFull"),
        (new("^(\\S+): counters missing — (\\d+) firewall rules came without packet counters, so their drops cannot be seen$"), "FindingSummary_CountersMissing"),
        (new("^(\\S+)'s clock is (-?\\d+) s ahead of the server$"), "FindingSummary_ClockSkew"),
        // Summaries of the alerts that watch numbers rather than findings (Alerting/Rules).
        (new("^SYN_RECV is (\\S+) of the connections of real server (\\S+) of VIP (\\S+) on (\\S+) \\(threshold (\\S+)\\)$"), "AlertSummary_RealServerSynRecv"),
        (new("^SYN_RECV is (\\S+) of the connections of VIP (\\S+) on (\\S+) \\(threshold (\\S+)\\)$"), "AlertSummary_VipSynRecv"),
        (new("^(\\S+) dropped by (\\S+) #(\\d+) on (\\S+) \\(threshold (\\S+)\\)$"), "AlertSummary_RuleDrops"),
        (new("^(\\S+) dropped in chain (\\S+) on (\\S+) \\(threshold (\\S+)\\)$"), "AlertSummary_ChainDrops"),
        (new("^NSX filter (\\S+) on (\\S+) drops (\\S+) as (\\S+) \\(threshold (\\S+)\\)$"), "AlertSummary_NsxDrops"),
        (new("^keepalived on (\\S+) marks real server (\\S+) of (\\S+) (\\S+) down$"), "AlertSummary_RealServerDown"),
        (new("^(\\S+) \\((\\S+)\\) has sent nothing for (\\d+) s \\(threshold (\\d+) s\\)$"), "AlertSummary_AgentSilent"),
    ];

    private static readonly (Regex Shape, string Key)[] s_labels =
    [
        (new("^SYN_RECV on (\\S+)$"), "Evidence_SynRecvOn"),
        (new("^SYN_RECV from (\\S+)$"), "Evidence_SynRecvFrom"),
    ];

    /// <summary>Evidence labels the rules write as fixed words: looked up, not matched.</summary>
    private static readonly Dictionary<string, string> s_fixedLabels = new(StringComparer.Ordinal)
    {
        ["Piled-up real servers"] = "Evidence_PiledUp",
        ["Director port"] = "Evidence_DirectorPort",
        ["Real server port"] = "Evidence_RealServerPort",
        ["Other real servers of the VIP"] = "Evidence_OtherRealServers",
        ["state-mismatch drops"] = "Evidence_StateMismatch",
        ["Filter"] = "Evidence_Filter",
        ["Connections of the VIP"] = "Evidence_VipConnections",
        ["Hypervisor ports checked"] = "Evidence_PortsChecked",
        ["Last batch"] = "Evidence_LastBatch",
        ["Silent for"] = "Evidence_SilentFor",
        ["Detected at"] = "Evidence_DetectedAt",
        ["Free"] = "Evidence_Free",
        ["Floor"] = "Evidence_Floor",
        ["File system of"] = "Evidence_FileSystemOf",
        ["Host"] = "Evidence_Host",
        ["Clock offset"] = "Evidence_ClockOffset",
        ["Rules without counters"] = "Evidence_RulesWithoutCounters",
        ["Drop rules with counters"] = "Evidence_DropRulesWithCounters",
        ["Scope"] = "Evidence_Scope",
        ["Director filter"] = "Evidence_DirectorFilter",
        ["Virtual services"] = "Evidence_VirtualServices",
    };

    private static readonly (Regex Shape, string Key)[] s_values =
    [
        (new("^(\\d+) of (\\d+) connections \\(([^)]+)\\)$"), "EvidenceValue_OfConnections"),
        (new("^(.+) — (\\S+), (\\d+) packets in total$"), "EvidenceValue_RuleRate"),
        (new("^(\\d+) connections$"), "EvidenceValue_Connections"),
        (new("^(\\d+) of (\\d+) \\((.+?) of (\\d+) connections in SYN_RECV\\)$"), "EvidenceValue_PiledUp"),
        (new("^(\\d+) of (\\d+) without a pile-up$"), "EvidenceValue_Healthy"),
        (new("^(\\S+), (\\d+) in total$"), "EvidenceValue_RateTotal"),
        (new("^(\\S+) \\(VM (.+), vNIC (\\S+)\\) on (\\S+)$"), "EvidenceValue_Filter"),
        (new("^(\\d+) \\((.+?) in SYN_RECV\\)$"), "EvidenceValue_VipConnections"),
        (new("^none known for this director \\(no hypervisor data or topology\\)$"), "EvidenceValue_NonePorts"),
        (new("^(.+): no drops$"), "EvidenceValue_NoDrops"),
        (new("^(\\d+) s$"), "EvidenceValue_Seconds"),
        (new("^inventory places (\\S+) on port (\\S+)$"), "EvidenceValue_InventoryPort"),
        (new("^inventory places (\\S+) on filter (\\S+)$"), "EvidenceValue_InventoryFilter"),
        (new("^allowed pairs of (\\S+) on (\\S+) include (\\S+)$"), "EvidenceValue_AllowedPairs"),
        (new("^NSX names the VM of (\\S+) '(.*)'$"), "EvidenceValue_NsxNames"),
        (new("^(\\d+) MiB of (\\d+) MiB$"), "EvidenceValue_MiBOf"),
        (new("^Open vSwitch firewall: (.+) counts INVALID drops of every port of (\\S+)$"), "EvidenceValue_OvsInvalidScope"),
        (new("^(\\d+) refused, last host (\\S+), token (.*), at (\\S+)$"), "EvidenceValue_Refusals"),
    ];

    /// <summary>The lines threshold alerts write as their description (Alerting/Rules); a finding's alert lists its evidence instead.</summary>
    private static readonly (Regex Shape, string Key)[] s_descriptions =
    [
        (new("^SYN_RECV: (\\d+) of (\\d+) connections \\(([^)]+)\\); (\\d+) real servers, (\\d+) above the threshold$"), "AlertDescription_VipSynRecv"),
        (new("^SYN_RECV: (\\d+) of (\\d+) connections \\(([^)]+)\\); weight (\\S+), forwarding (\\S+)$"), "AlertDescription_RealServerSynRecv"),
        (new("^(\\S+) #(\\d+) on (\\S+): (\\S+) \"(.*)\", (\\S+), (\\d+) packets so far$"), "AlertDescription_RuleDrops"),
        (new("^#(\\d+) (\\S+) \"(.*)\": (\\S+)$"), "AlertDescription_ChainRule"),
        (new("^VM (.+), vNIC (\\S+): (\\S+) (\\S+), (\\d+) so far$"), "AlertDescription_NsxDrops"),
        (new("^Last batch received at (.+) UTC$"), "AlertDescription_LastBatch"),
        (new("^Health check state: down \\(reported (.+) UTC\\)$"), "AlertDescription_HealthDown"),
    ];

    private static readonly (Regex Shape, string Key)[] s_commands =
    [
        (new("^on the dashboard's database host: (.+)$"), "Command_OnDatabaseHost"),
        (new("^on a real server: (.+)$"), "Command_OnARealServer"),
        (new("^on (\\S+): (.+)$"), "Command_On"),
    ];

    public static LocalizedFinding Localize(FindingView finding, IStringLocalizer loc) => new(
        Title(finding.Kind, loc),
        Sentence(finding.Summary, loc),
        finding.Evidence.Select(e => new EvidenceView(Label(e.Label, loc), Apply(e.Value, s_values, loc))).ToList(),
        finding.ConfirmCommands.Select(c => Apply(c, s_commands, loc)).ToList(),
        Remediation(finding, loc));

    public static string Title(string kind, IStringLocalizer loc)
    {
        var title = loc["FindingTitle_" + kind];
        return title.ResourceNotFound ? kind : title.Value;
    }

    /// <summary>A finding's summary (also an alert's summary when a finding fired it) in the viewer's language.</summary>
    public static string Sentence(string text, IStringLocalizer loc) =>
        LimitSummary().Match(text) is { Success: true } limits ? LimitSentence(limits, loc) : Apply(text, s_sentences, loc);

    /// <summary>"L1 refused data N times, L2 …; last: reason": each limit and the reason translated on their own.</summary>
    private static string LimitSentence(Match summary, IStringLocalizer loc)
    {
        var counts = LimitCount().Matches(summary.Groups[1].Value).Select(m => loc["FindingSummary_LimitCount", m.Groups[1].Value, m.Groups[2].Value].Value);
        return loc["FindingSummary_LimitReached", string.Join(loc["ListSeparator"].Value, counts), Apply(summary.Groups[2].Value, s_limitReasons, loc)].Value;
    }

    /// <summary>The reasons LiveLimits and the ingest endpoint give when a limit refuses data (also sent to the agent, in English).</summary>
    private static readonly (Regex Shape, string Key)[] s_limitReasons =
    [
        (new("^the live store holds (\\d+) hosts \\((\\S+)\\); host '(.*)' is new$"), "LimitReason_MaxHosts"),
        (new("^token '(.*)' already sends for (\\d+) hosts \\((\\S+) = (\\d+)\\); host '(.*)' is one more$"), "LimitReason_MaxHostsPerToken"),
        (new("^the batch has (\\d+) rows, over (\\S+) = (\\d+)$"), "LimitReason_MaxRowsPerBatch"),
    ];

    /// <summary>An alert's description (a finding's evidence, or a threshold rule's numbers), line by line, in the viewer's language.</summary>
    public static IReadOnlyList<string> Description(string text, IStringLocalizer loc) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => DescriptionLine(line, loc)).ToList();

    /// <summary>
    /// A finding's alert keeps the first sentence of the finding's remediation, in English: the same sentence from the
    /// viewer's resource, with the port the alert names.
    /// </summary>
    public static string AlertRemediation(string? kind, string? port, string stored, IStringLocalizer loc)
    {
        if (kind is null || RemediationKey(kind, stored) is not { } key)
        {
            return stored;
        }

        var place = port ?? "";
        return AlertAnnotations.FirstSentence(loc[key, place, "tap" + place, place].Value);
    }

    private static string DescriptionLine(string line, IStringLocalizer loc)
    {
        foreach (var (shape, key) in s_descriptions)
        {
            if (shape.IsMatch(line))
            {
                return Apply(line, [(shape, key)], loc);
            }
        }

        // A finding's evidence, one "label: value" per line.
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 ? $"{Label(line[..colon], loc)}: {Apply(line[(colon + 2)..], s_values, loc)}" : line;
    }

    private static string? RemediationKey(string kind, string remediation) => kind switch
    {
        "dr-forward-drop" when remediation.Contains("Open vSwitch firewall", StringComparison.Ordinal) => "Remediation_DrForwardOvs",
        "dr-forward-drop" => "Remediation_DrForward",
        "rs-ingress-drop" => "Remediation_RsIngress",
        "stateful-half-flow-drop" when remediation.StartsWith("The distributed firewall", StringComparison.Ordinal) => "Remediation_NsxHalfFlow",
        "stateful-half-flow-drop" when remediation.StartsWith("The Open vSwitch firewall", StringComparison.Ordinal) => "Remediation_OvsHalfFlow",
        "stateful-half-flow-drop" => "Remediation_NeutronHalfFlow",
        "director-wide-synrecv" => "Remediation_DirectorWide",
        "agent-silent" => "Remediation_AgentSilent",
        "counter-reset" => "Remediation_CounterReset",
        "storage-full" => "Remediation_StorageFull",
        "counters-missing" => "Remediation_CountersMissing",
        "clock-skew" => "Remediation_ClockSkew",
        "limit-reached" => "Remediation_LimitReached",
        _ => null,
    };

    private static string Remediation(FindingView finding, IStringLocalizer loc)
    {
        var key = RemediationKey(finding.Kind, finding.Remediation);
        if (key is null)
        {
            return finding.Remediation;
        }

        // The remediation names the port (or filter) and, for forwarded drops, the tap device to accept.
        var device = PhysdevIn().Match(finding.Remediation) is { Success: true } m ? m.Groups[1].Value : "tap" + finding.Port;
        var filter = NsxFilterOf().Match(finding.Remediation) is { Success: true } f ? f.Groups[1].Value : finding.Port ?? "";
        return loc[key, finding.Port ?? "", device, filter].Value;
    }

    private static string Label(string label, IStringLocalizer loc) =>
        s_fixedLabels.TryGetValue(label, out var key) ? loc[key].Value : Apply(label, s_labels, loc);

    private static string Apply(string text, (Regex Shape, string Key)[] shapes, IStringLocalizer loc)
    {
        foreach (var (shape, key) in shapes)
        {
            var match = shape.Match(text);
            if (match.Success)
            {
                var parts = match.Groups.Cast<Group>().Skip(1).Select(g => (object)g.Value).ToArray();
                return loc[key, parts].Value;
            }
        }

        return text;
    }

    [GeneratedRegex("^(\\S+): SYN_RECV piles up on (\\d+)/(\\d+) real servers while (.+?) on (\\S+) drops (\\S+) — the hypervisor drops what the director forwards$")]
    private static partial Regex DrForwardSummary();

    [GeneratedRegex("^(\\S+) behind (\\S+): SYN_RECV piles up while its port (\\S+) on (\\S+) drops (\\S+) \\((\\S+)\\)$")]
    private static partial Regex RsIngressSummary();

    [GeneratedRegex("^(\\S+): the NSX distributed firewall drops (\\S+) as state-mismatch on the director's vNIC — it sees only half of each DR flow$")]
    private static partial Regex NsxHalfFlowSummary();

    [GeneratedRegex("^(\\S+): conntrack on the director's port (\\S+) drops (\\S+) as INVALID — it sees only half of each DR flow$")]
    private static partial Regex NeutronHalfFlowSummary();

    [GeneratedRegex("^(\\S+): every virtual service piles up in SYN_RECV and no hypervisor firewall shows drops — look at the director itself$")]
    private static partial Regex DirectorWideSummary();

    [GeneratedRegex("^(\\S+) \\((\\S+)\\) has sent nothing for (\\d+) s$")]
    private static partial Regex AgentSilentSummary();

    [GeneratedRegex("^(\\S+): counters were reset$")]
    private static partial Regex CounterResetSummary();

    [GeneratedRegex("^((?:\\S+ refused data \\d+ times(?:, )?)+); last: (.+)$")]
    private static partial Regex LimitSummary();

    [GeneratedRegex("(\\S+) refused data (\\d+) times")]
    private static partial Regex LimitCount();

    [GeneratedRegex("--physdev-in (\\S+) -j ACCEPT")]
    private static partial Regex PhysdevIn();

    [GeneratedRegex("^The distributed firewall on (\\S+) tracks")]
    private static partial Regex NsxFilterOf();
}
