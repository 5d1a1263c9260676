using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Alerting;
using Dashboard.Server.Components.Pages;
using Dashboard.Server.Security;
using Dashboard.Server.Tests.Infrastructure;
using MudBlazor;

namespace Dashboard.Components.Tests.Pages;

public sealed class SilencesTests(PileUpServer fixture) : PageTest(fixture), IClassFixture<PileUpServer>
{
    [Fact]
    public void Render_Viewer_ListOnlyNoForm()
    {
        SignIn(KnownRoles.Viewer, "watcher");

        var page = RenderAt<Silences>("silences");

        Assert.Empty(page.FindAll(".silence-form"));
    }

    [Fact]
    public async Task Create_BadMatchers_ErrorShownNothingStored()
    {
        SignIn(KnownRoles.Operator);
        var page = RenderAt<Silences>("silences");
        var before = (await Get<AlertOperations>().SilencesAsync(TestTimeout.Token())).Count;

        page.Find(".silence-matchers input").Change("director lvs-a");
        page.Find(".silence-create").Click();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[role='alert']")));
        Assert.Equal(before, (await Get<AlertOperations>().SilencesAsync(TestTimeout.Token())).Count);
    }

    [Fact]
    public async Task CreateThenExpire_AsOperator_ListedThenEndedAfterConfirmation()
    {
        // Arrange
        SignIn(KnownRoles.Operator);
        var dialogs = Ctx.Render<MudDialogProvider>();
        Ctx.Render<MudPopoverProvider>();
        var page = RenderAt<Silences>("silences?matchers=" + Uri.EscapeDataString("director=\"lvs-silence\""));
        Assert.Equal("director=\"lvs-silence\"", page.Find(".silence-matchers input").GetAttribute("value"));

        // Act: create.
        page.Find(".silence-comment input").Change("maintenance");
        page.Find(".silence-create").Click();

        // Assert
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("td[data-silence]"), td => td.TextContent.Contains("lvs-silence", StringComparison.Ordinal)));
        var silence = (await Get<AlertOperations>().SilencesAsync(TestTimeout.Token())).Single(s => s.MatchersText.Contains("lvs-silence", StringComparison.Ordinal));
        Assert.Equal("oncall", silence.CreatedBy);

        // Act: expire, confirmed in a dialog.
        page.Find($"td[data-silence='{silence.Id}']").ParentElement!.QuerySelector("button")!.Click();
        dialogs.WaitForElement(".mud-message-box__yes-button, .mud-dialog-actions button:last-child").Click();

        // Assert
        page.WaitForAssertion(() => Assert.Contains("health-stale", page.Find($"td[data-silence='{silence.Id}']").ParentElement!.ClassList));
        Assert.True((await Get<AlertOperations>().SilencesAsync(TestTimeout.Token())).Single(s => s.Id == silence.Id).EndsAt <= DateTimeOffset.UtcNow);
    }
}
