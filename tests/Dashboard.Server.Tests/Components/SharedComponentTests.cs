using Dashboard.Server.Api;
using Dashboard.Server.Components.Shared;

namespace Dashboard.Server.Tests.Components;

public sealed class SharedComponentTests
{
    private static FindingView Finding(string comment) => new(
        "dr-forward-drop", "critical", new DateTimeOffset(2026, 11, 11, 20, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 11, 20, 0, 10, TimeSpan.Zero),
        new DateTimeOffset(2026, 11, 11, 20, 1, 0, TimeSpan.Zero), null, "lvs-a", "10.1.26.252:10051", "compute-07", "38833ad6-c", null,
        "SYN_RECV piles up", [new EvidenceView("compute-07 neutron-openvswi-s38833ad6-c #3", comment)], ["iptables -L neutron-openvswi-s38833ad6-c -v -n -x"],
        "Accept forwarded traffic in neutron-openvswi-local.");

    [Fact]
    public async Task FindingCard_HostileRuleComment_RenderedAsTextNeverAsMarkup()
    {
        // Arrange: an iptables comment is agent-controlled text.
        const string hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>";

        // Act
        var document = await ComponentRenderer.RenderAsync<FindingCard>(new() { ["Finding"] = Finding(hostile), ["Expanded"] = true });

        // Assert
        Assert.Empty(document.QuerySelectorAll("details.finding img, details.finding script"));
        Assert.Equal(hostile, document.QuerySelector("table.evidence td")!.TextContent);
        Assert.Equal("dr-forward-drop", document.QuerySelector("details.finding")!.GetAttribute("data-kind"));
        Assert.True(document.QuerySelector("details.finding")!.HasAttribute("open"));
    }

    [Fact]
    public async Task FindingCard_InChinese_LabelsTranslated()
    {
        var document = await ComponentRenderer.RenderAsync<FindingCard>(new() { ["Finding"] = Finding("x") }, culture: "zh-CN");

        Assert.Equal(["证据", "手工确认", "处理建议"], document.QuerySelectorAll(".finding-body h4").Select(h => h.TextContent).ToArray());
    }

    [Theory]
    [InlineData(0.05, "ratio-ok", "5%")]
    [InlineData(0.3, "ratio-warning", "30%")]
    [InlineData(0.83, "ratio-critical", "83%")]
    [InlineData(1.7, "ratio-critical", "100%")]
    public async Task RatioBar_Share_ColouredByThresholdAndBarClamped(double ratio, string css, string width)
    {
        var document = await ComponentRenderer.RenderAsync<RatioBar>(new() { ["Ratio"] = ratio });

        var bar = document.QuerySelector(".ratio")!;
        Assert.Contains(css, bar.ClassList);
        Assert.Equal($"width:{width}", bar.QuerySelector(".ratio-bar")!.GetAttribute("style"));
    }

    [Fact]
    public async Task Sparkline_Values_OnePointEachScaledIntoTheBox()
    {
        var document = await ComponentRenderer.RenderAsync<Sparkline>(new() { ["Values"] = new double[] { 0, 0.5, 1 }, ["Width"] = 90, ["Height"] = 20 });

        var points = document.QuerySelector("polyline")!.GetAttribute("points")!.Split(' ');
        Assert.Equal(["0,19", "45,10", "90,1"], points);
    }
}
