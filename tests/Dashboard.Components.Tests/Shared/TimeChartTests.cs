using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Shared;
using Dashboard.Server.Model;

namespace Dashboard.Components.Tests.Shared;

public sealed class TimeChartTests : ComponentTest
{
    private static readonly DateTimeOffset Start = new(2026, 11, 11, 20, 0, 0, TimeSpan.Zero);

    private static ChartLine Line(string name, params double[] values) =>
        new(name, values.Select((v, i) => new ChartValue(Start.AddSeconds(5 * i), v)).ToList());

    [Fact]
    public void Render_TwoLines_OnePathEachWithLegendAxisTitlesAndResolution()
    {
        var chart = Ctx.Render<TimeChart>(p => p.Add(c => c.Lines, new[] { Line("SYN_RECV", 0, 10, 20), Line("Connections", 40, 34, 28) })
            .Add(c => c.YAxisTitle, "connections").Add(c => c.Note, "Raw samples."));

        Assert.Equal("6", chart.Find("figure.time-chart").GetAttribute("data-points"));
        chart.Render();
        Assert.Equal(2, chart.FindAll("svg .mud-charts-timeseries-series path").Count);
        Assert.Contains("SYN_RECV", chart.Find(".mud-chart-legend").TextContent);
        Assert.Contains("Connections", chart.Find(".mud-chart-legend").TextContent);
        Assert.Contains("connections", chart.Find("svg").TextContent);
        Assert.Contains("Time (UTC)", chart.Find("svg").TextContent);
        Assert.Equal("Raw samples.", chart.Find("figcaption").TextContent);
    }

    [Fact]
    public void Render_NoPoints_SaysSoInsteadOfAnEmptyChart()
    {
        UseCulture("zh-CN");

        var chart = Ctx.Render<TimeChart>(p => p.Add(c => c.Lines, new[] { Line("SYN_RECV") }).Add(c => c.YAxisTitle, "x"));

        Assert.Empty(chart.FindAll("svg"));
        Assert.Equal("该时间范围内暂无数据点。", chart.Find("p.empty").TextContent);
    }
}
