using System.Text.RegularExpressions;
using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Core.Diagnosis;
using Dashboard.Core.Ipvs;
using Dashboard.Core.Ovs;
using Dashboard.Core.Storage;
using Dashboard.Server.Api;
using Dashboard.Server.Components.Shared;
using static Dashboard.Testing.FleetBuilder;

namespace Dashboard.Components.Tests.Shared;

public sealed class FindingCardTests : ComponentTest
{
    // As the diagnosis writes it for the seed-1 pile-up (DrForwardDropRule, EvidenceText, Remediations).
    private static FindingView Finding(string comment = "anti-spoof") => new(
        "dr-forward-drop", "critical", new DateTimeOffset(2026, 11, 11, 20, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 11, 20, 0, 10, TimeSpan.Zero),
        new DateTimeOffset(2026, 11, 11, 20, 1, 0, TimeSpan.Zero), null, "lvs-a", "10.1.26.252:10051", "compute-07", "38833ad6-c", null,
        "10.1.26.252:10051: SYN_RECV piles up on 8/8 real servers while neutron-openvswi-s38833ad6-c on compute-07 drops 60/s — the hypervisor drops what the director forwards",
        [
            new EvidenceView("SYN_RECV on 10.1.26.136:10051", "50 of 54 connections (93%)"),
            new EvidenceView("compute-07 neutron-openvswi-s38833ad6-c #3", $"{comment} — 60/s, 2500 packets in total"),
            new EvidenceView("Director port", "allowed pairs of 38833ad6-c on compute-07 include 10.1.26.252"),
        ],
        ["on lvs-a: ipvsadm -Lnc | awk '$3 == \"SYN_RECV\"' | wc -l", "on a real server: tcpdump -ni any 'host 10.1.26.252 and tcp[tcpflags] & tcp-syn != 0' (no SYN arrives)"],
        Dashboard.Core.Diagnosis.Remediations.DrForwardDrop("38833ad6-c", "tap38833ad6-c"));

    [Fact]
    public void Render_HostileRuleComment_ShownAsTextNeverAsMarkup()
    {
        // Arrange: an iptables comment is agent-controlled text.
        const string hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>";

        // Act
        var card = Ctx.Render<FindingCard>(p => p.Add(c => c.Finding, Finding(hostile)).Add(c => c.Expanded, true));

        // Assert
        Assert.Empty(card.FindAll("details.finding img, details.finding script"));
        Assert.Equal($"{hostile} — 60/s, 2500 packets in total", card.FindAll("table.evidence td")[1].TextContent);
        Assert.Equal("dr-forward-drop", card.Find("details.finding").GetAttribute("data-kind"));
        Assert.True(card.Find("details.finding").HasAttribute("open"));
    }

    [Fact]
    public void Render_InEnglish_TitleSummaryEvidenceAndRemediationAsWritten()
    {
        var finding = Finding();

        var card = Ctx.Render<FindingCard>(p => p.Add(c => c.Finding, finding));

        Assert.Equal("The hypervisor drops what the director forwards", card.Find(".finding-kind").TextContent);
        Assert.Equal(finding.Summary, card.Find(".finding-summary").TextContent);
        Assert.Equal(finding.Evidence.Select(e => e.Label), card.FindAll("table.evidence th").Select(th => th.TextContent));
        Assert.Equal(finding.ConfirmCommands, card.FindAll("ul.commands code").Select(c => c.TextContent));
        Assert.Equal(finding.Remediation, card.Find(".remediation").TextContent);
        Assert.False(card.Find("details.finding").HasAttribute("open"));
    }

