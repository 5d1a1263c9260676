using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components;
using Dashboard.Server.Components.Layout;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Components.Tests.Layout;

public sealed class MainLayoutTests : ComponentTest
{
    private IRenderedComponent<MainLayout> RenderLayout()
    {
        Ctx.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return Ctx.Render<MainLayout>(p => p.AddCascadingValue(new ThemeChoice()).Add(l => l.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<h1>page</h1>"))));
    }

    [Fact]
    public void Render_English_NavigationSwitchesAndBody()
    {
        var layout = RenderLayout();

        Assert.Equal(["Overview", "Findings", "Alerts", "Wall display", "HTTP API"], layout.FindAll("nav.dash-nav a").Select(a => a.TextContent).ToArray());
        Assert.Equal("page", layout.Find("main h1").TextContent);
        Assert.NotNull(layout.Find(".dash-lang"));
        Assert.NotNull(layout.Find(".dash-theme-switch"));
        Assert.Equal("true", layout.Find(".dash-layout").GetAttribute("data-interactive"));
    }

    [Fact]
    public void Render_Chinese_NavigationTranslated()
    {
        UseCulture("zh-CN");

        var layout = RenderLayout();

        Assert.Equal(["总览", "诊断结论", "告警", "大屏", "HTTP 接口"], layout.FindAll("nav.dash-nav a").Select(a => a.TextContent).ToArray());
        Assert.Equal("主导航", layout.Find("nav").GetAttribute("aria-label"));
    }
}
