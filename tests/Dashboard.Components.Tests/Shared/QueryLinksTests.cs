using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Shared;

namespace Dashboard.Components.Tests.Shared;

public sealed class QueryLinksTests : ComponentTest
{
    [Fact]
    public void Render_Options_EachLinkSetsTheQueryAndTheDefaultLeavesIt()
    {
        Navigation.NavigateTo("alerts?director=lvs-a&state=firing");

        var links = Ctx.Render<QueryLinks>(p => p.Add(c => c.Name, "state").Add(c => c.Label, "State").Add(c => c.Current, "firing").Add(c => c.Default, "active")
            .Add(c => c.Options, new List<(string, string)> { ("active", "Active"), ("firing", "Firing") }));

        var anchors = links.FindAll("a");
        Assert.Equal("http://localhost/alerts?director=lvs-a", anchors[0].GetAttribute("href"));
        Assert.Equal("http://localhost/alerts?director=lvs-a&state=firing", anchors[1].GetAttribute("href"));
        Assert.Equal("true", anchors[1].GetAttribute("aria-current"));
        Assert.Null(anchors[0].GetAttribute("aria-current"));
    }
}