    [Fact]
    public void Render_InChinese_EveryPartTranslatedWithTheSameFacts()
    {
        UseCulture("zh-CN");

        var card = Ctx.Render<FindingCard>(p => p.Add(c => c.Finding, Finding()));

        Assert.Equal(["证据", "手工确认", "处理建议"], card.FindAll(".finding-body h4").Select(h => h.TextContent).ToArray());
        Assert.Equal("宿主机丢弃了调度器转发的流量", card.Find(".finding-kind").TextContent);
        Assert.Equal("10.1.26.252:10051：8/8 个后端服务器 SYN_RECV 堆积，同时 compute-07 上的 neutron-openvswi-s38833ad6-c 丢弃 60/s —— 宿主机丢弃了调度器转发的流量",
            card.Find(".finding-summary").TextContent);
        Assert.Equal(["10.1.26.136:10051 上的 SYN_RECV", "compute-07 neutron-openvswi-s38833ad6-c #3", "调度器端口"], card.FindAll("table.evidence th").Select(th => th.TextContent).ToArray());
        Assert.Equal(["54 个连接中的 50 个（93%）", "anti-spoof —— 60/s，累计 2500 个包", "compute-07 上 38833ad6-c 的允许地址对包含 10.1.26.252"],
            card.FindAll("table.evidence td").Select(td => td.TextContent).ToArray());
        Assert.StartsWith("在 lvs-a 上：ipvsadm -Lnc", card.FindAll("ul.commands code")[0].TextContent);
        Assert.StartsWith("在任一后端服务器上：tcpdump", card.FindAll("ul.commands code")[1].TextContent);
        Assert.Contains("端口 38833ad6-c 的反欺骗链", card.Find(".remediation").TextContent);
        Assert.Contains("--physdev-in tap38833ad6-c -j ACCEPT", card.Find(".remediation").TextContent);
    }

    [Fact]
    public void Render_SentenceOfNoKnownShape_ShownAsWrittenNotDropped()
    {
        UseCulture("zh-CN");
        var finding = Finding() with { Summary = "something new the diagnosis learned to say", Evidence = [new EvidenceView("New fact", "42")] };

        var card = Ctx.Render<FindingCard>(p => p.Add(c => c.Finding, finding));

        Assert.Equal("something new the diagnosis learned to say", card.Find(".finding-summary").TextContent);
        Assert.Equal("New fact", card.Find("table.evidence th").TextContent);
    }

