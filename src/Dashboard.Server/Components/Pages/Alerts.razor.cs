using Dashboard.Server.Alerting;
using Dashboard.Server.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;

namespace Dashboard.Server.Components.Pages;

/// <summary>Alerts with their state, filtered by the URL (state, severity, director); operators acknowledge and silence here.</summary>
public sealed partial class Alerts : IDisposable
{
    private IDisposable? _subscription;
    private List<AlertView> _alerts = [];
    private List<string> _directors = [];
    private List<AlertEventRow> _history = [];
    private long? _expanded;
    private string? _acking;
    private string? _ackComment;
    private string? _message;

    [Inject] public required AlertOperations Operations { get; init; }
    [Inject] public required AlertEngine Engine { get; init; }
    [Inject] public required ViewerClock Clock { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IStringLocalizer<Strings> Loc { get; init; }

    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }

    [SupplyParameterFromQuery(Name = "state")] public string? State { get; set; }
    [SupplyParameterFromQuery(Name = "severity")] public string? Severity { get; set; }
    [SupplyParameterFromQuery(Name = "director")] public string? Director { get; set; }
    [SupplyParameterFromQuery(Name = "fingerprint")] public string? Fingerprint { get; set; }

    private string StateFilter => State is "firing" or "pending" or "resolved" or "all" ? State : "active";

    protected override void OnInitialized()
    {
        _subscription = Engine.Subscribe(() => InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }));
        Clock.Changed += OnClockChanged;
    }

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        var state = StateFilter;
        var query = new AlertQuery(
            state is "active" or "all" ? null : state,
            state == "active" && Fingerprint is null,
            AlertSeverities.All.Contains(Severity) ? Severity : null,
            string.IsNullOrWhiteSpace(Director) ? null : Director.Trim(),
            string.IsNullOrWhiteSpace(Fingerprint) ? null : Fingerprint,
            300);
        _alerts = await Operations.ListAsync(query, CancellationToken.None);
        _directors = _alerts.Select(a => a.Labels.GetValueOrDefault(AlertLabels.Director)).OfType<string>().Distinct().Order().ToList();
    }

    private async Task ToggleAsync(AlertView alert)
    {
        _expanded = _expanded == alert.Id ? null : alert.Id;
        _history = _expanded is { } id ? await Operations.HistoryAsync(id, CancellationToken.None) : [];
    }

    private async Task AcknowledgeAsync(AlertView alert)
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        if (user?.IsInRole(Security.KnownRoles.Operator) != true && user?.IsInRole(Security.KnownRoles.Admin) != true)
        {
            return;
        }

        var done = await Operations.AcknowledgeAsync(alert.Fingerprint, user.Identity?.Name ?? "?", _ackComment, CancellationToken.None);
        _message = done ? null : Loc["AlertNotActive"].Value;
        _acking = null;
        _ackComment = null;
        await LoadAsync();
    }

    private string SilenceLink(AlertView alert) => $"silences?matchers={Uri.EscapeDataString(Operations.SuggestMatchers(alert))}";

    private string StateName(string state) => state switch
    {
        AlertStates.Firing => Loc["StateFiring"],
        AlertStates.Pending => Loc["StatePending"],
        _ => Loc["StateResolved"],
    };

    private static string Where(AlertView alert) => string.Join(" · ", new[]
        {
            AlertLabels.Director, AlertLabels.Vip, AlertLabels.RealServer, AlertLabels.Hypervisor, AlertLabels.Port,
        }
        .Select(alert.Labels.GetValueOrDefault)
        .OfType<string>());

    private static string RowClass(AlertView alert) => alert.State switch
    {
        AlertStates.Firing when alert.Severity == AlertSeverities.Critical => "health-critical",
        AlertStates.Firing => "health-warning",
        AlertStates.Pending => "health-warning",
        _ => "health-ok",
    };

    private void Navigate(string key, string? value) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(key, string.IsNullOrWhiteSpace(value) ? null : value.Trim()));

    private void OnClockChanged() => InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        _subscription?.Dispose();
        Clock.Changed -= OnClockChanged;
    }
}
