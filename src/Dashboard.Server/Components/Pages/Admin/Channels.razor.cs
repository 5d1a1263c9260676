using Dashboard.Server.Alerting;
using Dashboard.Server.Alerting.Channels;
using Dashboard.Server.Alerting.Delivery;
using Dashboard.Server.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Dashboard.Server.Components.Pages.Admin;

/// <summary>Chat channels: the ones from settings (read-only) and the ones admins add; secrets never leave the server.</summary>
public sealed partial class Channels
{
    private List<ChannelView> _channels = [];
    private Dictionary<string, ChannelDeliveryStats> _stats = [];
    private ChannelEdit _edit = new();
    private List<string> _errors = [];
    private string? _status;
    private bool _statusFailed;
    private string? _testing;

    [Inject] public required ChannelCatalog Catalog { get; init; }
    [Inject] public required ChannelRepository Repository { get; init; }
    [Inject] public required ChannelTester Tester { get; init; }
    [Inject] public required OutboxRepository Outbox { get; init; }
    [Inject] public required AlertOperations Operations { get; init; }
    [Inject] public required ViewerClock Clock { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required IStringLocalizer<Strings> Loc { get; init; }

    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _channels = (await Catalog.AllAsync(CancellationToken.None)).Select(c => c.ToView()).ToList();
        _stats = (await Outbox.StatsAsync(CancellationToken.None)).ToDictionary(s => s.Channel, StringComparer.Ordinal);
    }

    private async Task TestAsync(string name)
    {
        if (await Catalog.FindAsync(name, CancellationToken.None) is not { } channel)
        {
            return;
        }

        _testing = name;
        var result = await Tester.SendTestAsync(channel, CancellationToken.None);
        _testing = null;
        _status = result.Succeeded ? $"{name}: {Loc["TestSent"]}" : $"{name}: {Loc["TestFailed"]} {result.Error}";
        _statusFailed = !result.Succeeded;
        await LoadAsync();
    }

    private async Task Edit(string name)
    {
        if (await Catalog.FindAsync(name, CancellationToken.None) is { Source: AlertChannel.FromUi } channel)
        {
            _edit = ChannelEdit.From(channel);
            _errors = [];
        }
    }

    private async Task SaveAsync()
    {
        _errors = _edit.Validate(await Catalog.AllAsync(CancellationToken.None));
        if (_errors.Count > 0)
        {
            return;
        }

        var user = AuthenticationState is null ? "?" : (await AuthenticationState).User.Identity?.Name ?? "?";
        await Repository.SaveAsync(_edit.Name.Trim(), _edit.Kind, string.IsNullOrWhiteSpace(_edit.Url) ? null : _edit.Url.Trim(),
            string.IsNullOrEmpty(_edit.Secret) ? null : _edit.Secret, _edit.ClearSecret, _edit.Language, _edit.Enabled, user, Operations.Now,
            CancellationToken.None);
        await Catalog.ReloadAsync(CancellationToken.None);
        Snackbar.Add($"{_edit.Name.Trim()}: {Loc["Saved"]}", Severity.Success);
        _edit = new ChannelEdit();
        await LoadAsync();
    }

    private async Task DeleteAsync(string name)
    {
        if (await Dialogs.ShowMessageBoxAsync(Loc["Delete"], Loc["DeleteChannelConfirm", name], yesText: Loc["Delete"], cancelText: Loc["Cancel"]) != true)
        {
            return;
        }

        await Repository.DeleteAsync(name, CancellationToken.None);
        await Catalog.ReloadAsync(CancellationToken.None);
        Snackbar.Add($"{name}: {Loc["Deleted"]}", Severity.Info);
        await LoadAsync();
    }
}