    /// <summary>A fleet for every shape of finding the diagnosis writes, each raised by the real rules.</summary>
    private static readonly Dictionary<string, FleetView> s_fleets = new()
    {
        ["dr-forward iptables"] = new FleetBuilder().Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 40, 1))).ComputeNode("compute-07", [AntiSpoof(DirectorPort, 12)]).Build(),
        ["dr-forward openvswitch"] = new FleetBuilder().Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 40, 1))).ComputeNode("compute-07", [OvsAntiSpoof(DirectorPort, 12)]).Build(),
        ["rs-ingress iptables"] = new FleetBuilder().Director("lvs-a", SeedVip((rs, i) => i == 0 ? RealServer(rs, 30, 1) : RealServer(rs, 0, 40)))
            .ComputeNode("compute-07", [Fallback(PortOf(SeedRealServers[0]), 5)]).Build(),
        ["rs-ingress openvswitch"] = new FleetBuilder().Director("lvs-a", SeedVip((rs, i) => i == 0 ? RealServer(rs, 30, 1) : RealServer(rs, 0, 40)))
            .ComputeNode("compute-07", [OvsUnmatchedIngress(PortOf(SeedRealServers[0]), 5)]).Build(),
        ["half-flow iptables"] = new FleetBuilder().Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 0, 200))).ComputeNode("compute-07", [Invalid(DirectorPort, 6)]).Build(),
        ["half-flow openvswitch"] = new FleetBuilder().Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 0, 200))).ComputeNode("compute-07", [OvsInvalid(6)]).Build(),
        ["half-flow nsx"] = new FleetBuilder()
            .Director("lvs-b", new Dashboard.Core.Diagnosis.VipView("TCP", "10.29.7.10:80", RealServerTable.Create("TCP", "10.29.7.10:80", [RealServer("10.29.7.12:80", 0, 400, "10.29.7.10:80")], null)))
            .EsxiHost("esxi-03", new NsxFilterRate("nic-1371516-eth0-vmware-sfw.2", "lvs-b", 0,
                new Dictionary<string, ulong> { ["pass"] = 90000, ["drop"] = 4200, ["state-mismatch"] = 4100 },
                new Dictionary<string, double> { ["pass"] = 300, ["drop"] = 41, ["state-mismatch"] = 40 }))
            .Build(),
        ["director-wide"] = new FleetBuilder().Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 40, 1))).ComputeNode("compute-07", [AntiSpoof(DirectorPort, 0)]).Build(),
        ["agent-silent"] = new FleetBuilder().Director("lvs-a", SeedVip((rs, _) => RealServer(rs, 0, 100))).Heartbeat("lvs-a", "director", Now.AddSeconds(-95)).Build(),
        ["counter-reset"] = new FleetBuilder().ComputeNode("compute-07", []).Heartbeat("compute-07", "hypervisor", Now, reset: true).Build(),
        ["counters-missing"] = new FleetBuilder().ComputeNode("compute-07", [], rulesWithoutCounters: 33).Build(),
        ["storage-full"] = new FleetBuilder().Build() with
        {
            DatabaseDisk = new DatabaseDisk("/var/lib/lvs-dashboard/pgdata", 700 * DatabaseDisk.Mebibyte, 20_480 * DatabaseDisk.Mebibyte, 1024 * DatabaseDisk.Mebibyte),
        },
        ["clock-skew"] = new FleetBuilder().Director("lvs-b", SeedVip((rs, _) => RealServer(rs, 0, 100))).Build() with
        {
            ClockOffsets = new Dictionary<string, TimeSpan> { ["lvs-b"] = TimeSpan.FromSeconds(540.4) },
        },
        // The three reasons the server gives (LiveLimits, IngestService), as it writes them.
        ["limit-reached"] = new FleetBuilder().Build() with
        {
            LimitBreaches =
            [
                new("Dashboard:Limits:MaxHosts", 5, "made-up-5004", "lvs-a", "the live store holds 5000 hosts (Dashboard:Limits:MaxHosts); host 'made-up-5004' is new", Now.AddSeconds(-9)),
                new("Dashboard:Limits:MaxHostsPerToken", 2, "made-up-9", "lvs-a", "token 'lvs-a' already sends for 1000 hosts (Dashboard:Limits:MaxHostsPerToken = 1000); host 'made-up-9' is one more", Now.AddSeconds(-5)),
                new("Dashboard:Limits:MaxRowsPerBatch", 1, "compute-07", "hv-7", "the batch has 250001 rows, over Dashboard:Limits:MaxRowsPerBatch = 250000", Now),
            ],
        },
    };

    /// <summary>Names in those fleets and the product names the remediations use: shown as written in either language.</summary>
    private static readonly string[] s_names =
    [
        "tap38833ad6-c6", "neutron-openvswi-sg-fallback", "br-int table 71", "br-int table 72", "br-int table 82", NeutronOvsFirewall.AntiSpoofComment, NeutronOvsFirewall.UnmatchedComment,
        NeutronOvsFirewall.InvalidComment, "Drop traffic without an IP/MAC allow rule.", "Default drop rule for unmatched traffic.",
        "Drop packets that appear related to an existing connection (e.g. TCP ACK/FIN) but do not have an entry in conntrack.",
        "Open vSwitch", "PostgreSQL", "PANIC", "NTP", "SpoolMaxBytes", "SpoolMaxAgeHours",
    ];

    public static TheoryData<string> Fleets => [.. s_fleets.Keys];

    private static IReadOnlyList<FindingView> Diagnose(string fleet)
    {
        var findings = new Diagnoser(new DiagnosisSettings()).Evaluate(s_fleets[fleet]);
        Assert.NotEmpty(findings);
        return findings.Select(f => new FindingView(f.Kind, f.Severity.ToString().ToLowerInvariant(), Now, Now, Now, null, f.Director, f.Vip, f.Hypervisor, f.Port,
            f.RealServer, f.Summary, f.Evidence.Select(e => new EvidenceView(e.Label, e.Value)).ToList(), f.ConfirmCommands, f.Remediation)).ToList();
    }

    [Fact]
    public void Fleets_TogetherRaiseEveryKindOfFinding()
    {
        var kinds = s_fleets.Keys.SelectMany(Diagnose).Select(f => f.Kind).Distinct().Order();

        Assert.Equal(FindingKinds.All.Order(), kinds);
    }

    [Theory]
    [MemberData(nameof(Fleets))]
    public void Render_EveryFindingInEnglish_ExactlyAsTheDiagnosisWroteIt(string fleet)
    {
        foreach (var finding in Diagnose(fleet))
        {
            var card = Ctx.Render<FindingCard>(p => p.Add(c => c.Finding, finding).Add(c => c.Expanded, true));

            Assert.NotEqual(finding.Kind, card.Find(".finding-kind").TextContent);
            Assert.Equal(finding.Summary, card.Find(".finding-summary").TextContent);
            Assert.Equal(finding.Evidence.Select(e => $"{e.Label}={e.Value}"), card.FindAll("table.evidence tr").Select(tr => $"{tr.QuerySelector("th")!.TextContent}={tr.QuerySelector("td")!.TextContent}"));
            Assert.Equal(finding.ConfirmCommands, card.FindAll("ul.commands code").Select(c => c.TextContent));
            Assert.Equal(finding.Remediation.Replace("`", "", StringComparison.Ordinal), card.Find(".remediation").TextContent);
        }
    }

    [Theory]
    [MemberData(nameof(Fleets))]
    public void Render_EveryFindingInChinese_NoEnglishLeftAndTheSameNumbers(string fleet)
    {
        UseCulture("zh-CN");
        foreach (var finding in Diagnose(fleet))
        {
            var card = Ctx.Render<FindingCard>(p => p.Add(c => c.Finding, finding).Add(c => c.Expanded, true));

            var root = card.Find("details.finding");
            var names = s_names.Concat(new[] { finding.Director, finding.Vip, finding.Hypervisor, finding.Port, finding.RealServer }.OfType<string>());
            var leaks = EnglishText.Find(root, names);
            Assert.True(leaks.Count == 0, $"{fleet} ({finding.Kind}) in zh-CN shows English:\n" + string.Join('\n', leaks));
            Assert.Equal(Numbers(finding.Summary), Numbers(card.Find(".finding-summary").TextContent));
            Assert.Equal(Numbers(finding.Remediation), Numbers(card.Find(".remediation").TextContent));
        }
    }

    [Theory]
    [InlineData("dr-forward openvswitch", "表 71", "neutron-openvswi-local (")]
    [InlineData("half-flow openvswitch", "ct_state=+inv+trk", "neutron-openvswi-local")]
    public void Render_OpenvSwitchFindingInChinese_TheOpenvSwitchRemediationNotTheIptablesOne(string fleet, string expected, string iptablesOnly)
    {
        UseCulture("zh-CN");
        var finding = Assert.Single(Diagnose(fleet));

        var card = Ctx.Render<FindingCard>(p => p.Add(c => c.Finding, finding));

        Assert.Contains(expected, card.Find(".remediation").TextContent);
        Assert.DoesNotContain(iptablesOnly, card.Find(".remediation").TextContent);
        Assert.Contains(DirectorPort, card.Find(".remediation").TextContent);
    }

    [Fact]
    public void Render_CommandInBackquotes_ShownAsCode()
    {
        var finding = Assert.Single(Diagnose("clock-skew"));

        var card = Ctx.Render<FindingCard>(p => p.Add(c => c.Finding, finding));

        Assert.Equal(["chronyc tracking", "timedatectl status"], card.FindAll(".remediation code").Select(c => c.TextContent));
    }

    /// <summary>The numbers a text states, in any order (a translation may reorder them): it keeps every one.</summary>
    private static string[] Numbers(string text) => [.. Regex.Matches(text, @"\d+(?:\.\d+)?").Select(m => m.Value).Order(StringComparer.Ordinal)];
}
