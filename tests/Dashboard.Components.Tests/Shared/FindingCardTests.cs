using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Api;
using Dashboard.Server.Components.Shared;

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
}
