using Dashboard.Server.Alerting;
using Dashboard.Server.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Dashboard.Server.Components.Pages;

/// <summary>Silences: operators create them from matchers (pre-filled from an alert's link) and expire them after a confirmation.</summary>
public sealed partial class Silences
{
    private static readonly int[] s_durations = [1, 2, 4, 8, 24, 72, 168];

    private List<Silence> _silences = [];
    private string? _matchers;
    private string? _comment;
    private int _hours = 2;
    private string? _error;

    [Inject] public required AlertOperations Operations { get; init; }
    [Inject] public required ViewerClock Clock { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required IStringLocalizer<Strings> Loc { get; init; }

    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }

    [SupplyParameterFromQuery(Name = "matchers")] public string? Matchers { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _matchers ??= Matchers;
        _silences = await Operations.SilencesAsync(CancellationToken.None);
    }

    private async Task<bool> MayOperateAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        return user?.IsInRole(Security.KnownRoles.Operator) == true || user?.IsInRole(Security.KnownRoles.Admin) == true;
    }

    private async Task CreateAsync()
    {
        if (!await MayOperateAsync())
        {
            return;
        }

        var user = (await AuthenticationState!).User;
        var (_, error) = await Operations.SilenceAsync(_matchers, _comment, null, null, TimeSpan.FromHours(_hours), user.Identity?.Name ?? "?", CancellationToken.None);
        _error = error;
        if (error is null)
        {
            _comment = null;
            Snackbar.Add(Loc["SilenceCreated"], Severity.Success);
            _silences = await Operations.SilencesAsync(CancellationToken.None);
        }
    }

    private async Task ExpireAsync(Silence silence)
    {
        if (!await MayOperateAsync())
        {
            return;
        }

        var confirmed = await Dialogs.ShowMessageBoxAsync(Loc["Expire"], Loc["ExpireConfirm", silence.MatchersText], yesText: Loc["Expire"], cancelText: Loc["Cancel"]);
        if (confirmed != true)
        {
            return;
        }

        await Operations.ExpireSilenceAsync(silence.Id, CancellationToken.None);
        Snackbar.Add(Loc["SilenceExpired"], Severity.Info);
        _silences = await Operations.SilencesAsync(CancellationToken.None);
    }
}
