using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Shared;

namespace Dashboard.Components.Tests.Shared;

public sealed class SparklineTests : ComponentTest
{
    [Fact]
    public void Render_Values_OnePointEachScaledIntoTheBox()
    {
        var line = Ctx.Render<Sparkline>(p => p.Add(c => c.Values, new double[] { 0, 0.5, 1 }).Add(c => c.Width, 90).Add(c => c.Height, 20));

        Assert.Equal(["0,19", "45,10", "90,1"], line.Find("polyline").GetAttribute("points")!.Split(' '));
    }

    [Fact]
    public void Render_OneValue_NoLineDrawn()
    {
        var line = Ctx.Render<Sparkline>(p => p.Add(c => c.Values, new double[] { 0.4 }));

        Assert.Empty(line.FindAll("polyline"));
    }
}
