using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Shared;

namespace Dashboard.Components.Tests.Shared;

public sealed class RatioBarTests : ComponentTest
{
    [Theory]
    [InlineData(0.05, "ratio-ok", "5%")]
    [InlineData(0.3, "ratio-warning", "30%")]
    [InlineData(0.83, "ratio-critical", "83%")]
    [InlineData(1.7, "ratio-critical", "100%")]
    public void Render_Share_ColouredByThresholdAndBarClamped(double ratio, string css, string width)
    {
        var bar = Ctx.Render<RatioBar>(p => p.Add(c => c.Ratio, ratio));

        Assert.Contains(css, bar.Find(".ratio").ClassList);
        Assert.Equal($"width:{width}", bar.Find(".ratio-bar").GetAttribute("style"));
    }
}
