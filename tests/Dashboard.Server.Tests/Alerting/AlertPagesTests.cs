using System.Net;
using AngleSharp.Html.Parser;
using Dashboard.Server.Alerting;
using Dashboard.Server.Security;

namespace Dashboard.Server.Tests.Alerting;

/// <summary>What the server renders before the page is interactive: secrets never in it. The live parts are tested in bUnit (Dashboard.Components.Tests).</summary>
public sealed class AlertPagesTests
{
    private const string Secret = "SECdingtalk-secret-9f8e7d6c";
    private static readonly TestChannel[] s_channels = [new("ops-ding", ChannelKinds.DingTalk, "/dingtalk?access_token=robot-token-1a2b3c4d", Secret)];

    [Fact]
    public async Task ChannelsPage_Admin_SecretsMaskedAndTestButtonShown()
    {
        // Arrange
        await using var h = await AlertingHarness.StartAsync(s_channels);
        using var admin = await PersonClient.LogInAsync(h.Server, KnownRoles.Admin);
        using var operatorClient = await PersonClient.LogInAsync(h.Server, KnownRoles.Operator);

        // Act
        var html = await admin.GetStringAsync("admin/channels");
        var byOperator = await operatorClient.GetAsync("admin/channels");
        var page = await Parse(html);

        // Assert
        var cell = Assert.Single(page.QuerySelectorAll(".channels td[data-channel]"));
        Assert.Equal("ops-ding", cell.GetAttribute("data-channel"));
        var row = cell.ParentElement!;
        Assert.Contains("••••7d6c", row.TextContent);
        Assert.Contains(row.QuerySelectorAll("button"), b => b.TextContent == "Send a test message");
        Assert.DoesNotContain(Secret, html, StringComparison.Ordinal);
        Assert.DoesNotContain("robot-token-1a2b3c4d", html, StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, byOperator.StatusCode);
    }

    [Fact]
    public async Task AlertRulesPage_Admin_ListsEveryRuleWithItsSource()
    {
        // Arrange: the harness sets three rules in settings.
        await using var h = await AlertingHarness.StartAsync(s_channels);
        using var admin = await PersonClient.LogInAsync(h.Server, KnownRoles.Admin);

        // Act
        var page = await Parse(await admin.GetStringAsync("admin/alert-rules"));

        // Assert
        var rows = page.QuerySelectorAll(".rules td[data-rule]").ToDictionary(r => r.GetAttribute("data-rule")!, r => r.ParentElement!.TextContent);
        Assert.Equal(DefaultAlertRules.All.Select(r => r.Name).Order(), rows.Keys.Order());
        Assert.Contains("settings", rows["AgentSilent"]);
        Assert.Contains("built-in", rows["DrForwardDrop"]);
    }

    [Fact]
    public async Task SilencesPage_OperatorWithMatchersInUrl_FormPrefilled()
    {
        // Arrange
        await using var h = await AlertingHarness.StartAsync(s_channels);
        using var operatorClient = await PersonClient.LogInAsync(h.Server, KnownRoles.Operator);

        // Act
        var page = await Parse(await operatorClient.GetStringAsync("silences?matchers=" + Uri.EscapeDataString("director=\"lvs-a\"")));

        // Assert
        Assert.Equal("director=\"lvs-a\"", page.QuerySelector("input[aria-label=Matchers]")?.GetAttribute("value"));
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> Parse(string html) => await new HtmlParser().ParseDocumentAsync(html);
}
