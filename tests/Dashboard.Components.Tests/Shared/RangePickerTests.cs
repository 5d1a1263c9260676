using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Shared;

namespace Dashboard.Components.Tests.Shared;

public sealed class RangePickerTests : ComponentTest
{
    [Fact]
    public void Render_OnAPage_FourRangesWithTheCurrentMarked()
    {
        Navigation.NavigateTo("hypervisor?name=compute-07");

        var picker = Ctx.Render<RangePicker>(p => p.Add(c => c.Current, "24h"));

        Assert.Equal(["Live", "1 h", "24 h", "7 d"], picker.FindAll("a").Select(a => a.TextContent).ToArray());
        Assert.Equal("http://localhost/hypervisor?name=compute-07&range=24h", picker.Find("a.active").GetAttribute("href"));
        Assert.Equal("http://localhost/hypervisor?name=compute-07", picker.FindAll("a")[0].GetAttribute("href"));
    }

    [Theory]
    [InlineData(null, "live")]
    [InlineData("7d", "7d")]
    [InlineData("1y", "live")]
    public void Normalize_RangeFromTheUrl_KnownKeptUnknownLive(string? range, string expected) => Assert.Equal(expected, RangePicker.Normalize(range));
}
