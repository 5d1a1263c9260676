using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Shared;

namespace Dashboard.Components.Tests.Shared;

public sealed class LanguageSwitchTests : ComponentTest
{
    [Fact]
    public void Render_OnAPageWithQuery_LinksKeepThePageAndQuery()
    {
        Navigation.NavigateTo("vip?director=lvs-a&range=1h");

        var links = Ctx.Render<LanguageSwitch>().FindAll("a");

        Assert.Equal("culture?c=zh-CN&redirect=%2Fvip%3Fdirector%3Dlvs-a%26range%3D1h", links[1].GetAttribute("href"));
        Assert.Equal("active", links[0].GetAttribute("class"));
    }

    [Fact]
    public void Render_Links_AskForAFullLoadSoTheCircuitRestartsInTheNewLanguage()
    {
        var links = Ctx.Render<LanguageSwitch>().FindAll("a");

        Assert.All(links, a => Assert.Equal("false", a.GetAttribute("data-enhance-nav")));
    }

    [Fact]
    public void Render_InChinese_ChineseMarkedActiveAndGroupLabelTranslated()
    {
        UseCulture("zh-CN");

        var group = Ctx.Render<LanguageSwitch>();

        Assert.Equal("语言", group.Find(".dash-lang").GetAttribute("aria-label"));
        Assert.Equal("active", group.Find("a[hreflang='zh-CN']").GetAttribute("class"));
    }
}
