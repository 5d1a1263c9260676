using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components;
using Dashboard.Server.Components.Shared;

namespace Dashboard.Components.Tests.Shared;

public sealed class ThemeSwitchTests : ComponentTest
{
    [Fact]
    public void Click_InDarkTheme_SwitchesToLightAndKeepsTheChoiceInACookie()
    {
        // Arrange
        var theme = new ThemeChoice { Dark = true };
        var changed = 0;
        theme.Changed += () => changed++;
        var button = Ctx.Render<ThemeSwitch>(p => p.AddCascadingValue(theme));
        Assert.Equal("Switch to the light theme", button.Find("button").GetAttribute("aria-label"));

        // Act
        button.Find("button").Click();

        // Assert
        Assert.False(theme.Dark);
        Assert.Equal(1, changed);
        var call = Ctx.JSInterop.VerifyInvoke("dashboard.setTheme");
        Assert.Equal(["lvsd.theme", "light", 365], call.Arguments.ToArray());
        Assert.Equal("Switch to the dark theme", button.Find("button").GetAttribute("aria-label"));
    }

    [Fact]
    public void Render_InChinese_LabelTranslated()
    {
        UseCulture("zh-CN");

        var button = Ctx.Render<ThemeSwitch>(p => p.AddCascadingValue(new ThemeChoice { Dark = false }));

        Assert.Equal("切换到深色主题", button.Find("button").GetAttribute("title"));
    }
}
