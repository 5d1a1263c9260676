using Dashboard.Components.Tests.Infrastructure;
using Dashboard.Server.Components.Dialogs;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Dashboard.Components.Tests.Dialogs;

public sealed class AcknowledgeDialogTests : ComponentTest
{
    [Fact]
    public async Task Confirm_WithComment_ResultCarriesTheComment()
    {
        var provider = Ctx.Render<MudDialogProvider>();
        var service = Ctx.Services.GetRequiredService<IDialogService>();
        var dialog = await provider.InvokeAsync(() => service.ShowAsync<AcknowledgeDialog>("Acknowledge",
            new DialogParameters<AcknowledgeDialog> { { d => d.AlertName, "DrForwardDrop" } }));

        Assert.Equal("Acknowledge DrForwardDrop", provider.Find(".mud-dialog-title").TextContent.Trim());
        provider.Find(".ack-comment textarea").Input("on it");
        provider.Find(".ack-confirm").Click();

        var result = await dialog.Result;
        Assert.False(result!.Canceled);
        Assert.Equal("on it", result.Data);
    }

    [Fact]
    public async Task Cancel_ResultCancelled()
    {
        UseCulture("zh-CN");
        var provider = Ctx.Render<MudDialogProvider>();
        var service = Ctx.Services.GetRequiredService<IDialogService>();
        var dialog = await provider.InvokeAsync(() => service.ShowAsync<AcknowledgeDialog>("确认", new DialogParameters<AcknowledgeDialog> { { d => d.AlertName, "X" } }));

        Assert.Equal("取消", provider.Find(".ack-cancel").TextContent.Trim());
        provider.Find(".ack-cancel").Click();

        Assert.True((await dialog.Result)!.Canceled);
    }
}
