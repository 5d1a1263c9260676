using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Pages;

namespace Dashboard.Components.Tests.Pages;

public sealed class LoginTests : ComponentTest
{
    [Fact]
    public void Render_WithReturnUrl_PostsItBack()
    {
        var page = RenderAt<Login>("login?returnUrl=alerts%3Fstate%3Dfiring");

        Assert.Equal("account/login", page.Find("form").GetAttribute("action"));
        Assert.Equal("alerts?state=firing", page.Find("input[name='returnUrl']").GetAttribute("value"));
        Assert.Empty(page.FindAll("[role='alert']"));
    }

    [Theory]
    [InlineData("en", "Wrong user name or password.")]
    [InlineData("zh-CN", "用户名或密码错误。")]
    public void Render_AfterAFailedLogin_MessageInTheViewersLanguage(string culture, string message)
    {
        UseCulture(culture);

        var page = RenderAt<Login>("login?error=LoginFailed");

        Assert.Equal(message, page.Find("[role='alert']").TextContent);
    }
}
