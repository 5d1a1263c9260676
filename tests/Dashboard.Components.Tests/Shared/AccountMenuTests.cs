using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Shared;
using Dashboard.Server.Security;

namespace Dashboard.Components.Tests.Shared;

public sealed class AccountMenuTests : ComponentTest
{
    [Fact]
    public void Render_Anonymous_OffersToLogIn()
    {
        var menu = Ctx.Render<AccountMenu>();

        Assert.Equal("login", menu.Find("a.dash-account").GetAttribute("href"));
        Assert.Equal("Log in", menu.Find("a.dash-account").TextContent);
    }

    [Fact]
    public void Render_SignedInUser_ShowsNameAndLogOutForm()
    {
        Auth.SetAuthorized("oncall");
        Auth.SetRoles(KnownRoles.Operator);
        Auth.SetClaims(new System.Security.Claims.Claim(DashboardPolicies.AuthKindClaim, DashboardPolicies.UserKind));

        var menu = Ctx.Render<AccountMenu>();

        Assert.Equal("oncall", menu.Find(".dash-user").TextContent);
        Assert.Equal("account/logout", menu.Find("form").GetAttribute("action"));
        Assert.Equal("Log out", menu.Find("form button").TextContent);
    }
}
