using System.Net;
using AngleSharp.Html.Parser;
using Dashboard.Server.Alerting;
using Dashboard.Server.Security;

namespace Dashboard.Server.Tests.Alerting;

public sealed class AlertPagesTests
{
    private const string Secret = "SECdingtalk-secret-9f8e7d6c";
    private static readonly TestChannel[] s_channels = [new("ops-ding", ChannelKinds.DingTalk, "/dingtalk?access_token=robot-token-1a2b3c4d", Secret)];

    [Fact]
    public async Task AlertsPage_AnonymousViewerFilteredToFiring_ListsAlertsWithoutOperatorButtons()
    {
        // Arrange
        await using var h = await AlertingHarness.StartAsync(s_channels, ["--Dashboard:Auth:AnonymousRole=viewer"]);
        await h.PushDirectorAsync("lvs-a", synRecv: 60, established: 2);
        await h.EvaluateAsync();

        // Act
        var page = await Parse(await h.Server.CreateClient().GetStringAsync("alerts?state=firing&severity=critical"));

        // Assert
        var row = Assert.Single(page.QuerySelectorAll("table.alerts tbody tr[data-fingerprint]"));
        Assert.Equal("firing", row.GetAttribute("data-state"));
        Assert.Contains("SynRecvRatioHigh", row.TextContent);
        Assert.Contains("lvs-a · 10.1.26.252:10051", row.TextContent);
        Assert.DoesNotContain(page.QuerySelectorAll("table.alerts button"), b => b.TextContent == "Acknowledge");
        Assert.Equal("firing", page.QuerySelector("select[aria-label=State] option[selected]")?.GetAttribute("value"));
    }

    [Fact]
    public async Task AlertsPage_OperatorInChinese_AcknowledgeAndSilenceOfferedWithSuggestedMatchers()
    {
        // Arrange
        await using var h = await AlertingHarness.StartAsync(s_channels);
        await h.PushDirectorAsync("lvs-a", synRecv: 60, established: 2);
        await h.EvaluateAsync();
        using var operatorClient = await PersonClient.LogInAsync(h.Server, KnownRoles.Operator);
        await operatorClient.GetAsync("culture?c=zh-CN&redirect=/");

        // Act
        var page = await Parse(await operatorClient.GetStringAsync("alerts"));

        // Assert
        var row = page.QuerySelectorAll("table.alerts tbody tr[data-fingerprint]").Single(r => r.QuerySelector("td:nth-child(3) button")?.TextContent == "SynRecvRatioHigh");
        Assert.Contains(row.QuerySelectorAll("button"), b => b.TextContent == "确认");
        var silence = row.QuerySelectorAll("a").Single(a => a.TextContent == "静默…");
        Assert.Equal("silences?matchers=" + Uri.EscapeDataString("alertname=\"SynRecvRatioHigh\", director=\"lvs-a\", vip=\"10.1.26.252:10051\""),
            silence.GetAttribute("href"));
    }

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
        var row = Assert.Single(page.QuerySelectorAll("table.channels tr[data-channel]"));
        Assert.Equal("ops-ding", row.GetAttribute("data-channel"));
        Assert.Contains("••••7d6c", row.TextContent);
        Assert.Contains(row.QuerySelectorAll("button"), b => b.TextContent == "Send a test message");
        Assert.DoesNotContain(Secret, html, StringComparison.Ordinal);
        Assert.DoesNotContain("robot-token-1a2b3c4d", html, StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, byOperator.StatusCode);
        var kinds = page.QuerySelectorAll("select[aria-label=Kind] option").Select(o => o.GetAttribute("value")).ToList();
        Assert.Equal(ChannelKinds.All, kinds);
        Assert.Contains(ChannelKinds.Alertmanager, kinds);
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
        var rows = page.QuerySelectorAll("table.rules tr[data-rule]").ToDictionary(r => r.GetAttribute("data-rule")!, r => r.TextContent);
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
